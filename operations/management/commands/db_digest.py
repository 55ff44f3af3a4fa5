"""``manage.py db_digest``: row count and digest of every table, to compare a restore with its source."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from operations.queries import table_digests


class Command(BaseCommand):
    help = "Print each table's row count and a digest of its rows (compare two databases in a restore drill)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        digests = table_digests()
        if options["json"]:
            self.stdout.write(json.dumps({table: list(value) for table, value in digests.items()}))
            return
        for table, (rows, digest) in digests.items():
            self.stdout.write(f"{table:<50} {rows:>9,} {digest[:16]}")
