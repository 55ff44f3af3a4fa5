"""``manage.py restore <dir>``: into an empty database, only with the keys the backup needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from operations.queries import key_problems
from operations.services.backup import BackupError, do_restore


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into the configured, empty database."
    requires_system_checks: list[str] = []  # the database is empty (or not yet created) here

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["directory"])
        try:
            manifest = do_restore(source)
        except BackupError as exc:
            raise CommandError(f"restore refused: {exc}") from exc
        problems = key_problems()
        if problems:
            raise CommandError("restored, but the keys do not read the data: " + "; ".join(problems))
        self.stdout.write(
            f"restore: {source} ({manifest['database']['vendor']}, made {manifest['created_at']}) restored; "
            "keys match the data"
        )
