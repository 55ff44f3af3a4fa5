"""Erase consultation content past each platform's retention period (run daily, e.g. from cron).

Keeps the anonymous facts the statistics need (channel, times, kinds, states, age band and
topics recorded by counsellors); erases texts, images, stickers, raw webhook payloads and,
for people with nothing left, the LINE userId needed to reach them.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django_scopes import scope

from consultations.services.privacy import do_apply_retention
from platforms.commands import platform_of
from platforms.models import Platform


class Command(BaseCommand):
    help = "Apply the retention period of every platform (or of --platform SLUG)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--platform", help="only this platform (slug)")

    def handle(self, *args, platform: str | None, **options) -> None:
        platforms = [platform_of(platform)] if platform else Platform.objects.all()
        for item in platforms:
            with scope(platform=item):
                counts = do_apply_retention(item)
            summary = ", ".join(f"{k} {v}" for k, v in counts.items())
            self.stdout.write(f"{item.slug}: erased {summary}")
