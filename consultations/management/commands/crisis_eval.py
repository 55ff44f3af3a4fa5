"""Recall and false alarms of crisis recognition on labelled corpora:
``crisis_eval [--corpus PATH ...] [--slug SLUG] [--show-misses]``.

A corpus has one message per line, ``crisis<TAB>text`` or ``ordinary<TAB>text``; ``#`` lines
are comments. The default is every consultations/tests/data/crisis_*.tsv: the corpus the rules
were written with and the held-out sets written later (each file says how it was used). Each
file is reported, then all together. With ``--slug`` the platform's own words apply too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scope

from consultations.crisis import evaluate, platform_words, read_corpus
from platforms.commands import platform_of

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"


def default_corpora() -> list[Path]:
    return sorted(DATA.glob("crisis_*.tsv"))


class Command(BaseCommand):
    help = "Prints the recall and false alarms of crisis recognition on a labelled corpus."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--corpus", type=Path, nargs="+", help="corpus files (default: tests/data/crisis_*.tsv)"
        )
        parser.add_argument("--slug", help="also apply this platform's own crisis words")
        parser.add_argument(
            "--show-misses", action="store_true", help="list missed and falsely flagged messages"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        corpora: list[tuple[str, list[tuple[str, str]]]] = []
        for path in options["corpus"] or default_corpora():
            try:
                corpora.append((path.name, read_corpus(path.read_text(encoding="utf-8"))))
            except (OSError, ValueError) as error:
                raise CommandError(f"{path}: {error}") from error
        words = []
        if options["slug"]:
            platform = platform_of(options["slug"])
            with scope(platform=platform):
                words = platform_words(platform)
        if len(corpora) > 1:
            corpora.append(("all", [row for _name, rows in corpora for row in rows]))
        for name, rows in corpora:
            result = evaluate(rows, words=words)
            self.stdout.write(
                f"{name}: {result.crisis_total + result.ordinary_total} messages "
                f"(crisis {result.crisis_total}, ordinary {result.ordinary_total}); "
                f"recall {result.recall:.3f} ({result.found}/{result.crisis_total}); "
                f"false alarms {len(result.false_alarms)}/{result.ordinary_total} "
                f"({result.false_alarm_rate * 10:.2f} in 10 ordinary messages)"
            )
            if options["show_misses"] and name != "all":
                for text in result.misses:
                    self.stdout.write(f"  missed\t{text}")
                for text, matched in result.false_alarms:
                    self.stdout.write(f"  false alarm\t{'、'.join(matched)}\t{text}")
