"""System checks that need the database: the keys must read the data that is there."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, Tags, register

from operations.queries import key_problems


@register(Tags.database)
def check_keys_match_data(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[Error]:
    """Refuse to start (migrate, ``check --database default``) with keys that cannot read the data.

    Without this, a database restored without its key files ran on newly generated keys:
    every consultation failed to decrypt and the LINE webhook answered 500.
    """
    if not databases or "default" not in databases:
        return []
    return [
        Error(
            problem,
            hint=(
                "Configure the keys this database was written with (CONSULTATION_KEYS, "
                "CONSULTATION_INDEX_KEY; see docs/operations.md, key custody), or restore the "
                "backup that belongs to these keys. Do not generate new keys."
            ),
            id="operations.E001",
        )
        for problem in key_problems()
    ]
