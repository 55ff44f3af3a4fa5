"""Recall and false alarms of crisis recognition on a labelled corpus:
``crisis_eval [--corpus PATH] [--slug SLUG] [--show-misses]``.

The corpus (default: consultations/tests/data/crisis_corpus.tsv) has one message per line,
``crisis<TAB>text`` or ``ordinary<TAB>text``; ``#`` lines are comments. With ``--slug`` the
platform's own words apply too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scope

from consultations.crisis import evaluate, platform_words, read_corpus
from platforms.models import Platform

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "tests" / "data" / "crisis_corpus.tsv"


class Command(BaseCommand):
    help = "Prints the recall and false alarms of crisis recognition on a labelled corpus."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
        parser.add_argument("--slug", help="also apply this platform's own crisis words")
        parser.add_argument(
            "--show-misses", action="store_true", help="list missed and falsely flagged messages"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rows = read_corpus(options["corpus"].read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"{options['corpus']}: {error}") from error
        words = []
        if options["slug"]:
            platform = Platform.objects.filter(slug=options["slug"]).first()
            if platform is None:
                raise CommandError(f"プラットフォーム {options['slug']!r} はありません")
            with scope(platform=platform):
                words = platform_words(platform)
        result = evaluate(rows, words=words)
        self.stdout.write(
            f"messages: {result.crisis_total + result.ordinary_total} "
            f"(crisis {result.crisis_total}, ordinary {result.ordinary_total})\n"
            f"recall: {result.recall:.3f} ({result.found}/{result.crisis_total})\n"
            f"false alarms: {len(result.false_alarms)}/{result.ordinary_total} "
            f"({result.false_alarm_rate:.3f}, {result.false_alarm_rate * 10:.2f} in 10 ordinary messages)"
        )
        if options["show_misses"]:
            for text in result.misses:
                self.stdout.write(f"missed\t{text}")
            for text, matched in result.false_alarms:
                self.stdout.write(f"false alarm\t{'、'.join(matched)}\t{text}")
