"""A worker that dies in the middle of a batch: its events are taken back within a minute
(``line_events --stuck``, every minute), and an event a live worker is processing is never
taken from it, however long ago LINE sent it."""

from __future__ import annotations

import datetime
import io
import subprocess
from unittest import mock

from django.core.management import call_command
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from django_tasks_db.models import DBTaskResult

from consultations.line_fake import make_event
from consultations.models import Direction, EventState, InboundEvent, Message
from consultations.services import line
from consultations.tests.helpers import LineTestCase, run_worker
from operations.schedule import JOBS

PERSON = "U" + "e" * 32


def dead_pid() -> int:
    """The pid of a process of this machine that has ended."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


class ClaimTestCase(LineTestCase):
    def post(self, *texts: str) -> list[str]:
        ids = []
        for text in texts:
            token = self.fake.state.issue_reply_token(PERSON)
            event = make_event("text", PERSON, text=text, reply_token=token)
            self.assertEqual(self.post_events(event).json()["stored"], 1)
            ids.append(event["webhookEventId"])
        return ids

    def claim(self, ids: list[str], *, by: str, minutes_ago: float = 0) -> None:
        """Claim the events as a worker ``by`` did ``minutes_ago``, and clear the queue (the task
        that worker was running is gone with it)."""
        with scope(platform=self.platform), mock.patch.object(line, "claimer", lambda: by):
            self.assertEqual(len(line._claim(self.channel, ids)), len(ids))
        DBTaskResult.objects.all().delete()
        when = timezone.now() - datetime.timedelta(minutes=minutes_ago)
        with scopes_disabled():
            InboundEvent.objects.filter(webhook_event_id__in=ids).update(claimed_at=when)

    def command(self, *args: str) -> str:
        out = io.StringIO()
        call_command("line_events", *args, stdout=out)
        return out.getvalue()

    def states(self) -> list[str]:
        with scopes_disabled():
            return list(InboundEvent.objects.order_by("id").values_list("state", flat=True))

    def received(self) -> list[str]:
        with scope(platform=self.platform):
            return list(
                Message.objects.filter(direction=Direction.INBOUND)
                .order_by("created_at")
                .values_list("text", flat=True)
            )

    def test_it_takes_back_within_a_minute_the_events_of_a_worker_killed_mid_batch(self) -> None:
        ids = self.post("一通目", "二通目")
        self.claim(ids, by=f"{line.socket.gethostname()}:{dead_pid()}", minutes_ago=0.5)
        self.assertEqual(self.states(), [EventState.PROCESSING] * 2)
        self.assertIn("taken back from workers: 2 event(s)", self.command("--stuck"))
        self.assertEqual(self.states(), [EventState.PENDING] * 2)
        run_worker()
        self.assertEqual(self.states(), [EventState.DONE] * 2)
        self.assertEqual(self.received(), ["一通目", "二通目"])  # once each, in order
        with scopes_disabled():
            self.assertEqual(set(InboundEvent.objects.values_list("attempts", flat=True)), {2})

    def test_it_never_takes_an_event_from_a_live_worker_however_old_the_event(self) -> None:
        ids = self.post("昨日の相談")
        with scopes_disabled():  # LINE redelivered it long after it was sent
            InboundEvent.objects.update(received_at=timezone.now() - datetime.timedelta(hours=3))
        self.claim(ids, by=line.claimer(), minutes_ago=0.5)  # this process: alive
        self.assertIn("taken back from workers: 0 event(s)", self.command("--stuck"))
        self.assertIn("taken back from workers: 0 event(s)", self.command("--retry"))
        self.assertEqual(self.states(), [EventState.PROCESSING])
        self.assertFalse(DBTaskResult.objects.exists())

    def test_the_retry_takes_back_a_claim_older_than_ten_minutes_from_another_machine(self) -> None:
        ids = self.post("別のサーバー")
        self.claim(ids, by="worker-2.example:4242", minutes_ago=11)  # its pid cannot be checked here
        self.assertIn("taken back from workers: 0 event(s)", self.command("--stuck"))
        self.assertEqual(self.states(), [EventState.PROCESSING])
        self.assertIn("taken back from workers: 1 event(s)", self.command("--retry"))
        run_worker()
        self.assertEqual(self.states(), [EventState.DONE])
        self.assertEqual(self.received(), ["別のサーバー"])

    def test_a_claim_from_before_claims_were_recorded_falls_under_the_time_rule(self) -> None:
        ids = self.post("移行前")
        self.claim(ids, by="", minutes_ago=0)
        with scopes_disabled():
            InboundEvent.objects.update(
                claimed_at=None, received_at=timezone.now() - datetime.timedelta(minutes=30)
            )
        self.assertIn("taken back from workers: 0 event(s)", self.command("--stuck"))
        self.assertIn("taken back from workers: 1 event(s)", self.command("--retry"))
        run_worker()
        self.assertEqual(self.received(), ["移行前"])

    def test_the_scheduler_takes_back_every_minute(self) -> None:
        job = next(job for job in JOBS if job.command == ("line_events", "--stuck"))
        self.assertEqual(job.every, datetime.timedelta(minutes=1))
