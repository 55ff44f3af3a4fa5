"""``governance_tasks``: run daily (cron). Closes written resolutions past their deadline, reminds
the seats that have not answered a written resolution due within two days, and mails the
secretariat about terms that end within 30 days (once per seat)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone
from django_scopes import scope

from governance.models import WrittenResolution
from governance.services.bodies import do_warn_terms_ending
from governance.services.written import do_close_written, do_remind_written
from platforms.models import Platform


class Command(BaseCommand):
    help = "Close overdue written resolutions, remind pending ballots, warn of terms ending."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        today = timezone.localdate()
        closed = reminded = terms = 0
        for platform in Platform.objects.all():
            with scope(platform=platform):
                for resolution in WrittenResolution.objects.filter(status=WrittenResolution.Status.OPEN):
                    if resolution.deadline < now:
                        do_close_written(resolution)
                        closed += 1
                    elif resolution.deadline - now < datetime.timedelta(days=2) and (
                        resolution.reminded_at is None
                        or now - resolution.reminded_at > datetime.timedelta(days=1)
                    ):
                        reminded += do_remind_written(resolution)
                terms += do_warn_terms_ending(platform, today=today)
        self.stdout.write(f"closed {closed}, reminded {reminded} ballots, {terms} terms ending")
