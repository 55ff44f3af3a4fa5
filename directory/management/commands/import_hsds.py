"""``manage.py import_hsds <slug> <folder-or-datapackage.json>``: HSDS tabular CSV into a platform."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from directory.services.tabular import ImportFailed, RowError, do_import_hsds, do_queue_import_hsds
from platforms.commands import PlatformCommand
from platforms.models import Platform


class Command(PlatformCommand):
    help = (
        "Import HSDS 3.0 tabular data (CSV files or a datapackage.json) into a platform; all or nothing: "
        "every row is checked first, then written a few hundred rows per transaction."
    )

    def add_platform_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument(
            "--background",
            action="store_true",
            help="queue the import for the task worker (manage.py db_worker) and return at once",
        )

    def handle_platform(self, platform: Platform, **options: Any) -> None:
        if options["background"]:
            job = do_queue_import_hsds(platform, Path(options["path"]))
            self.stdout.write(f"queued import job {job.uuid}")
            return
        warnings: list[RowError] = []
        try:
            counts = do_import_hsds(platform, Path(options["path"]), warnings=warnings)
        except ImportFailed as failed:
            for error in failed.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(failed.errors)} error(s); nothing was imported") from None
        for warning in warnings:
            self.stderr.write(f"warning: {warning}")
        for name, count in sorted(counts.items()):
            self.stdout.write(f"{name}: {count}")
