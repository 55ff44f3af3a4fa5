"""The web chat says how what one writes is used before the first message (issue 19)."""

from __future__ import annotations

from django_scopes import scopes_disabled

from audit.models import AuditEntry
from consultations.models import DeskSettings
from tsunagari.lib.testing import BaseTestCase


class ChatNoticeTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with scopes_disabled():
            DeskSettings.objects.create(
                platform=cls.platform,
                retention_months=24,
                notice_readers="アルファ市から委託を受けたNPO法人の相談員が読みます。",
                notice_erasure="消去を希望するときは、相談コードを添えて事務局へ電話してください。",
            )
            DeskSettings.objects.create(platform=cls.other_platform, retention_months=12)

    def test_it_shows_the_notice_before_the_first_message(self) -> None:
        html = self.client.get("/p/alpha/chat/").content.decode()
        notice = html.index("相談の前に：書いた内容の扱い")
        self.assertLess(notice, html.index('name="text"'))
        after = html[notice:]
        for text in (
            "アルファ市から委託を受けたNPO法人の相談員が読みます。",
            "相談が終わってから24か月保存し、その後に内容を消去します",
            "暗号化して保存します",
            "消去を希望するときは、相談コードを添えて事務局へ電話してください。",
            "命の危険を感じるとき",
            'href="/p/alpha/privacy/"',
        ):
            self.assertIn(text, after[: after.index('name="text"')])
        self.assertIn("よりそいホットライン", html)  # the crisis lines (the shipped national list here)

    def test_it_shows_each_platforms_own_retention_and_texts(self) -> None:
        html = self.client.get("/p/beta/chat/").content.decode()
        self.assertIn("相談が終わってから12か月保存し", html)
        self.assertNotIn("アルファ市から委託を受けた", html)

    def test_it_lets_the_secretariat_edit_the_notice_with_an_audit_entry(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            "/p/alpha/staff/consultations/desk/",
            {
                "form": "desk",
                "desk-name": "チャット相談",
                "desk-web_chat_enabled": "on",
                "desk-retention_months": "36",
                "desk-notice_readers": "社会福祉協議会の相談員2名が交代で読みます。",
                "desk-notice_erasure": "チャットで「消してください」と書いてください。",
            },
        )
        self.assertEqual(response.status_code, 302)
        html = self.client.get("/p/alpha/chat/").content.decode()
        self.assertIn("社会福祉協議会の相談員2名が交代で読みます。", html)
        self.assertIn("相談が終わってから36か月保存し", html)
        entry = AuditEntry.objects.filter(action="consultation.desk_changed").latest("id")
        self.assertIn("notice_readers", entry.data["fields"])

    def test_it_refuses_an_empty_notice(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            "/p/alpha/staff/consultations/desk/",
            {
                "form": "desk",
                "desk-name": "チャット相談",
                "desk-retention_months": "36",
                "desk-notice_readers": "",
            },
        )
        self.assertEqual(response.status_code, 200)
        with scopes_disabled():
            desk = DeskSettings.objects.get(platform=self.platform)
        self.assertTrue(desk.notice_readers)
