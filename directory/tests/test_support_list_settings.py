"""The secretariat's サポートリスト page: /p/<slug>/staff/directory/support-list/."""

from __future__ import annotations

from typing import Any

from django_scopes import scopes_disabled

from accounts.models import Role
from audit.models import AuditEntry
from directory.models import SupportListCategory, SupportListSettings
from directory.tests.support_data import make_entry, term
from tsunagari.lib.testing import BaseTestCase, run_tasks


def form_data(order: dict[str, int], **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "アルファつながりサポートリスト",
        "subtitle": "ひとりで悩まず、ご相談ください",
        "intro": "",
        "size": "a5",
        "fallback_lead": "どこに相談したらよいか迷ったら",
        "fallback_name": "アルファ県ふくし総合相談窓口",
        "fallback_phone": "058-272-0000",
        "fallback_hours": "月〜金 8:30〜17:15",
    }
    for code, position in order.items():
        key = term(code).uuid.hex
        data[f"c-use_{key}"] = "on"
        data[f"c-pos_{key}"] = str(position)
    data.update(extra)
    return data


class SupportListSettingsTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.users[Role.SECRETARIAT_STAFF])
        self.page = self.url("directory:support_list_settings")

    def stored_order(self) -> list[str]:
        with scopes_disabled():
            rows = SupportListCategory.objects.filter(platform=self.platform).select_related("term")
            return [row.term.name for row in rows]

    def test_it_offers_the_eight_categories_checked_in_ises_order(self) -> None:
        response = self.client.get(self.page)
        self.assertEqual(response.status_code, 200)
        rows = response.context["categories"].term_rows()
        checked = [row.term.name for row in rows if row.use.value()]
        self.assertEqual(checked[:2], ["お金・住まい", "仕事"])
        self.assertEqual(len(checked), 8)
        self.assertContains(response, "家族関係")  # topics can be chosen too, unchecked
        self.assertContains(response, "まだ設定を保存していません")

    def test_it_saves_categories_in_the_chosen_order_with_the_texts(self) -> None:
        response = self.client.post(
            self.page, form_data({"cat-health": 1, "cat-money": 2, "topic-isolation": 3})
        )
        self.assertRedirects(response, self.page)
        self.assertEqual(self.stored_order(), ["健康", "お金・住まい", "孤独・孤立"])
        with scopes_disabled():
            settings = SupportListSettings.objects.get(platform=self.platform)
            self.assertEqual((settings.size, settings.fallback_name), ("a5", "アルファ県ふくし総合相談窓口"))
            self.assertTrue(AuditEntry.objects.filter(action="directory.support_list_settings").exists())
        # Saving again replaces the order; equal numbers keep the list order.
        self.client.post(self.page, form_data({"cat-work": 5, "cat-money": 5}))
        self.assertEqual(self.stored_order(), ["お金・住まい", "仕事"])

    def test_it_refuses_a_list_without_categories_or_fallback_and_saves_nothing(self) -> None:
        response = self.client.post(self.page, form_data({}, fallback_name=""))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "掲載する分類を1つ以上選んでください。")
        self.assertTrue(response.context["form"].errors["fallback_name"])
        with scopes_disabled():
            self.assertFalse(SupportListSettings.objects.filter(platform=self.platform).exists())

    def test_it_shows_saved_settings_in_the_public_pdf_at_once(self) -> None:
        make_entry(self.platform, "健康相談", categories=("cat-health",), phone="058-000-0001")
        pdf = self.url("directory:support_list_pdf")

        def etag() -> str:
            with self.captureOnCommitCallbacks(execute=True):
                self.client.get(pdf)  # the worker makes a version the first request asks for
            run_tasks()
            return self.client.get(pdf)["ETag"]

        before = etag()
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.page, form_data({"cat-health": 1}, size="a4"))
        self.assertNotEqual(etag(), before)

    def test_it_previews_the_pdf_without_saving(self) -> None:
        make_entry(self.platform, "健康相談", categories=("cat-health",), phone="058-000-0001")
        response = self.client.post(self.page, form_data({"cat-health": 1}, action="preview"))
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        with scopes_disabled():
            self.assertFalse(SupportListSettings.objects.filter(platform=self.platform).exists())

    def test_it_is_for_the_secretariat_only(self) -> None:
        for kind in (Role.VIEWER, Role.COUNSELLOR, Role.MEMBER_STAFF):
            self.login(self.users[kind])
            self.assertEqual(self.client.get(self.page).status_code, 403, kind)
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.page).status_code, 404)
