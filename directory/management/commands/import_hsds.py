"""``manage.py import_hsds <slug> <folder-or-datapackage.json>``: HSDS tabular CSV into a platform."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from directory.services.tabular import ImportFailed, RowError, do_import_hsds
from platforms.commands import PlatformCommand
from platforms.models import Platform


class Command(PlatformCommand):
    help = "Import HSDS 3.0 tabular data (CSV files or a datapackage.json) into a platform; all or nothing."

    def add_platform_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")

    def handle_platform(self, platform: Platform, **options: Any) -> None:
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
