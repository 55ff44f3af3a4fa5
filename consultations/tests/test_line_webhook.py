from __future__ import annotations

import datetime
import json
import socket
import tempfile
from pathlib import Path
from unittest import mock

from django.db import OperationalError, connection
from django.db.models import F
from django.test import override_settings
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from django_tasks_db.models import DBTaskResult

from consultations.line_api import signature
from consultations.line_fake import body_of, make_event
from consultations.models import (
    BusinessHours,
    Consulter,
    Conversation,
    ConversationState,
    Delivery,
    Direction,
    EventDrain,
    EventState,
    InboundEvent,
    Message,
    MessageKind,
)
from consultations.services.conversations import do_close, do_send
from consultations.tasks import drain_line_events
from consultations.tests.casework import actor
from consultations.tests.helpers import SECRET, LineTestCase, run_worker
from consultations.views import line as line_views

USER = "U" + "1" * 32


def at(y: int, m: int, d: int, hh: int, mm: int = 0) -> int:
    """Epoch milliseconds of a Tokyo wall-clock time."""
    moment = datetime.datetime(y, m, d, hh, mm, tzinfo=timezone.get_default_timezone())
    return int(moment.timestamp() * 1000)


class WebhookRejectsBadInputTestCase(LineTestCase):
    def assert_nothing_stored(self) -> None:
        with scopes_disabled():
            self.assertEqual(InboundEvent.objects.count(), 0)
            self.assertEqual(EventDrain.objects.count(), 0)
        self.assertEqual(DBTaskResult.objects.count(), 0)

    def test_it_answers_400_to_a_bad_signature_and_stores_nothing(self) -> None:
        response = self.post_events(make_event("text", USER, text="こんにちは"), secret="f" * 32)
        self.assertEqual(response.status_code, 400)
        self.assertIn("X-Line-Signature", response.json()["error"])
        self.assert_nothing_stored()

    def test_it_answers_400_without_a_signature(self) -> None:
        body = body_of(make_event("text", USER, text="x"))
        response = self.client.post("/line/alpha/webhook", body, content_type="application/json")
        self.assertEqual(response.status_code, 400)
        self.assert_nothing_stored()

    def test_it_answers_400_to_malformed_json_even_when_signed(self) -> None:
        body = b'{"events": [{"type": "message",'
        response = self.post_body(body, signature(SECRET, body))
        self.assertEqual(response.status_code, 400)
        self.assertIn("not valid JSON", response.json()["error"])
        self.assert_nothing_stored()

    def test_it_names_the_event_without_an_id_and_stores_none_of_the_batch(self) -> None:
        good = make_event("text", USER, text="ok")
        bad = make_event("text", USER, text="no id")
        del bad["webhookEventId"]
        body = body_of(good, bad)
        response = self.post_body(body, signature(SECRET, body))
        self.assertEqual(response.status_code, 400)
        self.assertIn("events[1].webhookEventId", response.json()["error"])
        self.assert_nothing_stored()

    def test_it_answers_404_for_an_unknown_platform(self) -> None:
        response = self.post_events(make_event("text", USER, text="x"), slug="nowhere")
        self.assertEqual(response.status_code, 404)
        self.assert_nothing_stored()

    def test_it_answers_404_for_a_platform_without_a_line_channel(self) -> None:
        response = self.post_events(make_event("text", USER, text="x"), slug="beta")
        self.assertEqual(response.status_code, 404)
        self.assert_nothing_stored()

    def test_it_refuses_get(self) -> None:
        self.assertEqual(self.client.get("/line/alpha/webhook").status_code, 405)

    def test_it_accepts_lines_url_verification_with_no_events(self) -> None:
        response = self.post_body(
            b'{"destination":"U0","events":[]}', signature(SECRET, b'{"destination":"U0","events":[]}')
        )
        self.assertEqual(response.status_code, 200)
        self.assert_nothing_stored()

    def test_it_refuses_a_body_over_a_megabyte(self) -> None:
        event = make_event("text", USER, text="あ" * 400_000)
        response = self.post_events(event)
        self.assertEqual(response.status_code, 413)
        self.assert_nothing_stored()


class WebhookQueuesProcessingRunsTestCase(LineTestCase):
    """One queued run serves every event stored before it starts; later events queue the next."""

    def waiting_runs(self) -> int:
        return DBTaskResult.objects.filter(status="READY", task_path=drain_line_events.module_path).count()

    def inbound_texts(self) -> list[str]:
        with scope(platform=self.platform):
            return sorted(Message.objects.filter(direction=Direction.INBOUND).values_list("text", flat=True))

    def test_it_queues_one_run_for_all_events_stored_before_it_starts(self) -> None:
        for text in ("一", "二", "三"):
            self.assertEqual(self.post_events(make_event("text", USER, text=text)).json()["stored"], 1)
        self.assertEqual(self.waiting_runs(), 1)
        self.assertEqual(DBTaskResult.objects.count(), 1)
        run_worker()
        with scope(platform=self.platform):
            self.assertEqual(set(InboundEvent.objects.values_list("state", flat=True)), {EventState.DONE})
        self.assertEqual(self.inbound_texts(), sorted(["一", "二", "三"]))

    def test_it_queues_the_next_run_for_events_stored_after_a_run_began(self) -> None:
        self.post_events(make_event("text", USER, text="一"))
        run_worker()
        self.assertEqual(self.waiting_runs(), 0)
        self.post_events(make_event("text", USER, text="二"))
        self.assertEqual(self.waiting_runs(), 1)
        # A run that has begun (its counter mark set) is no longer waiting: the next request queues one.
        with scope(platform=self.platform):
            EventDrain.objects.update(drained=F("stored"))
        self.post_events(make_event("text", USER, text="三"))
        self.assertEqual(self.waiting_runs(), 2)
        run_worker()
        self.assertEqual(self.inbound_texts(), sorted(["一", "二", "三"]))

    def test_it_queues_nothing_for_a_body_whose_events_are_stored_already(self) -> None:
        event = make_event("text", USER, text="一度だけ")
        self.post_events(event)
        run_worker()
        event["deliveryContext"]["isRedelivery"] = True
        self.assertEqual(self.post_events(event).json(), {"received": 1, "stored": 0, "spooled": 0})
        self.assertEqual(self.waiting_runs(), 0)
        with scope(platform=self.platform):
            self.assertEqual(EventDrain.objects.get().stored, 1)

    def test_it_leaves_a_failed_event_to_its_retry_with_backoff_not_to_the_next_run(self) -> None:
        self.post_events(make_event("image", USER, message_id="4040"))
        run_worker()
        self.post_events(make_event("text", USER, text="あとから"))
        run_worker()
        with scope(platform=self.platform):
            failed = InboundEvent.objects.get(state=EventState.PENDING)  # waits for its retry task
            self.assertEqual((failed.attempts, failed.error), (1, "LineApiError"))
            self.assertEqual(InboundEvent.objects.filter(state=EventState.DONE).count(), 1)
        self.assertEqual(self.inbound_texts(), ["あとから"])


class WebhookStoresThenProcessesTestCase(LineTestCase):
    def test_it_stores_the_event_encrypted_before_answering_and_processes_it_in_the_worker(self) -> None:
        event = make_event(
            "text",
            USER,
            text="家族のことで相談したいです",
            reply_token=self.fake.state.issue_reply_token(USER),
        )
        response = self.post_events(event)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"received": 1, "stored": 1, "spooled": 0})
        with scope(platform=self.platform):
            stored = InboundEvent.objects.get()
            self.assertEqual(stored.state, EventState.PENDING)
            self.assertEqual(Message.objects.count(), 0)  # not processed inside the request
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT payload FROM consultations_inboundevent")
            self.assertNotIn("家族", cursor.fetchone()[0])
        run_worker()
        with scope(platform=self.platform):
            stored.refresh_from_db()
            self.assertEqual(stored.state, EventState.DONE)
            message = Message.objects.get(direction=Direction.INBOUND)
            self.assertEqual(message.text, "家族のことで相談したいです")
            consulter = Consulter.objects.get()
            self.assertEqual(consulter.line_user_id, USER)
            self.assertNotEqual(consulter.identity_hash, USER)
            auto = Message.objects.get(direction=Direction.AUTO)
            self.assertEqual(auto.delivery, Delivery.REPLIED)
        # The automatic answer went out through the reply API, with the decrypted access token.
        self.assertEqual(self.fake.state.sent_to(USER), [(auto.text, "reply")])

    def test_it_never_doubles_a_redelivered_event(self) -> None:
        event = make_event("text", USER, text="はじめまして")
        self.assertEqual(self.post_events(event).json()["stored"], 1)
        run_worker()
        again = json.loads(json.dumps(event))
        again["deliveryContext"]["isRedelivery"] = True
        self.assertEqual(self.post_events(again).json(), {"received": 1, "stored": 0, "spooled": 0})
        self.assertEqual(self.post_events(again).status_code, 200)
        run_worker()
        with scope(platform=self.platform):
            self.assertEqual(InboundEvent.objects.count(), 1)
            self.assertEqual(Message.objects.filter(direction=Direction.INBOUND).count(), 1)

    def test_it_keeps_a_redelivery_that_arrives_before_the_first_was_processed_once(self) -> None:
        event = make_event("text", USER, text="一度だけ")
        self.post_events(event)
        event["deliveryContext"]["isRedelivery"] = True
        self.post_events(event)
        run_worker()
        with scope(platform=self.platform):
            self.assertEqual(Message.objects.filter(direction=Direction.INBOUND).count(), 1)

    def test_it_stores_each_event_of_a_batch_once(self) -> None:
        a, b, c = (make_event("text", USER, text=t) for t in ("一", "二", "三"))
        self.assertEqual(self.post_events(a, b).json(), {"received": 2, "stored": 2, "spooled": 0})
        b["deliveryContext"]["isRedelivery"] = True
        self.assertEqual(self.post_events(b, c, c).json(), {"received": 3, "stored": 1, "spooled": 0})
        run_worker()
        with scope(platform=self.platform):
            texts = list(Message.objects.filter(direction=Direction.INBOUND).values_list("text", flat=True))
        self.assertEqual(sorted(texts), sorted(["一", "二", "三"]))

    def test_it_keeps_a_20000_character_message_whole(self) -> None:
        text = "長" * 20_000
        self.assertEqual(self.post_events(make_event("text", USER, text=text)).status_code, 200)
        run_worker()
        with scope(platform=self.platform):
            self.assertEqual(Message.objects.get(direction=Direction.INBOUND).text, text)

    def test_it_handles_follow_sticker_postback_unfollow(self) -> None:
        self.post_events(make_event("follow", USER))
        self.post_events(make_event("sticker", USER))
        self.post_events(make_event("postback", USER, data="action=hours"))
        self.post_events(make_event("unfollow", USER))
        run_worker()
        with scope(platform=self.platform):
            consulter = Consulter.objects.get()
            self.assertFalse(consulter.following)
            kinds = list(
                Message.objects.filter(direction=Direction.INBOUND)
                .order_by("id")
                .values_list("kind", flat=True)
            )
            self.assertEqual(kinds, [MessageKind.STICKER, MessageKind.POSTBACK])
            sticker = Message.objects.get(kind=MessageKind.STICKER)
            self.assertEqual(sticker.meta["sticker_id"], "1988")
            self.assertEqual(Message.objects.get(kind=MessageKind.POSTBACK).text, "action=hours")
            # One consultation: the follow did not open one, the sticker did.
            self.assertEqual(Conversation.objects.count(), 1)

    def test_it_hides_and_erases_an_unsent_message(self) -> None:
        self.post_events(make_event("text", USER, text="やっぱり消したい内容", message_id="555"))
        run_worker()
        self.post_events(make_event("unsend", USER, message_id="555"))
        run_worker()
        with scope(platform=self.platform):
            message = Message.objects.get(line_message_id="555")
            self.assertTrue(message.is_hidden)
            self.assertEqual(message.text, "")

    def test_it_fetches_and_stores_an_image(self) -> None:
        self.fake.state.add_content("777", b"\xff\xd8\xff" + b"x" * 2000, "image/jpeg")
        self.post_events(make_event("image", USER, message_id="777"))
        run_worker()
        with scope(platform=self.platform):
            message = Message.objects.get(kind=MessageKind.IMAGE)
            self.assertEqual(bytes(message.image)[:3], b"\xff\xd8\xff")
            self.assertEqual(message.image_type, "image/jpeg")
        self.assertIn("GET /v2/bot/message/777/content", self.fake.state.paths())

    def test_it_records_a_50_mb_image_as_too_large_without_keeping_it(self) -> None:
        self.fake.state.add_content("888", b"\0" * (50 * 1024 * 1024), "image/png")
        self.post_events(make_event("image", USER, message_id="888"))
        run_worker()
        with scope(platform=self.platform):
            message = Message.objects.get(kind=MessageKind.IMAGE)
            self.assertIsNone(message.image)
            self.assertEqual(message.meta["too_large"], 50 * 1024 * 1024)
            self.assertEqual(InboundEvent.objects.get().state, EventState.DONE)

    def test_it_keeps_an_event_whose_processing_failed_and_retries_it_later(self) -> None:
        # The content API does not know the image yet: processing fails, nothing is lost.
        self.post_events(make_event("image", USER, message_id="4040"))
        run_worker()
        with scope(platform=self.platform):
            event = InboundEvent.objects.get()
            self.assertEqual(
                (event.state, event.attempts, event.error), (EventState.PENDING, 1, "LineApiError")
            )
            self.assertFalse(Message.objects.exists())
        retry = DBTaskResult.objects.filter(status="READY").get()
        self.assertGreater(retry.run_after, timezone.now())
        self.fake.state.add_content("4040", b"\x89PNG" + b"z" * 100, "image/png")
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
        run_worker()
        with scope(platform=self.platform):
            self.assertEqual(InboundEvent.objects.get().state, EventState.DONE)
            self.assertEqual(Message.objects.get(kind=MessageKind.IMAGE).image_type, "image/png")

    @override_settings(CONSULTATION_MAX_IMAGE_BYTES=1000)
    def test_it_applies_the_configured_image_limit(self) -> None:
        self.fake.state.add_content("999", b"y" * 1001, "image/png")
        self.post_events(make_event("image", USER, message_id="999"))
        run_worker()
        with scope(platform=self.platform):
            self.assertIn("too_large", Message.objects.get(kind=MessageKind.IMAGE).meta)


class RepliesAndPushesTestCase(LineTestCase):
    def _conversation(self) -> Conversation:
        self.post_events(
            make_event(
                "text", USER, text="話を聞いてほしい", reply_token=self.fake.state.issue_reply_token(USER)
            )
        )
        run_worker()
        with scope(platform=self.platform):
            return Conversation.objects.get()

    def test_it_replies_with_a_fresh_token_and_pushes_once_it_has_expired(self) -> None:
        conversation = self._conversation()
        self.assertEqual([how for _t, how in self.fake.state.sent_to(USER)], ["reply"])
        with scope(platform=self.platform):
            do_send(
                conversation, "お話を聞かせてください。", actor=actor(self.users["counsellor"], self.platform)
            )
        run_worker()
        with scope(platform=self.platform):
            sent = Message.objects.get(direction=Direction.OUTBOUND)
            self.assertEqual(sent.delivery, Delivery.PUSHED)
        push = [r for r in self.fake.state.requests if r.path == "/v2/bot/message/push"]
        self.assertEqual(len(push), 1)
        self.assertEqual(push[0].headers["X-Line-Retry-Key"], str(sent.retry_key))
        self.assertEqual(push[0].body["to"], USER)

    def test_it_uses_a_new_reply_token_for_a_counsellor_answer_within_the_minute(self) -> None:
        conversation = self._conversation()
        self.post_events(
            make_event("text", USER, text="続きです", reply_token=self.fake.state.issue_reply_token(USER))
        )
        run_worker()
        with scope(platform=self.platform):
            do_send(
                conversation, "ありがとうございます。", actor=actor(self.users["counsellor"], self.platform)
            )
        run_worker()
        self.assertEqual(self.fake.state.sent_to(USER)[-1], ("ありがとうございます。", "reply"))

    def test_it_reaches_a_person_again_who_writes_after_retention_forgot_them(self) -> None:
        conversation = self._conversation()
        with scope(platform=self.platform):
            consulter = conversation.consulter
            Consulter.objects.filter(pk=consulter.pk).update(
                line_user_id="", reply_token="", reply_token_at=None, content_deleted_at=timezone.now()
            )
        self.post_events(make_event("text", USER, text="また相談させてください"))
        run_worker()
        with scope(platform=self.platform):
            again = Consulter.objects.get(pk=consulter.pk)
            self.assertEqual((again.line_user_id, again.content_deleted_at), (USER, None))
            self.assertEqual(Consulter.objects.count(), 1)
            do_send(
                Conversation.objects.get(pk=conversation.pk),
                "お待ちしていました。",
                actor=actor(self.users["counsellor"], self.platform),
            )
        run_worker()
        self.assertEqual(self.fake.state.sent_to(USER)[-1], ("お待ちしていました。", "push"))

    def test_it_never_delivers_a_retried_push_twice(self) -> None:
        conversation = self._conversation()
        with scope(platform=self.platform):
            message = do_send(
                conversation, "一度だけ届くはず", actor=actor(self.users["counsellor"], self.platform)
            )
        run_worker()
        # A crash after LINE accepted the push but before we recorded it: the task runs again.
        with scope(platform=self.platform):
            Message.objects.filter(pk=message.pk).update(delivery=Delivery.PENDING)
        from consultations.tasks import deliver_line_messages

        deliver_line_messages.enqueue(str(conversation.uuid))
        run_worker()
        self.assertEqual([t for t, _h in self.fake.state.sent_to(USER)].count("一度だけ届くはず"), 1)
        pushes = [r for r in self.fake.state.requests if r.path == "/v2/bot/message/push"]
        self.assertEqual(len(pushes), 2)
        with scope(platform=self.platform):
            self.assertEqual(Message.objects.get(pk=message.pk).delivery, Delivery.PUSHED)


class CrisisAndHoursOverLineTestCase(LineTestCase):
    def test_it_flags_crisis_words_urgent_and_answers_with_24_hour_lines_at_once(self) -> None:
        self.post_events(
            make_event(
                "text", USER, text="もう ｼﾆﾀｲ です", reply_token=self.fake.state.issue_reply_token(USER)
            )
        )
        run_worker()
        with scope(platform=self.platform):
            conversation = Conversation.objects.get()
            self.assertTrue(conversation.urgent)
        texts = [t for t, _h in self.fake.state.sent_to(USER)]
        self.assertTrue(any("0120-279-338" in t and "24時間" in t for t in texts))

    def test_it_answers_a_conjugated_crisis_message_at_once_and_keeps_the_words_encrypted(self) -> None:
        self.post_events(
            make_event(
                "text",
                USER,
                text="もう消えてしまいたいと思うこともあります",
                reply_token=self.fake.state.issue_reply_token(USER),
            )
        )
        run_worker()
        texts = [t for t, _h in self.fake.state.sent_to(USER)]
        self.assertTrue(any("0120-279-338" in t and "24時間" in t for t in texts))
        with scope(platform=self.platform):
            conversation = Conversation.objects.get()
            self.assertTrue(conversation.urgent)
            self.assertEqual(conversation.urgent_reason, "希死念慮・自傷の表現")
            self.assertEqual(conversation.urgent_words, "消えてしまいたい")
            raw = Conversation.objects.filter(pk=conversation.pk).values_list("urgent_words", flat=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT urgent_words FROM consultations_conversation")
            self.assertNotIn("消え", cursor.fetchone()[0])
        self.assertEqual(list(raw), ["消えてしまいたい"])

    def test_it_tells_when_a_counsellor_will_answer_outside_hours(self) -> None:
        with scope(platform=self.platform):
            for weekday in range(5):
                BusinessHours.objects.create(
                    platform=self.platform, weekday=weekday, start=datetime.time(18), end=datetime.time(21)
                )
        # Friday 2023-02-17 22:30: next answer Monday 2/20 18:00 (Yamagata's weekday evenings).
        self.post_events(
            make_event(
                "text",
                USER,
                text="眠れません",
                reply_token=self.fake.state.issue_reply_token(USER),
                timestamp_ms=at(2023, 2, 17, 22, 30),
            )
        )
        run_worker()
        texts = [t for t, _h in self.fake.state.sent_to(USER)]
        self.assertEqual(len(texts), 1)
        self.assertIn("2月20日（月）18:00", texts[0])
        with scope(platform=self.platform):
            self.assertFalse(Conversation.objects.get().arrived_in_hours)

    def test_it_opens_a_new_consultation_for_a_message_after_closing(self) -> None:
        self.post_events(make_event("text", USER, text="一件目"))
        run_worker()
        with scope(platform=self.platform):
            first = Conversation.objects.get()
            do_close(first, actor=actor(self.users["counsellor"], self.platform))
        self.post_events(make_event("text", USER, text="また相談です"))
        run_worker()
        with scope(platform=self.platform):
            self.assertEqual(Conversation.objects.count(), 2)
            self.assertEqual(Consulter.objects.count(), 1)
            newest = Conversation.objects.exclude(pk=first.pk).get()
            self.assertEqual(newest.state, ConversationState.NEW)


class WebhookWhileTheDatabaseIsAwayTestCase(LineTestCase):
    """The database server restarting (bench/load_fault.py kills PostgreSQL mid-load): a web
    process that has read the channel before keeps verifying and spooling events with it, even
    after its 10 seconds in memory are over; one that never read it cannot verify (503)."""

    def test_it_spools_with_the_channel_read_earlier_when_the_database_is_away(self) -> None:
        self.assertEqual(self.post_events(make_event("text", USER, text="はじめまして")).status_code, 200)
        line_views._channels["alpha"] = (0.0, *line_views._channels["alpha"][1:])  # expired
        refused = OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
        with tempfile.TemporaryDirectory() as var, override_settings(VAR_DIR=var):
            with (
                mock.patch.object(line_views.Platform.objects, "filter", side_effect=refused),
                mock.patch("consultations.services.line_spool.do_store_events", side_effect=refused),
                self.assertLogs("consultations.views.line", "WARNING"),
            ):
                response = self.post_events(make_event("text", USER, text="眠れません"))
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.json(), {"received": 1, "stored": 0, "spooled": 1})
            self.assertEqual(len(list((Path(var) / "line-spool").glob("*.events"))), 1)

    def test_a_process_that_never_read_the_channel_answers_503(self) -> None:
        line_views._channels.clear()
        refused = OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
        with mock.patch.object(line_views.Platform.objects, "filter", side_effect=refused):
            client = self.client_class(raise_request_exception=False)  # as a server answers
            response = self.post_events(make_event("text", USER, text="眠れません"), client=client)
        self.assertEqual(response.status_code, 503)


class DeliveryWhileLineIsUnreachableTestCase(LineTestCase):
    """LINE refuses the connection (or times out): the answer stays pending with the attempt
    counted and a retry queued, instead of the task failing and the answer never being sent."""

    def test_an_unreachable_line_leaves_the_answer_pending_with_a_retry_then_delivers_it_once(self) -> None:
        self.post_events(make_event("text", USER, text="話を聞いてほしい"))
        run_worker()
        with scope(platform=self.platform):
            conversation = Conversation.objects.get()
            Message.objects.filter(direction=Direction.OUTBOUND).update(delivery=Delivery.PUSHED)
            message = do_send(
                conversation, "届くまで待ちます", actor=actor(self.users["counsellor"], self.platform)
            )
        with socket.socket() as closed:  # a port nobody listens on: connection refused
            closed.bind(("127.0.0.1", 0))
            unreachable = f"http://127.0.0.1:{closed.getsockname()[1]}"
            with override_settings(LINE_API_BASE=unreachable):
                run_worker()
        with scope(platform=self.platform):
            pending = Message.objects.get(pk=message.pk)
            self.assertEqual(pending.delivery, Delivery.PENDING)
            self.assertEqual(pending.delivery_attempts, 1)
            self.assertTrue(pending.delivery_error.startswith("0 unreachable"), pending.delivery_error)
        retry = DBTaskResult.objects.filter(task_path__endswith="deliver_line_messages", status="READY").get()
        self.assertGreater(retry.run_after, timezone.now())
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
        run_worker()
        with scope(platform=self.platform):
            self.assertEqual(Message.objects.get(pk=message.pk).delivery, Delivery.PUSHED)
        self.assertEqual([t for t, _h in self.fake.state.sent_to(USER)].count("届くまで待ちます"), 1)
