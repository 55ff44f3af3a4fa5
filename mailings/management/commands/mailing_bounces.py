"""``mailing_bounces``: record refused mail as bounces and suspend addresses (scheduler, 10 min)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from django_scopes import scope

from accounts.permissions import Actor
from mailings.services.bounces import do_record_bounces
from platforms.commands import platform_of
from platforms.models import Platform


class Command(BaseCommand):
    help = "Record SMTP refusals of the outbox as bounces; suspend subscriptions at the list's limit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", help="platform slugs (default: every platform)")

    def handle(self, *args: Any, **options: Any) -> None:
        platforms = [platform_of(slug) for slug in options["slugs"]] or list(Platform.objects.all())
        recorded = suspended = 0
        for platform in platforms:
            with scope(platform=platform), translation.override("ja"):
                run = do_record_bounces(platform, actor=Actor(user=None, role=None, platform=platform))
            for subscriber in run.suspended:
                self.stdout.write(
                    f"{platform.slug}: suspended {subscriber.email} ({subscriber.mailing_list.slug})"
                )
            recorded += run.recorded
            suspended += len(run.suspended)
        self.stdout.write(f"recorded {recorded} bounce(s), suspended {suspended} subscription(s)")
