"""A membership application end to end, as people do it, in Debian's Chromium.

An NPO applies on a phone, the secretariat screens and approves it on a
desktop, and the organisation appears on the public register. Screenshots of
each page are saved in var/screenshots/ for people to look at.
"""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from partnership.models import Application, MemberOrganisation
from tsunagari.lib.browser import BrowserTestCase

PAGE_BUDGET = 150 * 1024  # BRIEF §6: resident pages under 150 KB


def page_weight(page) -> int:  # type: ignore[no-untyped-def]
    """Bytes transferred for the document and its subresources (Resource Timing)."""
    return int(
        page.evaluate(
            """() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                   .reduce((sum, e) => sum + (e.transferSize || e.encodedBodySize || 0), 0)"""
        )
    )


@pytest.mark.browser
class MembershipBrowserTestCase(BrowserTestCase):
    def fill_application(self, page, name: str) -> None:  # type: ignore[no-untyped-def]
        page.fill("#id_name", name)
        page.fill("#id_name_kana", "ひだまりのかい")
        page.select_option("#id_org_type", "npo")
        page.fill("#id_representative", "山田 太郎")
        page.fill("#id_postal_code", "５００－８５７０")  # full-width, as people type it
        page.fill("#id_address", "岐阜県岐阜市薮田南2丁目1番1号")
        page.fill("#id_phone", "058-272-1111")
        page.fill("#id_email", "info@hidamari.example.jp")
        page.fill("#id_contact_person", "佐藤 花子")
        page.get_by_label("高齢者支援").check()
        page.get_by_label("ひきこもり支援").check()
        page.fill("#id_area", "岐阜市全域")
        page.fill("#id_description", "高齢者の居場所づくりと、ひきこもりの方の家族会を運営しています。")

    def test_it_takes_an_application_from_a_phone_to_the_register(self) -> None:
        page = self.new_page("mobile")
        page.goto(self.live_url("partnership:join", "alpha"))
        self.assertEqual(page.locator("h1").inner_text(), "入会申込")
        self.assertLess(page_weight(page), PAGE_BUDGET)
        self.fill_application(page, "NPO法人ひだまりの会")
        # Forgetting the consents is caught, and what was typed stays on the page.
        page.get_by_role("button", name="申し込む").click()
        self.assertIn("入力内容を確認してください", page.locator(".error-summary").inner_text())
        self.assertEqual(page.input_value("#id_name"), "NPO法人ひだまりの会")
        self.screenshot(page, "join-errors-mobile")
        for box in (
            "#id_consent_bylaws",
            "#id_consent_not_antisocial",
            "#id_consent_expulsion",
            "#id_consent_share_with_members",
        ):
            page.check(box)
        for label in ("団体名", "活動分野", "活動地域", "活動内容"):
            page.locator("fieldset", has_text="公開").get_by_label(label, exact=True).check()
        page.get_by_role("button", name="申し込む").click()
        self.assertIn("/p/alpha/join/done/", page.url)
        self.screenshot(page, "join-done-mobile")
        with scopes_disabled():
            application = Application.objects.get(name="NPO法人ひだまりの会")
        self.assertEqual(application.postal_code.replace("-", ""), "5008570")

        staff = self.new_page("desktop", user=self.admin)
        staff.goto(self.live_url("partnership:applications", "alpha"))
        self.assertIn("NPO法人ひだまりの会", staff.locator("main").inner_text())
        self.screenshot(staff, "screening-list-desktop")
        staff.get_by_role("link", name="NPO法人ひだまりの会").click()
        self.screenshot(staff, "screening-detail-desktop")
        staff.get_by_role("button", name="承認して会員に登録する").click()
        self.assertIn("承認", staff.locator(".messages").inner_text())
        with scopes_disabled():
            self.assertEqual(MemberOrganisation.objects.get(name="NPO法人ひだまりの会").status, "active")

        public = self.new_page("mobile")
        public.goto(self.live_url("partnership:register", "alpha"))
        text = public.locator("main").inner_text()
        self.assertIn("NPO法人ひだまりの会", text)
        self.assertIn("岐阜市全域", text)
        self.assertNotIn("058-272-1111", public.content())  # phone not consented
        self.assertLess(page_weight(public), PAGE_BUDGET)
        self.screenshot(public, "register-mobile")

    def test_it_renders_the_join_form_and_register_on_a_desktop(self) -> None:
        for name in ("partnership:join", "partnership:register"):
            page = self.new_page("desktop")
            page.goto(self.live_url(name, "alpha"))
            self.assertEqual(page.locator("html").get_attribute("lang"), "ja")
            # Every form control has an accessible name.
            unnamed = page.evaluate(
                """() => Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
                       .filter(el => !el.closest('[aria-hidden=true]') && el.offsetParent !== null)
                       .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
                       .map(el => el.name)"""
            )
            self.assertEqual(unnamed, [], name)
            self.screenshot(page, name.split(":")[1] + "-desktop")
