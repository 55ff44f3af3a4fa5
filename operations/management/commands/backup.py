"""``manage.py backup <dir>``: the database, uploaded files and a manifest (never the keys)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from operations.services.backup import BackupError, do_backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup or pg_dump -Fc) and uploaded files into a new directory."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="a new or empty directory")

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["directory"])
        try:
            manifest = do_backup(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = sum(item["size"] for item in manifest["files"].values())
        self.stdout.write(
            f"backup: {target} ({manifest['database']['vendor']}, {len(manifest['files'])} files, {size:,} bytes)\n"
            "backup: the keys are NOT in the backup; keep CONSULTATION_KEYS, CONSULTATION_INDEX_KEY "
            "and SECRET_KEY apart (docs/operations.md)"
        )
