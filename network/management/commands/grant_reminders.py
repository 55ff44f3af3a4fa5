"""Mail the 助成・補助 deadline reminders due today to the members who subscribed (run daily)."""

from __future__ import annotations

import datetime

from network.services.reminders import do_send_grant_reminders
from platforms.commands import DailyPlatformsCommand
from platforms.models import Platform


class Command(DailyPlatformsCommand):
    help = "Queue today's grant deadline reminders (business days, Asia/Tokyo); safe to run twice."
    done_line = "{slug}: {n} reminder(s) queued"
    total_line = "queued {n}"

    def run_platform(self, platform: Platform, today: datetime.date | None) -> int:
        return do_send_grant_reminders(platform, today)
