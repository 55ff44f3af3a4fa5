"""Mail the owners of conference tasks due by the next business day or overdue (run daily)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scope

from consultations.services.cases import do_remind_conference_tasks
from platforms.models import Platform


class Command(BaseCommand):
    help = "Mail reminders of tasks assigned at case conferences (once a day per task)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", help="platform slugs (default: every platform)")
        parser.add_argument("--today", help="YYYY-MM-DD (default: today in Asia/Tokyo)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError as error:
                raise CommandError(f"--today: not a date (YYYY-MM-DD): {options['today']!r}") from error
        platforms = Platform.objects.all()
        if options["slugs"]:
            platforms = platforms.filter(slug__in=options["slugs"])
            missing = set(options["slugs"]) - set(platforms.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"unknown platform: {', '.join(sorted(missing))}")
        total = 0
        for platform in platforms:
            with scope(platform=platform):
                chased = do_remind_conference_tasks(platform, today=today)
            if chased:
                self.stdout.write(f"{platform.slug}: {chased} task reminder(s) sent")
            total += chased
        self.stdout.write(f"reminded {total}")
