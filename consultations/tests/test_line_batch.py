"""The worker processes stored LINE events in batches (issue 21 item 3): one claim, people and
consultations read once per write transaction, each event in its own savepoint."""

from __future__ import annotations

import datetime
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from django_tasks_db.models import DBTaskResult

from consultations.crypto import blind_index
from consultations.line_fake import make_event
from consultations.models import (
    BusinessHours,
    Consulter,
    Conversation,
    Delivery,
    Direction,
    EventState,
    InboundEvent,
    Message,
)
from consultations.services import conversations, line
from consultations.services.delivery import deliver_line_batch
from consultations.services.line import drain_events, process_events
from consultations.tests.helpers import LineTestCase, run_worker

PEOPLE = ["U" + f"{i:032x}" for i in range(4)]


def at(d: int, hh: int, mm: int = 0) -> int:
    """Epoch milliseconds of a Tokyo wall-clock time in February 2023 (Friday 17th: a weekday)."""
    moment = datetime.datetime(2023, 2, d, hh, mm, tzinfo=timezone.get_default_timezone())
    return int(moment.timestamp() * 1000)


class LineBatchTestCase(LineTestCase):
    def setUp(self) -> None:
        super().setUp()
        with scope(platform=self.platform):
            for weekday in range(7):
                BusinessHours.objects.create(
                    platform=self.platform, weekday=weekday, start=datetime.time(9), end=datetime.time(17)
                )

    def post_messages(self, texts: list[tuple[str, str, int]]) -> None:
        for user, text, moment in texts:
            token = self.fake.state.issue_reply_token(user)
            event = make_event("text", user, text=text, reply_token=token, timestamp_ms=moment)
            self.assertEqual(self.post_events(event).json()["stored"], 1)

    def inbound(self) -> list[str]:
        with scope(platform=self.platform):
            return list(
                Message.objects.filter(direction=Direction.INBOUND)
                .order_by("created_at")
                .values_list("text", flat=True)
            )

    def test_it_processes_twenty_events_of_four_people_with_a_few_queries_each(self) -> None:
        # Out of hours (22:00): each person's first message gets the out-of-hours answer, once.
        self.post_messages([(PEOPLE[i % 4], f"相談 {i}", at(17, 22, i)) for i in range(20)])
        with scope(platform=self.platform), CaptureQueriesContext(connection) as queries:
            drain_events(self.channel)
        # Event by event (the person, the open consultation, the hours, the crisis words and the
        # latest automatic answer read again for each): 448 statements. In batches: 188, half of
        # them savepoints (each event, each message, each new person and consultation).
        self.assertLess(len(queries.captured_queries), 20 * 12)
        with scope(platform=self.platform):
            self.assertEqual(set(InboundEvent.objects.values_list("state", flat=True)), {EventState.DONE})
            self.assertEqual(Consulter.objects.count(), 4)
            self.assertEqual(Conversation.objects.count(), 4)
            auto = Message.objects.filter(direction=Direction.AUTO)
            self.assertEqual(auto.count(), 4)
            self.assertTrue(all(m.meta == {"auto": "out_of_hours"} for m in auto))
            for conversation in Conversation.objects.all():
                self.assertEqual(conversation.messages.filter(direction=Direction.INBOUND).count(), 5)
                self.assertEqual(
                    conversation.last_inbound_at, conversation.messages.latest("created_at").created_at
                )
        self.assertEqual(self.inbound(), [f"相談 {i}" for i in range(20)])

    def test_it_remembers_the_automatic_answer_sent_in_an_earlier_batch(self) -> None:
        self.post_messages([(PEOPLE[0], "一通目", at(17, 22, 0))])
        run_worker()
        self.post_messages([(PEOPLE[0], "二通目", at(17, 22, 5)), (PEOPLE[1], "はじめて", at(17, 22, 6))])
        run_worker()
        with scope(platform=self.platform):
            replies = Message.objects.filter(direction=Direction.AUTO)
            self.assertEqual(
                sorted(replies.values_list("conversation__consulter__line_user_id", flat=True)),
                sorted([PEOPLE[0], PEOPLE[1]]),
            )

    def test_a_failing_event_is_rolled_back_alone_and_retried_while_the_others_are_done(self) -> None:
        self.post_messages([(PEOPLE[0], "まえ", at(17, 10)), (PEOPLE[1], "こわれる", at(17, 10, 1))])
        self.post_messages([(PEOPLE[0], "あと", at(17, 10, 2))])
        real = conversations.do_receive

        def failing(consulter, **kwargs):  # type: ignore[no-untyped-def]
            if kwargs.get("text") == "こわれる":
                real(consulter, **kwargs)  # written, then the savepoint is rolled back
                raise RuntimeError("boom")
            return real(consulter, **kwargs)

        with mock.patch.object(line, "do_receive", failing):
            run_worker()
        self.assertEqual(self.inbound(), ["まえ", "あと"])
        with scope(platform=self.platform):
            failed = InboundEvent.objects.get(state=EventState.PENDING)
            self.assertEqual((failed.attempts, failed.error), (1, "RuntimeError"))
            self.assertEqual(InboundEvent.objects.filter(state=EventState.DONE).count(), 2)
            # The person of the failed event was created in its savepoint: rolled back with it.
            self.assertFalse(Consulter.objects.filter(identity_hash=blind_index(PEOPLE[1], "line")).exists())
        retry = DBTaskResult.objects.get(status="READY")
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
        run_worker()
        self.assertEqual(self.inbound(), ["まえ", "こわれる", "あと"])
        with scopes_disabled():
            self.assertEqual(set(InboundEvent.objects.values_list("state", flat=True)), {EventState.DONE})

    def test_it_writes_in_several_transactions_when_a_batch_is_long(self) -> None:
        self.post_messages([(PEOPLE[i % 2], f"長い {i}", at(17, 10, i)) for i in range(7)])
        with (
            mock.patch.object(line, "WRITE_EVENTS", 3),
            mock.patch.object(line, "PREFETCH", 3),
            scope(platform=self.platform),
        ):
            with scopes_disabled():
                ids = list(InboundEvent.objects.order_by("id").values_list("webhook_event_id", flat=True))
            process_events(self.channel, ids)
        self.assertEqual(self.inbound(), [f"長い {i}" for i in range(7)])
        with scope(platform=self.platform):
            self.assertEqual(Conversation.objects.count(), 2)
            # In hours: one answer per new consultation, not one per transaction.
            self.assertEqual(Message.objects.filter(direction=Direction.AUTO).count(), 2)
            self.assertEqual(set(InboundEvent.objects.values_list("state", flat=True)), {EventState.DONE})

    def test_the_answers_of_one_transaction_are_delivered_by_one_task(self) -> None:
        self.post_messages([(PEOPLE[i], "はじめまして", at(17, 22, i)) for i in range(3)])
        with scope(platform=self.platform):
            drain_events(self.channel)
        deliveries = DBTaskResult.objects.filter(status="READY").exclude(
            task_path__endswith="drain_line_events"
        )
        self.assertEqual(
            list(deliveries.values_list("task_path", flat=True)), [deliver_line_batch.module_path]
        )
        run_worker()
        # Each person got the out-of-hours answer with their own reply token, exactly once.
        for person in PEOPLE[:3]:
            self.assertEqual([how for _text, how in self.fake.state.sent_to(person)], ["reply"])
        with scope(platform=self.platform):
            self.assertFalse(Message.objects.filter(delivery=Delivery.PENDING).exists())
