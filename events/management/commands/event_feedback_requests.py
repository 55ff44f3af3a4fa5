"""``event_feedback_requests``: after an event, mail its questionnaire to the attendees (scheduler)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from django_scopes import scope

from accounts.permissions import Actor
from events.management.commands._common import platform_of
from events.services.feedback_survey import do_send_feedback_requests
from platforms.models import Platform


class Command(BaseCommand):
    help = "Mail the feedback questionnaire to attendees of ended events (once each; nothing at night)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", help="platform slugs (default: every platform)")

    def handle(self, *args: Any, **options: Any) -> None:
        platforms = [platform_of(slug) for slug in options["slugs"]] or list(Platform.objects.all())
        total = 0
        for platform in platforms:
            with scope(platform=platform), translation.override("ja"):
                run = do_send_feedback_requests(actor=Actor(user=None, role=None, platform=platform))
            if run.quiet:
                self.stdout.write("night time (21:00-8:00 JST): no requests sent; the morning run sends them")
                return
            if run.queued:
                self.stdout.write(f"{platform.slug}: {run.queued} request(s) for {', '.join(run.events)}")
            total += run.queued
        self.stdout.write(f"queued {total} feedback request(s)")
