"""When things happen, in Japan time: date-times given on the command line, whether an event
takes registrations, when it ends, the days its reminders go out and the hours no mail goes out.

Pure computation (no database): used by the services' writes, the views and the commands.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from events.models import Event
from tsunagari.lib import jpcalendar

TOKYO = ZoneInfo("Asia/Tokyo")
# Reminders and feedback requests go out between these hours only (Japan time).
SEND_FROM = datetime.time(8, 0)
SEND_UNTIL = datetime.time(21, 0)
# An event without an end time is taken to last this long.
DEFAULT_LENGTH = datetime.timedelta(hours=3)


def parse_local(value: str) -> datetime.datetime:
    """An ISO date-time as given on the command line; naive values are Japan time."""
    parsed = datetime.datetime.fromisoformat(value)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed


def is_open(event: Event, now: datetime.datetime | None = None) -> bool:
    """Whether the event takes registrations from its public page now."""
    now = now or timezone.now()
    if event.status != Event.Status.PUBLISHED or event.starts_at <= now:
        return False
    return event.deadline is None or now < event.deadline


def ended_at(event: Event) -> datetime.datetime:
    return event.ends_at or event.starts_at + DEFAULT_LENGTH


def due_day(event: Event, days: int) -> datetime.date:
    """The day the reminder of ``days`` days goes out (moved back over days off if asked)."""
    day = timezone.localtime(event.starts_at, TOKYO).date() - datetime.timedelta(days=days)
    if event.reminders_on_business_days:
        while jpcalendar.is_day_off(day):
            day -= datetime.timedelta(days=1)
    return day


def due_at(event: Event, days: int) -> datetime.datetime:
    return datetime.datetime.combine(due_day(event, days), SEND_FROM, tzinfo=TOKYO)


def reminder_due(event: Event, now: datetime.datetime) -> int | None:
    """The reminder (its number of days) to send now: the latest one due, or None."""
    if now >= event.starts_at:
        return None
    due = [days for days in event.reminder_days or [] if isinstance(days, int) and due_at(event, days) <= now]
    return min(due) if due else None


def is_quiet_time(now: datetime.datetime) -> bool:
    local = timezone.localtime(now, TOKYO).time()
    return not (SEND_FROM <= local < SEND_UNTIL)
