"""Inspect and recover stored LINE webhook events.

``line_events`` prints counts per state; ``line_events --retry`` enqueues again every event
left pending (its task lost), stuck in processing after a crash, or failed with attempts
left. Processing is idempotent (events are claimed by state), so retrying is always safe.
``line_events --spool`` stores the events a webhook kept in var/line-spool/ while the database
was locked or away (consultations.services.line_spool); the scheduler runs it every minute.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.core.management.base import BaseCommand
from django.db.models import Count, Q
from django.utils import timezone
from django_scopes import scopes_disabled

from consultations.models import EventState, InboundEvent
from consultations.services import line_spool
from consultations.services.line import MAX_EVENT_ATTEMPTS
from consultations.tasks import process_line_events

STUCK_AFTER = datetime.timedelta(minutes=10)
LOST_AFTER = datetime.timedelta(minutes=1)


class Command(BaseCommand):
    help = "Show LINE webhook events by state; --retry re-enqueues pending, stuck and failed ones; --spool stores spooled events."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--retry", action="store_true")
        parser.add_argument("--spool", action="store_true", help="store the events kept in var/line-spool/")

    def handle(self, *args, retry: bool, spool: bool, **options) -> None:
        now = timezone.now()
        if spool:
            line_spool.recover_claimed()
            waiting = len(line_spool.spooled_files())
            new = line_spool.ingest_spool()
            self.stdout.write(f"spool: {waiting} file(s) stored, {new} new event(s)")
            if not retry:
                return
        with scopes_disabled():
            for row in InboundEvent.objects.values("state").annotate(n=Count("id")).order_by("state"):
                self.stdout.write(f"{row['state']}: {row['n']}")
            if not retry:
                return
            stuck = InboundEvent.objects.filter(
                state=EventState.PROCESSING, received_at__lt=now - STUCK_AFTER
            )
            stuck.update(state=EventState.PENDING)
            todo = InboundEvent.objects.filter(
                Q(state=EventState.PENDING, received_at__lt=now - LOST_AFTER)
                | Q(state=EventState.FAILED, attempts__lt=MAX_EVENT_ATTEMPTS)
            ).values_list("channel_id", "webhook_event_id")
            by_channel: dict[int, list[str]] = defaultdict(list)
            for channel_id, event_id in todo:
                by_channel[channel_id].append(event_id)
        for channel_id, ids in by_channel.items():
            for start in range(0, len(ids), 100):
                process_line_events.enqueue(channel_id, ids[start : start + 100])
        self.stdout.write(f"re-enqueued {sum(len(v) for v in by_channel.values())} events")
