"""``mailing_send <slug> <issue-id> [--rate N]``: send an approved issue, or resume one.

Fixes the recipients, then hands the mails to the SMTP server at the list's rate (or --rate per
minute). Every mail goes through the outbox under a key of the issue and the subscriber, so a
second run sends only what has not left. Exits 1 when the SMTP server refuses or is unreachable,
having recorded what was sent (run it again to resume).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django_scopes import scope

from mailings.models import Issue
from mailings.queries import progress
from mailings.services.issues import do_start_sending, finish_if_done, send_now
from platforms.commands import platform_of


class Command(BaseCommand):
    help = "Send (or resume sending) an issue; exits non-zero if the SMTP server is unreachable."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument(
            "issue", help="the issue's id as printed by mailing_issue (or its number with --list)"
        )
        parser.add_argument("--rate", type=int, help="mails per minute (default: the list's)")

    def handle(self, *args: Any, **options: Any) -> None:
        platform = platform_of(options["slug"])
        with scope(platform=platform), translation.override("ja"):
            try:
                issue = Issue.objects.select_related("mailing_list").get(uuid=uuid.UUID(options["issue"]))
            except (ValueError, Issue.DoesNotExist):
                raise CommandError(f"unknown issue: {options['issue']!r}") from None
            rate = options["rate"] or issue.mailing_list.rate_per_minute
            if rate <= 0:
                raise CommandError("--rate must be positive")
            try:
                total = do_start_sending(issue)
            except ValidationError as error:
                raise CommandError(error.messages[0]) from error
            batch = max(1, min(rate, 60))  # at most one batch a second
            pause = 60.0 * batch / rate
            started = time.monotonic()
            while True:
                outcome = send_now(issue, batch)
                state = progress(issue)
                if outcome.retrying:
                    raise CommandError(
                        f"SMTP server unreachable or refusing for now: sent {state.sent} of {total}, "
                        f"{state.waiting} waiting; run mailing_send again to resume"
                    )
                if state.done or (outcome.sent == 0 and outcome.failed == 0 and outcome.skipped == 0):
                    break
                time.sleep(max(0.0, pause - (time.monotonic() - started)))
                started = time.monotonic()
            finish_if_done(issue)
            state = progress(issue)
        elapsed_note = f"rate {rate}/min"
        self.stdout.write(
            f"sent {state.sent} of {state.total} ({state.failed} failed, {state.skipped} skipped, "
            f"{state.waiting} waiting; {elapsed_note})"
        )
