"""Reminders before an event (e.g. 3 days and 1 day before) to confirmed registrants only.

Each event lists its reminder days (``Event.reminder_days``). The reminder of N days is due on
the N-th calendar day before the event's date, at ``SEND_FROM`` (Japan time, ``events.timing``); with
``reminders_on_business_days`` a due day that is a Saturday, Sunday, 祝日 or 年末年始 moves back
to the business day before, so that the secretariat can answer the replies it brings.

``do_send_reminders`` is run by the scheduler (``manage.py event_reminders``) and is idempotent:
one outbox key per event, address and reminder, so a second run, a second process or a person
who re-registers after cancelling is never mailed the same reminder twice. Only the latest
reminder due is sent (a run after an outage does not send the 3-day and the 1-day reminder at
once), cancelled, waiting and offered registrations get none, and nobody is mailed at night: a
run outside ``SEND_FROM``–``SEND_UNTIL`` sends nothing and the next morning's run catches up.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from accounts.permissions import Actor
from audit.services import log_action
from events import mail
from events.models import Event, Registration
from events.services.registration import mail_context
from events.timing import due_at, is_quiet_time, reminder_due
from tsunagari.lib.outbox.models import OutboxMail

MAX_DAYS = 14


def reminder_key(event: Event, registration: Registration, days: int) -> str:
    return f"events.reminder:{event.uuid}:{registration.email_key}:{days}"


@dataclass
class ReminderRun:
    quiet: bool = False
    queued: int = 0
    events: list[str] = field(default_factory=list)


def do_send_reminders(*, actor: Actor | None = None, now: datetime.datetime | None = None) -> ReminderRun:
    """Queue the reminders due now on the current platform (call inside its scope)."""
    now = now or timezone.now()
    run = ReminderRun(quiet=is_quiet_time(now))
    if run.quiet:
        return run
    events = Event.objects.filter(
        status=Event.Status.PUBLISHED,
        starts_at__gt=now,
        starts_at__lte=now + datetime.timedelta(days=MAX_DAYS + 7),
    ).order_by("starts_at", "id")
    for event in events:
        days = reminder_due(event, now)
        if days is None:
            continue
        queued = _remind(event, days, due_at(event, days), actor)
        if queued:
            run.queued += queued
            run.events.append(event.slug)
    return run


def _remind(event: Event, days: int, due: datetime.datetime, actor: Actor | None) -> int:
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)  # one sender per event at a time
        people = (
            Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
            .exclude(email="")
            # registered after the reminder was due: the confirmation mail was their reminder
            .exclude(confirmed_at__gte=due)
            .order_by("created_at", "id")
        )
        queued = 0
        for person in people:
            key = reminder_key(event, person, days)
            if OutboxMail.objects.filter(key=key).exists():
                continue
            mail.queue(event.platform, person, "reminder", {**mail_context(person), "days": days}, key=key)
            queued += 1
        if queued:
            log_action(
                "events.reminders",
                by=actor,
                platform=event.platform,
                obj=event,
                data={"days": days, "queued": queued},
                label="scheduler",
            )
        return queued
