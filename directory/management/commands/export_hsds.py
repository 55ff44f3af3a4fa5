"""``manage.py export_hsds <slug> <folder>``: a platform's directory as HSDS tabular CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from directory.services.tabular import do_export_hsds
from platforms.models import Platform


class Command(BaseCommand):
    help = "Export a platform's directory as HSDS 3.0 tabular data (CSV files and datapackage.json)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug")
        parser.add_argument("folder")

    def handle(self, *args: Any, **options: Any) -> None:
        platform = Platform.objects.filter(slug=options["slug"]).first()
        if platform is None:
            raise CommandError(f"no platform {options['slug']!r}")
        with scope(platform=platform):
            counts = do_export_hsds(platform, Path(options["folder"]))
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
