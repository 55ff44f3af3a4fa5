"""``mailing_dsn [FILE]``: record a bounce report (RFC 3464 DSN) piped in by the mail server.

For a mail server's alias on the sender address, e.g. ``bounces: "|manage.py mailing_dsn"``.
Exits non-zero for a message that is not a delivery report of a mail tsunagari sent.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django_scopes import scope

from accounts.permissions import Actor
from mailings.queries import mail_of_report
from mailings.services.bounces import NotAReport, do_record_dsn, parse_dsn

MAX_BYTES = 5 * 1024 * 1024


class Command(BaseCommand):
    help = "Record a delivery status notification (bounce report) read from FILE or standard input."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="the report as a file (default: standard input)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["file"]:
            with Path(options["file"]).open("rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
        else:
            raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise CommandError(f"report larger than {MAX_BYTES} bytes: not read")
        try:
            report = parse_dsn(raw)
        except NotAReport as error:
            raise CommandError(f"not a delivery status notification: {error}") from error
        mail = mail_of_report(report.original_message_id)
        if mail is None or mail.platform is None:
            raise CommandError(
                f"the report is about a mail tsunagari did not send: {report.original_message_id!r}"
            )
        platform = mail.platform
        with scope(platform=platform), translation.override("ja"):
            run = do_record_dsn(report, actor=Actor(user=None, role=None, platform=platform))
        for subscriber in run.suspended:
            self.stdout.write(
                f"{platform.slug}: suspended {subscriber.email} ({subscriber.mailing_list.slug})"
            )
        self.stdout.write(f"recorded {run.recorded} bounce(s) ({run.hard} hard) for {platform.slug}")
