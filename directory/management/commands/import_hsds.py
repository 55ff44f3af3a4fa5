"""``manage.py import_hsds <slug> <folder-or-datapackage.json>``: HSDS tabular CSV into a platform."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from directory.services.tabular import ImportFailed, RowError, do_import_hsds
from platforms.models import Platform


class Command(BaseCommand):
    help = "Import HSDS 3.0 tabular data (CSV files or a datapackage.json) into a platform; all or nothing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug")
        parser.add_argument("path")

    def handle(self, *args: Any, **options: Any) -> None:
        platform = Platform.objects.filter(slug=options["slug"]).first()
        if platform is None:
            raise CommandError(f"no platform {options['slug']!r}")
        with scope(platform=platform):
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
