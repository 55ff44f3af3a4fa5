"""Remove staged import files older than KEEP_STAGED (7 days) that no job needs any more."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tsunagari.lib.jobs.cleanup import KEEP_STAGED, purge_staged


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=float, default=KEEP_STAGED.total_seconds() / 86400, help="age to keep (days)"
        )

    def handle(self, *args: Any, days: float, **options: Any) -> None:
        removed = purge_staged(keep=datetime.timedelta(days=days))
        self.stdout.write(", ".join(f"{name}: {n}" for name, n in removed.items()))
