"""``mailing_issue <slug> <list> --subject S --body-file F [--approve]``: a new issue; prints its id."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation
from django_scopes import scope

from audit.services import log_action
from mailings.management.commands._common import list_of
from mailings.models import Issue
from mailings.services.issues import do_create_issue
from platforms.commands import platform_of


class Command(BaseCommand):
    help = (
        "Create an issue from a text file and print its id (uuid). A command-line issue counts as "
        "reviewed and approved by whoever runs it, ready for mailing_send."
    )
    stealth_options = ("stdin",)  # call_command(stdin=...) for --body-file - (as createsuperuser)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("list")
        parser.add_argument("--subject", required=True)
        parser.add_argument("--body-file", required=True, help="UTF-8 text; '-' reads standard input")
        parser.add_argument(
            "--draft", action="store_true", help="leave it a draft for review on the staff pages"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        platform = platform_of(options["slug"])
        source = options["body_file"]
        try:
            stdin = options.get("stdin") or sys.stdin
            body = stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"--body-file: {error}") from error
        with scope(platform=platform), translation.override("ja"):
            mailing_list = list_of(options["list"])
            try:
                issue = do_create_issue(mailing_list, subject=options["subject"], body=body)
            except ValidationError as error:
                raise CommandError(error.messages[0]) from error
            if not options["draft"]:
                Issue.objects.filter(pk=issue.pk).update(
                    status=Issue.Status.APPROVED, approved_at=timezone.now()
                )
                log_action("mailings.issue_approve", platform=platform, obj=issue, label="mailing_issue")
        self.stdout.write(str(issue.uuid))
