"""Mail the owners of conference tasks due by the next business day or overdue (run daily)."""

from __future__ import annotations

import datetime

from consultations.services.cases import do_remind_conference_tasks
from platforms.commands import DailyPlatformsCommand
from platforms.models import Platform


class Command(DailyPlatformsCommand):
    help = "Mail reminders of tasks assigned at case conferences (once a day per task)."
    done_line = "{slug}: {n} task reminder(s) sent"
    total_line = "reminded {n}"

    def run_platform(self, platform: Platform, today: datetime.date | None) -> int:
        return do_remind_conference_tasks(platform, today=today)
