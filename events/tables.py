"""The seating plan's arithmetic: people at balanced tables of N, each group sitting together.

Pure (given the group ``key``), so it is tested on its own; without a key the groups are read
from the database (``events.queries.group_key``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from events.models import Registration
from events.queries import group_key

Key = Callable[[Registration], str]


def plan(
    people: list[Registration], attribute: str, table_size: int, key: Key | None = None
) -> dict[int, list[Registration]]:
    """Tables numbered from 1 → people; pure (given ``key``), so it is tested on its own."""
    if table_size < 2:
        raise ValidationError(_("1テーブルの人数は2人以上にしてください。"))
    if not people:
        return {}
    tables = math.ceil(len(people) / table_size)
    base, extra = divmod(len(people), tables)
    sizes = [base + (1 if index < extra else 0) for index in range(tables)]

    group = key or group_key(people, attribute)

    counts = Counter(group(person) for person in people)
    ordered = sorted(people, key=lambda p: (-counts[group(p)], group(p), p.name_kana or p.name, p.pk or 0))
    result: dict[int, list[Registration]] = {}
    index = 0
    for number, size in enumerate(sizes, start=1):
        result[number] = ordered[index : index + size]
        index += size
    return result
