"""Try a platform's crisis recognition: ``crisis_check <slug> [--json] < messages.txt``.

Reads messages one per line on standard input and prints, per line and in input order,
whether it is a crisis message and what matched (built-in rules and the platform's own
words). ``--json`` prints a list of ``{"text", "crisis", "matched"}``. Nothing is stored.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django_scopes import scope

from consultations.crisis import platform_words, recognise
from platforms.commands import platform_of


class Command(BaseCommand):
    help = "Reads messages one per line on stdin; prints whether each is a crisis message and what matched."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the platform whose own crisis words apply too")
        parser.add_argument("--json", action="store_true", help='print [{"text", "crisis", "matched"}, ...]')

    def handle(self, *args: Any, **options: Any) -> None:
        platform = platform_of(options["slug"])
        stdin = getattr(self, "stdin", None) or sys.stdin
        results: list[dict[str, Any]] = []
        with scope(platform=platform):
            words = platform_words(platform)
            for line in stdin:
                text = line.rstrip("\r\n")
                found = recognise(text, platform, words=words)
                results.append({"text": text, "crisis": found.crisis, "matched": found.matched})
        if options["json"]:
            self.stdout.write(json.dumps(results, ensure_ascii=False, indent=1))
            return
        for row in results:
            mark = "緊急" if row["crisis"] else "-"
            self.stdout.write(f"{mark}\t{'、'.join(row['matched'])}\t{row['text']}")
