"""Remind the listed non-member organisations that have not answered (run daily by the scheduler).

    python manage.py survey_remind_prospects [--platform SLUG]

Only open organisation surveys, only on business days (no mail on a Sunday, a 祝日 or over
年末年始), a week after the request or the last reminder, at most twice, never to an
organisation that stopped the mails; re-running the same day sends nothing again.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django_scopes import scope

from accounts.permissions import Actor
from platforms.commands import platform_of
from platforms.models import Platform
from surveys.models import Prospect, Survey
from surveys.services.prospects import do_remind_prospects


class Command(BaseCommand):
    help = "Mail a reminder to listed non-member organisations that have not answered an open survey."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--platform", help="only this platform (slug)")

    def handle(self, *args: Any, platform: str | None = None, **options: Any) -> None:
        platforms = [platform_of(platform)] if platform else Platform.objects.all()
        for item in platforms:
            with scope(platform=item):
                system = Actor(user=None, role=None, platform=item)
                listed = Prospect.objects.values("survey_id")
                queued = 0
                for survey in Survey.objects.filter(pk__in=listed):
                    queued += len(do_remind_prospects(survey, actor=system))
            self.stdout.write(f"{item.slug}: {queued} reminders queued")
