"""Rebuild the search index of one platform, several, or all (after an upgrade of SudachiDict,
a change of the synonym list, or a bulk load that bypassed the signals)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from directory.search import index, schema
from platforms.models import Platform


class Command(BaseCommand):
    help = "Reindex every service of the given platforms (slugs), or of all platforms"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slugs", nargs="*", help="platform slugs (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        platforms = Platform.objects.all()
        if options["slugs"]:
            platforms = platforms.filter(slug__in=options["slugs"])
            missing = set(options["slugs"]) - set(platforms.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"unknown platform(s): {', '.join(sorted(missing))}")
        for platform in platforms:
            count = index.rebuild(platform)
            self.stdout.write(f"{platform.slug}: {count} services indexed")
        if connection.vendor in ("sqlite", "postgresql"):
            with transaction.atomic(), connection.cursor() as cursor:
                schema.rebuild_words(cursor)
