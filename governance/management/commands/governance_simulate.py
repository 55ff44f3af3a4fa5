"""``governance_simulate (--template <name> | <slug> --body <code>) [--json]``: one meeting's verdict.

Reads the meeting as JSON on standard input (see governance/rules.py and issue 12) and prints
the verdict: quorum, each item, the deemed resolution and every refused input with its article.
With a platform slug and a body code, the body's own rule set is used and, when the input has no
``members``, the body's voting members on the day (their seat ids).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scope

from governance import rules
from governance.queries import body_by_code, voting_seat_ids
from platforms.commands import platform_of


class Command(BaseCommand):
    help = "Evaluate one meeting (JSON on stdin) under a template or a platform body's bylaws."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", nargs="?", help="platform slug (with --body)")
        parser.add_argument("--template", choices=sorted(rules.TEMPLATES), help="a shipped rule set")
        parser.add_argument("--body", help="code of the platform's governing body")
        parser.add_argument("--json", action="store_true", help="print JSON (default: a short summary)")

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["template"]) == bool(options["slug"]):
            raise CommandError("give either --template <name> or <slug> --body <code>")
        try:
            data = json.loads(sys.stdin.read() or "null")
        except json.JSONDecodeError as error:
            raise CommandError(f"standard input is not JSON: {error}") from error
        if options["template"]:
            ruleset = rules.TEMPLATES[options["template"]]
        else:
            ruleset, data = self._body(options["slug"], options["body"], data)
        try:
            verdict = rules.simulate(ruleset, data)
        except rules.RuleError as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(json.dumps(verdict, ensure_ascii=False, indent=2))
            return
        self.stdout.write(_summary(ruleset, verdict))

    def _body(self, slug: str, code: str | None, data: Any) -> tuple[rules.RuleSet, Any]:
        if not code:
            raise CommandError("--body <code> is needed with a platform slug")
        platform = platform_of(slug)
        with scope(platform=platform):
            body = body_by_code(code)
            if body is None:
                raise CommandError(f"no body {code!r} on {slug}")
            if isinstance(data, dict) and not data.get("members"):
                data = {**data, "members": voting_seat_ids(body)}
            return body.ruleset(), data


def _summary(ruleset: rules.RuleSet, verdict: dict[str, Any]) -> str:
    q = verdict["quorum"]
    lines = [
        ruleset.name,
        f"定足数: {'成立' if q['met'] else '不成立'}（出席 {q['present']} / 必要 {q['required']}）",
    ]
    for code, item in verdict["items"].items():
        lines.append(
            f"{code}: {'可決' if item['passed'] else '否決'}（賛成 {item['yes']} / 母数 {item['voters']} / 必要 {item['required']}）"
        )
    deemed = verdict["deemed_resolution"]
    if deemed is not None:
        lines.append(
            f"みなし決議: {'成立' if deemed['resolved'] else '不成立'}（賛成 {deemed['approve']} / 必要 {deemed['required']}）"
        )
    for row in verdict["refused"]:
        lines.append(f"拒否: {row['what']}（{row['article']}）")
    return "\n".join(lines)
