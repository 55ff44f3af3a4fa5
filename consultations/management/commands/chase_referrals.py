"""Flag overdue referrals and mail a reminder to whoever must answer (run daily, e.g. from cron)."""

from __future__ import annotations

import datetime

from consultations.services.referrals import do_chase_overdue
from platforms.commands import DailyPlatformsCommand
from platforms.models import Platform


class Command(DailyPlatformsCommand):
    help = "Flag referrals past their response date and mail reminders (once a day per referral)."
    done_line = "{slug}: {n} overdue referral(s) chased"
    total_line = "chased {n}"

    def run_platform(self, platform: Platform, today: datetime.date | None) -> int:
        return do_chase_overdue(platform, today=today)
