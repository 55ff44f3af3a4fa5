"""The 送信メール pages: the secretariat sees every mail's state and the server's answer."""

from __future__ import annotations

from django_scopes import scopes_disabled

from accounts.models import Role
from audit.models import AuditEntry
from tsunagari.lib import mail
from tsunagari.lib.outbox.models import OutboxMail
from tsunagari.lib.smtp import SmtpServer
from tsunagari.lib.testing import BaseTestCase


class MailPagesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.server = SmtpServer().start()
        self.addCleanup(self.server.stop)
        settings = self.server.settings()
        settings.enable()
        self.addCleanup(settings.disable)

    def queue(self, key: str, **extra) -> OutboxMail:  # type: ignore[no-untyped-def]
        with scopes_disabled(), self.captureOnCommitCallbacks(execute=True):
            return mail.queue(
                to=["info@hidamari.example.jp"],
                subject=f"【アルファ県PF】{key}",
                body="ひだまりの会 御中\n入会申込を受け付けました。",
                platform=extra.pop("platform", self.platform),
                key=key,
                **extra,
            )

    def test_it_lists_sent_queued_and_failed_mail_with_the_servers_answer(self) -> None:
        self.queue("送信済みのお知らせ")
        mail.send_due()
        self.server.set(refuse="550 5.1.1 <info@hidamari.example.jp>: Recipient address rejected")
        self.queue("届かなかったお知らせ")
        mail.send_due()
        self.queue("送信待ちのお知らせ")
        self.queue("ベータのお知らせ", platform=self.other_platform)
        self.login(self.admin)
        response = self.client.get(self.url("audit:mail_list"))
        self.assertContains(response, "送信済みのお知らせ")
        self.assertContains(response, "Recipient address rejected")
        self.assertContains(response, "送信失敗")
        self.assertContains(response, "送信待ちのお知らせ")
        self.assertNotContains(response, "ベータのお知らせ")
        failed = self.client.get(self.url("audit:mail_list"), {"state": "failed"})
        self.assertContains(failed, "届かなかったお知らせ")
        self.assertNotContains(failed, "送信済みのお知らせ")

    def test_it_shows_the_body_but_not_of_a_sensitive_mail(self) -> None:
        plain = self.queue("受付確認")
        secret = self.queue("パスワード設定", sensitive=True)
        self.login(self.admin)
        self.assertContains(
            self.client.get(self.url("audit:mail_detail", plain.uuid)), "入会申込を受け付けました"
        )
        page = self.client.get(self.url("audit:mail_detail", secret.uuid))
        self.assertNotContains(page, "入会申込を受け付けました")
        self.assertContains(page, "本文は表示しません")

    def test_it_requeues_a_failed_mail_and_records_it(self) -> None:
        self.server.set(refuse="550 5.7.1 rejected")
        failed = self.queue("再送テスト")
        mail.send_due()
        self.server.set(refuse="")
        self.login(self.admin)
        with self.mail_sent():
            response = self.client.post(self.url("audit:mail_detail", failed.uuid))
        self.assertRedirects(response, self.url("audit:mail_detail", failed.uuid))
        with scopes_disabled():
            self.assertEqual(OutboxMail.objects.get(pk=failed.pk).state, OutboxMail.State.SENT)
        self.assertEqual(len(self.server.messages), 1)
        self.assertEqual(AuditEntry.objects.filter(action=AuditEntry.MAIL_REQUEUED).count(), 1)
        again = self.client.post(self.url("audit:mail_detail", failed.uuid), follow=True)
        self.assertContains(again, "送信失敗のメールだけを再送できます")
        self.assertEqual(len(self.server.messages), 1)

    def test_it_is_for_the_secretariat_only(self) -> None:
        sent = self.queue("お知らせ")
        for kind in (Role.COUNSELLOR, Role.MEMBER_STAFF, Role.VIEWER):
            self.login(self.users[kind])
            self.assertEqual(self.client.get(self.url("audit:mail_list")).status_code, 403, kind)
            self.assertEqual(self.client.get(self.url("audit:mail_detail", sent.uuid)).status_code, 403, kind)

    def test_it_answers_404_across_platforms(self) -> None:
        beta = self.queue("ベータのお知らせ", platform=self.other_platform)
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url("audit:mail_list")).status_code, 404)
        self.login(self.admin)
        self.assertEqual(self.client.get(self.url("audit:mail_detail", beta.uuid)).status_code, 404)
        self.assertEqual(self.client.post(self.url("audit:mail_detail", beta.uuid)).status_code, 404)
