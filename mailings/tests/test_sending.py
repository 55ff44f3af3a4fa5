"""Issues: rotation, review, and sending to a real SMTP server — headers, no trackers, an outage
in the middle and the resume that sends nobody the issue twice."""

from __future__ import annotations

import io
import tempfile
from collections import Counter

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django_scopes import scopes_disabled

from accounts.models import Role
from accounts.permissions import Actor
from mailings.models import Editor, Issue
from mailings.queries import next_editor, progress, rotation
from mailings.services.issues import do_create_issue, do_start_sending, do_step
from mailings.services.subscriptions import do_subscribe, do_unsubscribe
from mailings.tests.test_subscriptions import make_list
from tsunagari.lib.smtp import SmtpServer, body_of
from tsunagari.lib.testing import BaseTestCase

BODY = """徳島県孤独・孤立対策官民連携プラットフォームのメールマガジンです。

■ 助成金のお知らせ
詳しくは https://www.pref.tokushima.lg.jp/ をご覧ください。

■ 情報交換会のご案内 <参加無料> & 申込受付中"""


class IssueTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.list = make_list(self.platform)
        self.staff = self.users[Role.SECRETARIAT_STAFF]
        with scopes_disabled():
            for order, user in enumerate([self.admin, self.staff]):
                Editor.objects.create(platform=self.platform, mailing_list=self.list, user=user, order=order)

    def issue(self, subject: str = "第1号のお知らせ") -> Issue:
        with scopes_disabled():
            return do_create_issue(
                self.list,
                subject=subject,
                body=BODY,
                actor=Actor(user=self.admin, role=None, platform=self.platform),
            )

    def test_it_hands_each_issue_to_the_next_editor_in_turn(self) -> None:
        with scopes_disabled():
            self.assertEqual(
                [(n, u.pk) for n, u in rotation(self.list, 3)],
                [(1, self.admin.pk), (2, self.staff.pk), (3, self.admin.pk)],
            )
            first, second, third = self.issue("一"), self.issue("二"), self.issue("三")
            self.assertEqual(next_editor(self.list), self.staff)
        self.assertEqual([i.editor for i in (first, second, third)], [self.admin, self.staff, self.admin])
        self.assertEqual([i.number for i in (first, second, third)], [1, 2, 3])

    def test_it_needs_another_person_to_approve(self) -> None:
        issue = self.issue()
        with scopes_disabled():
            do_step(issue, "submit", actor=Actor(user=self.admin, role=None, platform=self.platform))
            with self.assertRaisesMessage(ValidationError, "書いた本人は承認できません"):
                do_step(issue, "approve", actor=Actor(user=self.admin, role=None, platform=self.platform))
            with self.assertRaisesMessage(ValidationError, "承認された号だけ"):
                do_start_sending(issue)
            do_step(issue, "approve", actor=Actor(user=self.staff, role=None, platform=self.platform))
            issue.refresh_from_db()
        self.assertEqual((issue.status, issue.approved_by), ("approved", self.staff))

    def test_it_refuses_a_subject_with_a_line_break(self) -> None:
        with scopes_disabled(), self.assertRaisesMessage(ValidationError, "改行なし"):
            do_create_issue(
                self.list,
                subject="件名\nBcc: x@example.jp",
                body="本文",
                actor=Actor(user=self.admin, role=None, platform=self.platform),
            )


class SendingTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.list = make_list(self.platform, rate_per_minute=6000)
        with scopes_disabled():
            self.subscribers = [
                do_subscribe(self.list, f"s{n:02d}@example.jp", confirmed=True) for n in range(12)
            ]
            do_subscribe(self.list, "pending@example.jp")  # never confirmed: gets nothing
            self.issue = do_create_issue(
                self.list,
                subject="情報交換会のご案内",
                body=BODY,
                actor=Actor(user=self.admin, role=None, platform=self.platform),
            )
            Issue.objects.filter(pk=self.issue.pk).update(status="approved")

    def send(self, server: SmtpServer) -> tuple[int, str]:
        out, err = io.StringIO(), io.StringIO()
        with server.settings():
            try:
                call_command("mailing_send", "alpha", str(self.issue.uuid), stdout=out, stderr=err)
            except CommandError as error:
                return 1, str(error)
        return 0, out.getvalue()

    def test_it_sends_html_and_text_with_one_click_unsubscribe_and_no_trackers(self) -> None:
        server = SmtpServer().start()
        try:
            code, output = self.send(server)
        finally:
            server.stop()
        self.assertEqual(code, 0, output)
        self.assertIn("sent 12 of 12", output)
        recipients = sorted(m["To"] for m in server.messages)
        self.assertEqual(recipients, [f"s{n:02d}@example.jp" for n in range(12)])
        message = server.messages[0]
        self.assertEqual(message["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        self.assertRegex(
            message["List-Unsubscribe"].strip(), r"^<http://\S+/p/alpha/mail/unsubscribe/[0-9a-f-]{36}/\S+/>$"
        )
        self.assertIn("【つながり通信 第1号】情報交換会のご案内", message["Subject"])
        text = body_of(message)
        self.assertIn("<参加無料> & 申込受付中", text)  # plain text is not HTML-escaped
        html = message.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
        self.assertIn('<a href="https://www.pref.tokushima.lg.jp/"', html)
        self.assertIn("&lt;参加無料&gt; &amp; 申込受付中", html)
        self.assertNotIn("<img", html)
        self.assertNotIn("<script", html)
        with scopes_disabled():
            self.issue.refresh_from_db()
        self.assertEqual(self.issue.status, "sent")

    def test_it_resumes_after_the_server_vanishes_and_sends_nobody_the_issue_twice(self) -> None:
        server = SmtpServer().start()
        try:
            server.set(drop_after=5)  # the server goes away after the fifth mail
            code, output = self.send(server)
            self.assertEqual(code, 1)
            self.assertIn("sent 5 of 12", output)
            with scopes_disabled():
                state = progress(self.issue)
            self.assertEqual((state.sent, state.waiting), (5, 7))
            server.stop()
            code, output = self.send(server)  # nobody listening at all
            self.assertEqual(code, 1)
            server = SmtpServer().start()  # back, on a new port (the settings follow it)
            code, output = self.send(server)
            self.assertEqual(code, 0, output)
            code, again = self.send(server)  # a third run: nothing left to send
            self.assertEqual(code, 0, again)
        finally:
            server.stop()
        with scopes_disabled():
            state = progress(self.issue)
        self.assertEqual((state.sent, state.waiting, state.failed), (12, 0, 0))

    def test_it_skips_people_who_unsubscribe_while_the_issue_is_going_out(self) -> None:
        with scopes_disabled():
            do_start_sending(self.issue)
            do_unsubscribe(self.subscribers[-1])
        server = SmtpServer().start()
        try:
            code, output = self.send(server)
        finally:
            server.stop()
        self.assertEqual(code, 0, output)
        self.assertNotIn("s11@example.jp", [m["To"] for m in server.messages])
        self.assertIn("1 skipped", output)

    def test_it_counts_every_recipient_once_across_runs(self) -> None:
        first = SmtpServer().start()
        try:
            first.set(drop_after=3)
            self.send(first)
            delivered = list(first.messages)
        finally:
            first.stop()
        second = SmtpServer().start()
        try:
            self.send(second)
            delivered += list(second.messages)
        finally:
            second.stop()
        counts = Counter(m["To"] for m in delivered)
        self.assertEqual(set(counts.values()), {1})
        self.assertEqual(len(counts), 12)


class MailingCommandsTestCase(BaseTestCase):
    def test_it_imports_a_consent_and_creates_an_issue_from_a_file(self) -> None:
        make_list(self.platform)
        out = io.StringIO()
        call_command("mailing_subscribe", "alpha", "news", "Ａ@example.jp", "--confirmed", stdout=out)
        self.assertIn("a@example.jp confirmed", out.getvalue().lower())
        with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8") as handle:
            handle.write(BODY)
            handle.flush()
            out = io.StringIO()
            call_command(
                "mailing_issue",
                "alpha",
                "news",
                "--subject",
                "創刊号",
                "--body-file",
                handle.name,
                stdout=out,
            )
        with scopes_disabled():
            issue = Issue.objects.get(uuid=out.getvalue().strip())
        self.assertEqual((issue.subject, issue.status), ("創刊号", "approved"))
        with self.assertRaises(CommandError):
            call_command("mailing_subscribe", "alpha", "news", "not-an-address")
        with self.assertRaises(CommandError):
            call_command("mailing_issue", "alpha", "nope", "--subject", "x", "--body-file", "/nonexistent")

    def test_it_reads_the_body_from_standard_input_with_a_dash(self) -> None:
        make_list(self.platform)
        out = io.StringIO()
        call_command(
            "mailing_issue",
            "alpha",
            "news",
            "--subject",
            "第2号",
            "--body-file",
            "-",
            stdin=io.StringIO(BODY),
            stdout=out,
        )
        with scopes_disabled():
            issue = Issue.objects.get(uuid=out.getvalue().strip())
        self.assertEqual((issue.subject, issue.body), ("第2号", BODY))
