"""Inspect and recover stored LINE webhook events.

``line_events`` prints counts per state; ``line_events --retry`` enqueues again every event
left pending (its task lost), stuck in processing (its worker gone, or claimed more than ten
minutes ago), or failed with attempts left; ``line_events --stuck`` takes back only the events
whose worker process has ended (the scheduler runs it every minute, so a worker killed in the
middle of a batch delays its events by a minute, not ten). Processing is idempotent (events are
claimed by state), so retrying is always safe. ``line_events --spool`` stores the events a
webhook kept in var/line-spool/ while the database was locked or away
(consultations.services.line_spool); the scheduler runs it every minute.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand
from django.db.models import Count, Q
from django.utils import timezone
from django_scopes import scopes_disabled

from consultations.models import EventState, InboundEvent
from consultations.services import line_spool
from consultations.services.line import MAX_EVENT_ATTEMPTS, do_take_back_claims
from consultations.tasks import process_line_events

LOST_AFTER = datetime.timedelta(minutes=1)


class Command(BaseCommand):
    help = (
        "Show LINE webhook events by state; --retry re-enqueues pending, stuck and failed ones; "
        "--stuck only those whose worker has ended; --spool stores spooled events."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--retry", action="store_true")
        parser.add_argument(
            "--stuck", action="store_true", help="take back events whose worker process has ended"
        )
        parser.add_argument("--spool", action="store_true", help="store the events kept in var/line-spool/")

    def handle(self, *args, retry: bool, stuck: bool, spool: bool, **options) -> None:
        if spool:
            line_spool.recover_claimed()
            waiting = len(line_spool.spooled_files())
            new = line_spool.ingest_spool()
            self.stdout.write(f"spool: {waiting} file(s) stored, {new} new event(s)")
        if stuck or retry:
            by_channel = do_take_back_claims(only_gone=not retry)
            taken = sum(len(ids) for ids in by_channel.values())
            self.stdout.write(f"taken back from workers: {taken} event(s)")
            if retry:
                self._add_waiting(by_channel)
            self._enqueue(by_channel)
            return
        if not spool:
            with scopes_disabled():
                for row in InboundEvent.objects.values("state").annotate(n=Count("id")).order_by("state"):
                    self.stdout.write(f"{row['state']}: {row['n']}")

    def _add_waiting(self, by_channel: dict[int, list[str]]) -> None:
        """Add the events left pending (their task lost) and the failed ones with attempts left."""
        now = timezone.now()
        with scopes_disabled():
            todo = InboundEvent.objects.filter(
                Q(state=EventState.PENDING, received_at__lt=now - LOST_AFTER)
                | Q(state=EventState.FAILED, attempts__lt=MAX_EVENT_ATTEMPTS)
            ).values_list("channel_id", "webhook_event_id")
            for channel_id, event_id in todo:
                if event_id not in by_channel.setdefault(channel_id, []):
                    by_channel[channel_id].append(event_id)

    def _enqueue(self, by_channel: dict[int, list[str]]) -> None:
        for channel_id, ids in by_channel.items():
            for start in range(0, len(ids), 100):
                process_line_events.enqueue(channel_id, ids[start : start + 100])
        self.stdout.write(f"re-enqueued {sum(len(v) for v in by_channel.values())} events")
