"""``manage.py export_hsds <slug> <folder>``: a platform's directory as HSDS tabular CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from directory.services.tabular import do_export_hsds
from platforms.commands import PlatformCommand
from platforms.models import Platform


class Command(PlatformCommand):
    help = "Export a platform's directory as HSDS 3.0 tabular data (CSV files and datapackage.json)."

    def add_platform_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder")

    def handle_platform(self, platform: Platform, **options: Any) -> None:
        counts = do_export_hsds(platform, Path(options["folder"]))
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
