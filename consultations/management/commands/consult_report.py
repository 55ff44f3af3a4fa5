"""Consultation statistics for a period: ``consult_report <slug> --from YYYY-MM-DD --to YYYY-MM-DD [--json]``."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import translation

from audit.models import AuditEntry
from audit.services import log_action
from consultations.queries import build_report, suppress, threshold_for
from platforms.commands import PlatformCommand
from platforms.models import Platform


def _date(value: str, option: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{option}: not a date (YYYY-MM-DD): {value!r}") from error


class Command(PlatformCommand):
    help = (
        "Consulters, consultations, messages, age bands, topics, channels, hours and referrals for a period."
    )

    def add_platform_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from", dest="date_from", required=True, help="first day, YYYY-MM-DD (Asia/Tokyo)"
        )
        parser.add_argument("--to", dest="date_to", required=True, help="last day, YYYY-MM-DD (inclusive)")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument(
            "--suppress",
            action="store_true",
            help="suppress counts below the platform's threshold (for publication)",
        )

    def handle_platform(self, platform: Platform, **options: Any) -> None:
        start = _date(options["date_from"], "--from")
        end = _date(options["date_to"], "--to")
        if end < start:
            raise CommandError("--to is before --from")
        with translation.override("ja"):
            report = build_report(platform, start, end)
            if options["suppress"]:
                report = suppress(report, threshold_for(platform))
            log_action(
                AuditEntry.EXPORT,
                platform=platform,
                label="consult_report",
                data={"from": str(start), "to": str(end)},
            )
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2, default=str))
            return
        self.stdout.write(f"{platform.name} {start} – {end}")
        self.stdout.write(
            f"相談者数 {report['consulters']}  相談件数 {report['consultations']}  メッセージ {report['messages']['total']}"
        )
        for title, key in (
            ("年代", "by_age_band"),
            ("相談内容（複数選択）", "by_topic"),
            ("チャネル", "by_channel"),
        ):
            cells = "  ".join(f"{row['label']} {row['count']}" for row in report[key])
            self.stdout.write(f"{title}: {cells}")
        self.stdout.write(report["topics_note"])
        self.stdout.write(f"紹介 {report['referrals']['total']}")
