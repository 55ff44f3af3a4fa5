"""Shared by the events commands: the event by slug (inside the platform's scope), date-times,
the daytime mail runs per platform."""

from __future__ import annotations

import datetime
from typing import Any, Protocol

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django_scopes import scope

from accounts.permissions import Actor
from events.models import Event
from events.timing import parse_local
from platforms.commands import platform_of
from platforms.models import Platform


def event_of(slug: str) -> Event:
    """Call inside the platform's scope."""
    event = Event.objects.filter(slug=slug).first()
    if event is None:
        raise CommandError(f"unknown event: {slug!r}")
    return event


def when(value: str | None, option: str) -> datetime.datetime | None:
    if value is None:
        return None
    try:
        return parse_local(value)
    except ValueError as error:
        raise CommandError(f"{option}: not an ISO date-time (e.g. 2023-02-08T14:00): {value!r}") from error


class MailRun(Protocol):
    quiet: bool
    queued: int
    events: list[str]


class DaytimeMailCommand(BaseCommand):
    """Runs ``send`` on every platform (or the slugs given), in its scope and in Japanese, and says
    how many mails it queued (``noun``: one of them, ``plural``: several) for which events. Nothing
    at night: the first platform's quiet run stops the command."""

    noun = ""
    plural = ""
    total = ""  # the total's noun, e.g. "feedback request(s)"

    def send(self, actor: Actor) -> MailRun:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", help="platform slugs (default: every platform)")

    def handle(self, *args: Any, **options: Any) -> None:
        platforms = [platform_of(slug) for slug in options["slugs"]] or list(Platform.objects.all())
        total = 0
        for platform in platforms:
            with scope(platform=platform), translation.override("ja"):
                run = self.send(Actor(user=None, role=None, platform=platform))
            if run.quiet:
                self.stdout.write(
                    f"night time (21:00-8:00 JST): no {self.plural} sent; the morning run sends them"
                )
                return
            if run.queued:
                self.stdout.write(f"{platform.slug}: {run.queued} {self.noun}(s) for {', '.join(run.events)}")
            total += run.queued
        self.stdout.write(f"queued {total} {self.total}")
