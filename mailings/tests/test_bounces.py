"""Bounces: a real SMTP server (aiosmtpd) refusing addresses; the outbox records the refusal,
``mailing_bounces`` marks the address, and at the list's limit the subscription is suspended
(no further issue goes to it, staff see it and may resume it). DSN reports through mailing_dsn."""

from __future__ import annotations

import io
import tempfile

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django_scopes import scopes_disabled

from accounts.permissions import Actor
from audit.models import AuditEntry
from mailings.models import Bounce, Delivery, Issue, Subscriber
from mailings.services.bounces import refusals
from mailings.services.issues import do_create_issue
from mailings.services.subscriptions import do_subscribe
from mailings.tests.test_subscriptions import make_list
from tsunagari.lib.mail import OutboxMail
from tsunagari.lib.smtp import SmtpServer
from tsunagari.lib.testing import BaseTestCase

GOOD = ["a@example.jp", "b@example.jp"]
GONE = "gone@example.jp"


@override_settings(MAIL_MAX_ATTEMPTS=1)
class BounceTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.list = make_list(self.platform, rate_per_minute=6000, bounce_limit=2)
        self.other = make_list(self.platform, slug="events-news")
        with scopes_disabled():
            for address in [*GOOD, GONE]:
                do_subscribe(self.list, address, confirmed=True)
            do_subscribe(self.other, GONE, confirmed=True)  # the same address on a second list
        self.server = SmtpServer().start()
        self.addCleanup(self.server.stop)
        self.server.set(refuse_rcpt={GONE: "550 5.1.1 <gone@example.jp>: User unknown"})
        self.numbers = 0

    def send_issue(self) -> str:
        self.numbers += 1
        with scopes_disabled():
            issue = do_create_issue(
                self.list,
                subject=f"第{self.numbers}号のお知らせ",
                body="本文です。",
                actor=Actor(user=self.admin, role=None, platform=self.platform),
            )
            Issue.objects.filter(pk=issue.pk).update(status="approved")
        out = io.StringIO()
        with self.server.settings():
            call_command("mailing_send", "alpha", str(issue.uuid), stdout=out)
        return out.getvalue()

    def bounces(self) -> str:
        out = io.StringIO()
        call_command("mailing_bounces", stdout=out)
        return out.getvalue()

    def gone(self, mailing_list=None) -> Subscriber:  # type: ignore[no-untyped-def]
        with scopes_disabled():
            return Subscriber.objects.get(mailing_list=mailing_list or self.list, email_key=GONE)

    def test_it_suspends_an_address_after_the_lists_number_of_hard_bounces(self) -> None:
        self.assertIn("sent 2 of 3 (1 failed", self.send_issue())
        with scopes_disabled():
            failed = OutboxMail.objects.get(state="failed")
        self.assertIn("550", failed.last_error)
        self.assertIn("recorded 2 bounce(s), suspended 0", self.bounces())  # one per list
        self.assertIn("recorded 0 bounce(s)", self.bounces())  # the next run counts nothing again
        gone = self.gone()
        self.assertEqual((gone.status, gone.hard_bounces), ("confirmed", 1))
        self.assertIn("User unknown", gone.last_bounce_reason)

        self.send_issue()
        self.assertIn(f"suspended {GONE} (news)", self.bounces())
        gone = self.gone()
        self.assertEqual((gone.status, gone.hard_bounces), ("suspended", 2))
        # the second list's limit (3 by default) is not reached yet
        self.assertEqual(self.gone(self.other).status, "confirmed")
        with scopes_disabled():
            self.assertTrue(
                AuditEntry.objects.filter(action="mailings.suspend", object_id=str(gone.uuid)).exists()
            )

        # the third issue is not sent to the suspended address at all
        self.assertIn("sent 2 of 2 (0 failed", self.send_issue())
        with scopes_disabled():
            self.assertEqual(Delivery.objects.filter(subscriber=gone).count(), 2)

        # staff see it on the list page and resume it once the address is fixed
        client = self.login(self.admin)
        page = client.get(self.url("mailings:staff_list", self.list.uuid))
        self.assertContains(page, "届かなかったアドレス")
        self.assertContains(page, GONE)
        self.assertContains(page, "不達のため停止")
        response = client.post(
            self.url("mailings:staff_list", self.list.uuid),
            {"action": "resume", "subscriber": str(gone.uuid)},
            follow=True,
        )
        self.assertContains(response, f"{GONE} への配信を再開しました。")
        gone = self.gone()
        self.assertEqual((gone.status, gone.hard_bounces), ("confirmed", 0))

    def test_a_temporary_refusal_is_a_soft_bounce_and_a_dead_server_none(self) -> None:
        self.server.set(refuse_rcpt={GONE: "452 4.2.2 Mailbox full"})
        self.send_issue()  # MAIL_MAX_ATTEMPTS=1: failed after its only try
        self.bounces()
        gone = self.gone()
        self.assertEqual((gone.status, gone.hard_bounces), ("confirmed", 0))
        with scopes_disabled():
            self.assertEqual(
                list(Bounce.objects.filter(subscriber=gone).values_list("kind", flat=True)), ["soft"]
            )
        # a mail failed because no server answered says nothing about the address
        with scopes_disabled():
            mail = OutboxMail.objects.get(to=[GONE])
        mail.last_error = "接続できませんでした: [Errno 111] Connection refused"
        self.assertEqual(refusals(mail), {})
        mail.last_error = "a@example.jp: 550 5.1.1 unknown; gone@example.jp: 451 4.3.0 try later"
        self.assertEqual({k: v[0] for k, v in refusals(mail).items()}, {"a@example.jp": "hard", GONE: "soft"})

    def test_it_records_a_dsn_report_once(self) -> None:
        self.server.set(refuse_rcpt={})
        self.send_issue()
        with scopes_disabled():
            sent = OutboxMail.objects.get(to=[GONE], state="sent")
        report = dsn(sent.message_id, GONE)
        with tempfile.NamedTemporaryFile(suffix=".eml") as handle:
            handle.write(report)
            handle.flush()
            out = io.StringIO()
            call_command("mailing_dsn", handle.name, stdout=out)
            self.assertIn("recorded 2 bounce(s) (2 hard) for alpha", out.getvalue())
            out = io.StringIO()
            call_command("mailing_dsn", handle.name, stdout=out)  # delivered twice
            self.assertIn("recorded 0 bounce(s)", out.getvalue())
        gone = self.gone()
        self.assertEqual(gone.hard_bounces, 1)
        with scopes_disabled():
            self.assertEqual(Bounce.objects.get(subscriber=gone).source, "dsn")

    def test_it_refuses_what_is_not_a_report_of_its_own_mail(self) -> None:
        with tempfile.NamedTemporaryFile(suffix=".eml") as handle:
            handle.write(b"From: a@example.jp\r\nSubject: hello\r\n\r\nnot a report\r\n")
            handle.flush()
            with self.assertRaisesMessage(CommandError, "not a delivery status notification"):
                call_command("mailing_dsn", handle.name, stdout=io.StringIO())
        with tempfile.NamedTemporaryFile(suffix=".eml") as handle:
            handle.write(dsn("<someone-else@example.org>", GONE))
            handle.flush()
            with self.assertRaisesMessage(CommandError, "did not send"):
                call_command("mailing_dsn", handle.name, stdout=io.StringIO())


def dsn(original_id: str, address: str) -> bytes:
    """A delivery status notification as Postfix writes it (RFC 3464)."""
    return f"""From: MAILER-DAEMON@mx.example.jp (Mail Delivery System)
To: noreply@tsunagari.example.jp
Subject: Undelivered Mail Returned to Sender
Message-ID: <20261207.ABCDEF@mx.example.jp>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"

--BOUNDARY
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.jp.
I'm sorry to have to inform you that your message could not be delivered.

--BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.jp
Arrival-Date: Mon,  7 Dec 2026 10:00:00 +0900 (JST)

Final-Recipient: rfc822; {address}
Original-Recipient: rfc822;{address}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <{address}>: Recipient address rejected:
    User unknown in local recipient table

--BOUNDARY
Content-Type: text/rfc822-headers

From: noreply@tsunagari.example.jp
To: {address}
Subject: =?utf-8?b?44Gk44Gq44GM44KK6YCa5L+h?=
Message-ID: {original_id}

--BOUNDARY--
""".replace("\n", "\r\n").encode()
