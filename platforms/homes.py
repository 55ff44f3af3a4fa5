"""Each role's home page: blocks of what needs doing, given by the apps that own the work.

The home (``platforms:dashboard``) may not import the apps above platforms, so every app
registers a provider in its ``AppConfig.ready()``::

    from platforms import homes

    homes.register("surveys", surveys_home)

A provider is ``provider(platform, role, now) -> Iterable[Block]``, called inside the platform's
scope, reading only, and giving the blocks for ``role.kind`` (or none). A block is a heading with
a count and a link to the work (the secretariat's dashboard), optionally with lines (a
counsellor's urgent conversations, a member's referrals with their due dates). Each provider
costs a fixed number of queries whatever the data (the home's query-count tests pin them).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise

from platforms.models import Platform


@dataclass
class Line:
    text: str | Promise
    url: str = ""
    note: str | Promise = ""  # e.g. 「期限 12月8日（火）」「3時間待ち」
    urgent: bool = False


@dataclass
class Block:
    title: str | Promise
    count: int | None = None
    url: str = ""
    lines: list[Line] = field(default_factory=list)
    empty: str | Promise = ""  # said when there are no lines
    note: str | Promise = ""  # one line under the title (a figure, a rate)
    urgent: bool = False  # needs attention now (shown first, marked)
    order: int = 100
    more: str = ""  # link to the full list when lines are cut


Provider = Callable[[Platform, Any, datetime.datetime], Iterable[Block]]
_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Register (or replace) the home provider called ``name`` (an app label)."""
    _providers[name] = provider


def blocks_for(platform: Platform, role: Any, now: datetime.datetime | None = None) -> list[Block]:
    """Every block of the role's home: urgent blocks with work first, then in each app's order."""
    now = now or timezone.now()
    found: list[Block] = []
    for provider in _providers.values():
        found.extend(provider(platform, role, now))
    return sorted(found, key=lambda block: (not (block.urgent and (block.count or block.lines)), block.order))
