"""Shared by the events commands: the platform and the event by slug, inside the platform's scope."""

from __future__ import annotations

import datetime

from django.core.management.base import CommandError

from events.models import Event
from events.services.events import parse_local
from platforms.models import Platform


def platform_of(slug: str) -> Platform:
    platform = Platform.objects.filter(slug=slug).first()
    if platform is None:
        raise CommandError(f"unknown platform: {slug!r}")
    return platform


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
