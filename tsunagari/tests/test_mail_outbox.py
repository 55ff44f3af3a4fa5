"""The outbox over a real SMTP server: stored, sent after commit, retried, never sent twice."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled
from django_tasks_db.models import DBTaskResult

from tsunagari.lib import mail
from tsunagari.lib.outbox.models import OutboxMail
from tsunagari.lib.outbox.sending import recover_stalled, retry_delay
from tsunagari.lib.outbox.tasks import deliver_mail
from tsunagari.lib.smtp import SmtpServer, body_of
from tsunagari.lib.testing import BaseTestCase, run_tasks

State = OutboxMail.State


class OutboxTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.server = SmtpServer().start()
        self.addCleanup(self.server.stop)
        settings = self.server.settings(EMAIL_TIMEOUT=1, MAIL_MAX_ATTEMPTS=3, MAIL_RETRY_BASE_SECONDS=60)
        settings.enable()
        self.addCleanup(settings.disable)

    def queue(self, n: int = 1, **extra) -> list[OutboxMail]:  # type: ignore[no-untyped-def]
        with self.captureOnCommitCallbacks(execute=True):
            return [
                mail.queue(
                    to=[f"member{i}@example.jp"],
                    subject=f"お知らせ {i}",
                    body=f"本文です。{i}番目のメールです。",
                    platform=self.platform,
                    key=f"test.notice:{i}",
                    kind="test.notice",
                    **extra,
                )
                for i in range(n)
            ]

    def states(self) -> list[str]:
        with scopes_disabled():
            return list(OutboxMail.objects.order_by("key").values_list("state", flat=True))

    def fetch(self, queued: OutboxMail) -> OutboxMail:
        with scopes_disabled():
            return OutboxMail.objects.get(pk=queued.pk)

    def make_due(self) -> None:
        """The backoff has passed (as if the clock had moved on)."""
        with scopes_disabled():
            OutboxMail.objects.filter(state=State.QUEUED).update(next_attempt_at=timezone.now())


class QueueTests(OutboxTestCase):
    def test_it_sends_a_mail_through_the_task_worker_once_the_transaction_commits(self) -> None:
        [queued] = self.queue()
        self.assertEqual(queued.state, State.QUEUED)
        self.assertEqual(DBTaskResult.objects.filter(task_path=deliver_mail.module_path).count(), 1)
        run_tasks()
        self.assertEqual(len(self.server.messages), 1)
        message = self.server.messages[0]
        self.assertEqual(message["Subject"], "お知らせ 0")
        self.assertEqual(message["Message-ID"], queued.message_id)
        self.assertIn("0番目のメールです", body_of(message))
        sent = self.fetch(queued)
        self.assertEqual((sent.state, sent.attempts, sent.last_error), (State.SENT, 1, ""))
        self.assertIsNotNone(sent.sent_at)

    def test_it_sends_nothing_when_the_transaction_rolls_back(self) -> None:
        with self.captureOnCommitCallbacks(execute=True) as hooks:
            try:
                with transaction.atomic():
                    mail.queue(to=["a@example.jp"], subject="件名", body="本文", platform=self.platform)
                    raise RuntimeError("the write failed")
            except RuntimeError:
                pass
        self.assertEqual(hooks, [])
        self.assertEqual(self.states(), [])
        self.assertEqual(mail.send_due().sent, 0)
        self.assertEqual(self.server.messages, [])

    def test_it_stores_one_mail_per_idempotency_key(self) -> None:
        [first] = self.queue()
        [again] = self.queue()
        self.assertEqual(first.pk, again.pk)
        mail.send_due()
        run_tasks()
        self.assertEqual(len(self.server.messages), 1)

    def test_it_refuses_a_mail_without_a_recipient(self) -> None:
        with self.assertRaises(ValueError):
            mail.queue(to=["", ""], subject="件名", body="本文")

    def test_it_says_sent_only_for_mail_that_left(self) -> None:
        [queued] = self.queue()
        self.assertEqual(mail.notice(queued, "通知メール"), "通知メールの送信を予約しました。")
        self.assertEqual(mail.notice([], "通知メール"), "通知メールの送信を予約しました。")
        mail.send_due()
        self.assertEqual(mail.notice(queued, "通知メール"), "通知メールを送信しました。")

    def test_it_sends_an_html_part_and_the_reply_to_address(self) -> None:
        self.queue(html_body="<p>本文です。</p>", reply_to=["pf@alpha.example.jp"])
        mail.send_due()
        [message] = self.server.messages
        self.assertEqual(message["Reply-To"], "pf@alpha.example.jp")
        self.assertEqual(
            message.get_body(preferencelist=("html",)).get_content().strip(), "<p>本文です。</p>"
        )


class FailureTests(OutboxTestCase):
    def test_it_fails_a_refused_mail_at_once_with_the_servers_answer(self) -> None:
        self.server.set(refuse="550 5.7.1 Message rejected as spam")
        [queued] = self.queue()
        outcome = mail.send_due()
        self.assertEqual((outcome.sent, outcome.failed, outcome.retrying), (0, 1, 0))
        failed = self.fetch(queued)
        self.assertEqual(failed.state, State.FAILED)
        self.assertEqual(failed.last_error, "550 5.7.1 Message rejected as spam")
        self.assertEqual(self.server.messages, [])

    def test_it_fails_a_mail_whose_recipient_is_refused_and_goes_on_with_the_batch(self) -> None:
        self.server.set(refuse_rcpt={"member1@example.jp": "550 5.1.1 No such user"})
        self.queue(3)
        outcome = mail.send_due()
        self.assertEqual((outcome.sent, outcome.failed), (2, 1))
        self.assertEqual(self.states(), [State.SENT, State.FAILED, State.SENT])
        with scopes_disabled():
            self.assertIn(
                "550 No such user",
                OutboxMail.objects.get(key="test.notice:1").last_error.replace("5.1.1 ", ""),
            )

    def test_it_retries_a_temporary_refusal_with_exponential_backoff(self) -> None:
        self.server.set(refuse="451 4.3.0 Try again later")
        [queued] = self.queue()
        mail.send_due()
        first = self.fetch(queued)
        self.assertEqual((first.state, first.attempts), (State.QUEUED, 1))
        self.assertEqual(first.last_error, "451 4.3.0 Try again later")
        self.assertEqual(first.next_attempt_at - first.last_attempt_at, datetime.timedelta(seconds=60))
        self.assertEqual(mail.send_due().sent, 0)  # not due yet
        self.make_due()
        mail.send_due()
        second = self.fetch(queued)
        self.assertEqual(second.attempts, 2)
        self.assertEqual(second.next_attempt_at - second.last_attempt_at, datetime.timedelta(seconds=120))
        self.server.set(refuse="")
        self.make_due()
        mail.send_due()
        self.assertEqual(self.fetch(queued).state, State.SENT)
        self.assertEqual(len(self.server.messages), 1)

    def test_it_gives_up_after_the_last_attempt(self) -> None:
        self.server.stop()
        [queued] = self.queue()
        for _attempt in range(3):
            self.make_due()
            mail.send_due()
        failed = self.fetch(queued)
        self.assertEqual((failed.state, failed.attempts), (State.FAILED, 3))
        self.assertIn("接続できませんでした", failed.last_error)

    def test_it_retries_after_a_timeout(self) -> None:
        self.server.set(delay=3)
        [queued] = self.queue()
        outcome = mail.send_due()
        self.assertEqual(outcome.retrying, 1)
        self.assertIn("タイムアウト", self.fetch(queued).last_error)
        self.server.set(delay=0)
        self.make_due()
        mail.send_due()
        self.assertEqual(self.fetch(queued).state, State.SENT)
        # The slow server may have taken the first copy after the client gave up; a receiver can
        # tell the repeat by its Message-ID, which both copies share.
        self.assertEqual({m["Message-ID"] for m in self.server.messages}, {queued.message_id})

    def test_it_sends_every_mail_once_when_the_server_disappears_mid_batch_and_comes_back(self) -> None:
        self.server.set(drop_after=2)
        queued = self.queue(5)
        outcome = mail.send_due()
        self.assertEqual((outcome.sent, outcome.retrying), (2, 1))
        self.assertEqual(self.states(), [State.SENT, State.SENT, State.QUEUED, State.QUEUED, State.QUEUED])
        self.assertIn("接続が切れました", self.fetch(queued[2]).last_error)
        self.assertEqual([self.fetch(m).attempts for m in queued], [1, 1, 1, 0, 0])
        self.server.stop()  # the outage
        self.make_due()
        self.assertEqual(mail.send_due().retrying, 1)
        self.assertEqual([self.fetch(m).attempts for m in queued], [1, 1, 2, 0, 0])
        self.server.set(drop_after=None)
        self.server.start()  # recovery, on the same port
        self.make_due()
        outcome = mail.send_due()
        self.assertEqual(outcome.sent, 3)
        self.assertEqual(self.states(), [State.SENT] * 5)
        subjects = sorted(m["Subject"] for m in self.server.messages)
        self.assertEqual(subjects, [f"お知らせ {i}" for i in range(5)])
        self.assertEqual(len({m["Message-ID"] for m in self.server.messages}), 5)
        self.assertEqual(mail.send_due().sent, 0)
        self.assertEqual(len(self.server.messages), 5)

    def test_it_schedules_one_retry_task_after_an_outage(self) -> None:
        self.server.stop()
        self.queue(2)
        run_tasks()
        retry = DBTaskResult.objects.filter(status="READY", task_path=deliver_mail.module_path).get()
        self.assertGreater(retry.run_after, timezone.now())
        self.server.start()
        self.make_due()
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
        run_tasks()
        self.assertEqual(self.states(), [State.SENT, State.SENT])
        self.assertEqual(len(self.server.messages), 2)

    def test_it_never_sends_a_mail_another_worker_has_claimed(self) -> None:
        [queued] = self.queue()
        with scopes_disabled():
            OutboxMail.objects.filter(pk=queued.pk).update(
                state=State.SENDING, last_attempt_at=timezone.now()
            )
        self.assertEqual(mail.send_due().sent, 0)
        self.assertEqual(self.server.messages, [])

    def test_it_fails_without_resending_a_mail_whose_worker_died_while_sending(self) -> None:
        [queued] = self.queue()
        long_ago = timezone.now() - datetime.timedelta(hours=1)
        with scopes_disabled():
            OutboxMail.objects.filter(pk=queued.pk).update(state=State.SENDING, last_attempt_at=long_ago)
        self.assertEqual(recover_stalled(), 1)
        self.assertEqual(self.fetch(queued).state, State.FAILED)
        self.assertIn("自動では再送していません", self.fetch(queued).last_error)
        self.assertEqual(self.server.messages, [])

    def test_it_sends_a_failed_mail_again_when_the_secretariat_requeues_it(self) -> None:
        self.server.set(refuse="550 5.7.1 rejected")
        [queued] = self.queue()
        mail.send_due()
        self.server.set(refuse="")
        with self.captureOnCommitCallbacks(execute=True):
            self.assertTrue(mail.requeue(self.fetch(queued)))
        self.assertFalse(mail.requeue(self.fetch(queued)))  # already queued
        run_tasks()
        self.assertEqual(self.fetch(queued).state, State.SENT)
        self.assertEqual(len(self.server.messages), 1)

    def test_it_backs_off_exponentially_up_to_six_hours(self) -> None:
        self.assertEqual(
            [retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 10, 20)],
            [60, 120, 240, 480, 21600, 21600],
        )
