"""Messages of people whose consultation is open are written together (issue 21 item 3): a
few statements for a write transaction instead of a few per event; a crisis, someone new or
anything else still goes through do_receive; a failure still fails one event alone."""

from __future__ import annotations

from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from django_tasks_db.models import DBTaskResult

from consultations.line_fake import make_event
from consultations.models import Consulter, Conversation, Direction, EventState, InboundEvent, Message
from consultations.services import conversations, line
from consultations.services.conversations import ReceiveBatch
from consultations.services.line import drain_events
from consultations.tests import test_line_batch
from consultations.tests.helpers import run_worker
from consultations.tests.test_line_batch import PEOPLE, at


class LineBatchWriteTestCase(test_line_batch.LineBatchTestCase):
    # Not test_line_batch's tests again: only this module's.
    test_it_processes_twenty_events_of_four_people_with_a_few_queries_each = None  # type: ignore[assignment]
    test_it_remembers_the_automatic_answer_sent_in_an_earlier_batch = None  # type: ignore[assignment]
    test_a_failing_event_is_rolled_back_alone_and_retried_while_the_others_are_done = None  # type: ignore[assignment]
    test_it_writes_in_several_transactions_when_a_batch_is_long = None  # type: ignore[assignment]
    test_the_answers_of_one_transaction_are_delivered_by_one_task = None  # type: ignore[assignment]

    def open_consultations(self) -> None:
        """Each of the four people wrote once (22:00, out of hours) and was answered."""
        self.post_messages([(PEOPLE[i], f"はじめ {i}", at(17, 22, i)) for i in range(4)])
        run_worker()

    def test_it_writes_the_messages_of_open_consultations_together_and_a_crisis_alone(self) -> None:
        self.open_consultations()
        texts = [(PEOPLE[i % 4], f"つづき {i}", at(17, 22, 10 + i)) for i in range(12)]
        texts[6] = (PEOPLE[2], "もう消えたいです。", at(17, 22, 16))
        self.post_messages(texts)
        with scope(platform=self.platform), CaptureQueriesContext(connection) as queries:
            drain_events(self.channel)
        # One event at a time (savepoints, the person's token, the message, the consultation):
        # about 10 statements each (126 here); together 47 (the crisis alone takes a dozen).
        self.assertLess(len(queries.captured_queries), 12 * 5)
        self.assertEqual(self.inbound(), [f"はじめ {i}" for i in range(4)] + [t for _u, t, _at in texts])
        with scope(platform=self.platform):
            self.assertEqual(set(InboundEvent.objects.values_list("state", flat=True)), {EventState.DONE})
            self.assertEqual(Conversation.objects.count(), 4)
            # Resident safety: the crisis message still flags the consultation and is answered.
            urgent = Conversation.objects.get(urgent=True)
            self.assertEqual(urgent.consulter.line_user_id, PEOPLE[2])
            crisis = Message.objects.filter(direction=Direction.AUTO, meta__auto="crisis")
            self.assertEqual(list(crisis.values_list("conversation", flat=True)), [urgent.pk])
            # The out-of-hours answer was given with the first message and not repeated.
            self.assertEqual(Message.objects.filter(meta__auto="out_of_hours").count(), 4)
            for conversation in Conversation.objects.all():
                latest = conversation.messages.filter(direction=Direction.INBOUND).latest("created_at")
                self.assertEqual(conversation.last_inbound_at, latest.created_at)
                self.assertEqual(conversation.last_message_at, latest.created_at)
            # Each person keeps the reply token of their latest event.
            for consulter in Consulter.objects.all():
                self.assertTrue(consulter.reply_token)
                self.assertIsNotNone(consulter.reply_token_at)
        run_worker()
        self.assertTrue(self.fake.state.sent_to(PEOPLE[2]))

    def test_a_consultation_waiting_for_the_person_is_reopened(self) -> None:
        self.open_consultations()
        with scope(platform=self.platform):
            Conversation.objects.update(state="waiting")
        self.post_messages([(PEOPLE[0], "へんじ", at(17, 22, 30))])
        run_worker()
        with scope(platform=self.platform):
            states = dict(Conversation.objects.values_list("consulter__line_user_id", "state"))
        self.assertEqual(states[PEOPLE[0]], "open")
        self.assertEqual(states[PEOPLE[1]], "waiting")

    def test_a_failure_in_the_written_together_group_fails_one_event_alone(self) -> None:
        self.open_consultations()
        self.post_messages([(PEOPLE[0], "まえ", at(17, 22, 20)), (PEOPLE[1], "こわれる", at(17, 22, 21))])
        self.post_messages([(PEOPLE[2], "あと", at(17, 22, 22))])
        real_flush, real_receive = ReceiveBatch.flush, conversations.do_receive

        def flush(batch: ReceiveBatch) -> None:
            if any(m.text == "こわれる" for m in batch.messages):
                real_flush(batch)  # written, then the savepoint is rolled back
                raise RuntimeError("boom")
            real_flush(batch)

        def receive(consulter, **kwargs):  # type: ignore[no-untyped-def]
            if kwargs.get("text") == "こわれる":
                raise RuntimeError("boom")
            return real_receive(consulter, **kwargs)

        with mock.patch.object(ReceiveBatch, "flush", flush), mock.patch.object(line, "do_receive", receive):
            run_worker()
        done = [f"はじめ {i}" for i in range(4)]
        self.assertEqual(self.inbound(), [*done, "まえ", "あと"])  # each once
        with scope(platform=self.platform):
            failed = InboundEvent.objects.get(state=EventState.PENDING)
            self.assertEqual((failed.attempts, failed.error), (1, "RuntimeError"))
        retry = DBTaskResult.objects.get(status="READY")
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
        run_worker()
        self.assertEqual(self.inbound(), [*done, "まえ", "こわれる", "あと"])
        with scopes_disabled():
            self.assertEqual(set(InboundEvent.objects.values_list("state", flat=True)), {EventState.DONE})

    def test_a_failure_while_staging_writes_the_events_one_by_one(self) -> None:
        self.open_consultations()
        self.post_messages([(PEOPLE[i], f"あと {i}", at(17, 22, 20 + i)) for i in range(4)])
        real_add = ReceiveBatch.add

        def add(batch: ReceiveBatch, consulter, **kwargs):  # type: ignore[no-untyped-def]
            if kwargs.get("text") == "あと 2":
                raise RuntimeError("boom")
            real_add(batch, consulter, **kwargs)

        with mock.patch.object(ReceiveBatch, "add", add):
            run_worker()
        self.assertEqual(self.inbound(), [f"はじめ {i}" for i in range(4)] + [f"あと {i}" for i in range(4)])
        with scopes_disabled():
            self.assertEqual(set(InboundEvent.objects.values_list("state", flat=True)), {EventState.DONE})

    def test_a_redelivered_event_is_stored_and_processed_once(self) -> None:
        self.open_consultations()
        token = self.fake.state.issue_reply_token(PEOPLE[0])
        event = make_event("text", PEOPLE[0], text="二度", reply_token=token, timestamp_ms=at(17, 22, 40))
        again = {**event, "deliveryContext": {"isRedelivery": True}}
        self.assertEqual(self.post_events(event).json()["stored"], 1)
        self.assertEqual(self.post_events(again, event).json()["stored"], 0)
        run_worker()
        self.assertEqual(self.post_events(again).json()["stored"], 0)
        with scope(platform=self.platform):
            ids = [event["webhookEventId"]]
            line.process_events(self.channel, ids)  # a retry of an event already done
        run_worker()
        self.assertEqual(self.inbound().count("二度"), 1)
        with scopes_disabled():
            self.assertEqual(InboundEvent.objects.filter(webhook_event_id=event["webhookEventId"]).count(), 1)
