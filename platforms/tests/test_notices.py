"""The platform's 規約 and privacy notice: edited by the secretariat, public, linked from the join form."""

from __future__ import annotations

from audit.models import AuditEntry
from platforms.tests.test_settings import SettingsViewTestCase
from tsunagari.lib.testing import BaseTestCase


class NoticesTestCase(BaseTestCase):
    data = SettingsViewTestCase.data

    def test_it_saves_both_texts_with_an_audit_entry_and_publishes_them(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            self.url("platforms:settings"),
            self.data(
                terms_text="第1条 この会はアルファ県PFという。",
                privacy_notice="申込書の情報は審査にだけ使います。",
            ),
        )
        self.assertRedirects(response, self.url("platforms:settings"))
        entry = AuditEntry.objects.get(action="platform.rules_changed")
        self.assertEqual(
            sorted(set(entry.data["changed"]) & {"terms_text", "privacy_notice"}),
            ["privacy_notice", "terms_text"],
        )
        self.client.logout()
        self.assertContains(self.client.get("/p/alpha/terms/"), "第1条 この会はアルファ県PFという。")
        self.assertContains(self.client.get("/p/alpha/privacy/"), "申込書の情報は審査にだけ使います。")
        self.assertNotContains(self.client.get("/p/beta/privacy/"), "申込書の情報は審査にだけ使います。")

    def test_it_shows_a_standard_privacy_notice_until_one_is_written(self) -> None:
        response = self.client.get("/p/beta/privacy/")
        self.assertContains(response, "ご本人の同意なく第三者に提供することはありません")
        self.assertEqual(self.client.get("/p/beta/terms/").status_code, 404)  # no text, no URL

    def test_it_links_the_terms_and_privacy_notice_from_the_join_form(self) -> None:
        html = self.client.get("/p/alpha/join/").content.decode()
        self.assertIn('href="/p/alpha/privacy/"', html)
        self.assertNotIn('href="/p/alpha/terms/"', html)
        self.platform.terms_text = "第1条 目的"
        self.platform.save()
        html = self.client.get("/p/alpha/join/").content.decode()
        self.assertIn('href="/p/alpha/terms/"', html)
