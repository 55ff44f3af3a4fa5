"""Staff pages of the directory in Debian's Chromium (screenshots in var/screenshots/)."""

from __future__ import annotations

import io
import shutil
import tempfile

import pytest
from django_scopes import scope, scopes_disabled
from openpyxl import load_workbook

from accounts.models import Role
from directory.models import Phone, Service, ServiceChange
from directory.services import sheet
from directory.tests.hsds_fixtures import make_local_service
from tsunagari.lib.browser import BrowserTestCase
from tsunagari.lib.testing import run_tasks


@pytest.mark.browser
class ServicesBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.service = make_local_service(self.platform, "アルファ支援ネットの居場所", name_kana="あるふぁ")
        with scopes_disabled():
            self.service.member = self.member_org
            self.service.save()
        make_local_service(self.platform, "市の福祉まるごと相談", name_kana="しのふくし")

    def test_it_lets_a_member_propose_a_change_on_a_phone_and_the_secretariat_approve_it(self) -> None:
        page = self.new_page(viewport="mobile", user=self.users[Role.MEMBER_STAFF], java_script_enabled=False)
        page.goto(self.live_url("directory:services", "alpha"))
        self.assertIn("自団体", page.locator("tbody").inner_text())
        self.screenshot(page, "directory-services-mobile")
        page.goto(self.live_url("directory:service_edit", "alpha", self.service.uuid))
        page.fill("#id_name", "居場所カフェ あるふぁ")
        page.check("input[value='cat-relations']")
        page.fill("#id_hours", "毎週土曜日 13:00〜16:00")
        self.screenshot(page, "directory-service-edit-mobile", full_page=True)
        page.click("button:has-text('申請する')")
        self.assertIn("変更を申請しました", page.locator(".messages").inner_text())
        with scope(platform=self.platform):
            change = ServiceChange.objects.get(service=self.service)
        desktop = self.new_page(viewport="desktop", user=self.users[Role.SECRETARIAT_STAFF])
        desktop.goto(self.live_url("directory:change", "alpha", change.uuid))
        self.assertIn("居場所カフェ あるふぁ", desktop.locator("table").inner_text())
        self.screenshot(desktop, "directory-change-review-desktop")
        desktop.click("button:has-text('承認して公開する')")
        desktop.goto(self.live_url("directory:service", "alpha", self.service.uuid))
        self.assertIn("アルファ支援ネットの居場所", desktop.locator("#history ~ .table-wrap").inner_text())
        self.screenshot(desktop, "directory-service-detail-desktop", full_page=True)
        with scope(platform=self.platform):
            self.assertEqual(Service.objects.get(pk=self.service.pk).name, "居場所カフェ あるふぁ")

    def test_it_lets_a_member_edit_every_phone_and_place_on_a_phone(self) -> None:
        with scopes_disabled():
            Phone.objects.create(
                platform=self.platform, service=self.service, number="0596-21-5556", type="voice"
            )
            Phone.objects.create(
                platform=self.platform, service=self.service, number="0596-21-5557", type="fax"
            )
        page = self.new_page(viewport="mobile", user=self.users[Role.MEMBER_STAFF], java_script_enabled=False)
        page.goto(self.live_url("directory:service_edit", "alpha", self.service.uuid))
        page.get_by_role("group", name="電話番号 2").get_by_label("説明").fill("夜間専用")
        page.get_by_role("group", name="電話番号 3（追加）").get_by_label("番号", exact=True).fill(
            "0596-21-0000"
        )
        new_place = page.get_by_role("group", name="相談先 2（追加）")
        new_place.get_by_label("相談先の名称（建物・窓口）").fill("小俣支所")
        new_place.get_by_label("郵便番号").fill("519-0503")
        new_place.get_by_label("町名・番地").fill("本町341")
        page.get_by_role("group", name="相談先 1").get_by_label("この窓口の相談先から外す").check()
        page.get_by_role("group", name="電話番号 1").get_by_label("番号", exact=True).fill("0596-21-55五六")
        page.click("button:has-text('申請する')")
        summary = page.locator(".error-summary").inner_text()
        self.assertIn("電話番号 1: 電話番号「0596-21-55五六」に数字以外の文字が含まれています", summary)
        self.screenshot(page, "directory-service-rows-error-mobile", full_page=True)
        page.get_by_role("group", name="電話番号 1").get_by_label("番号", exact=True).fill("0596-21-5550")
        page.click("button:has-text('申請する')")
        self.assertIn("変更を申請しました", page.locator(".messages").inner_text())
        with scope(platform=self.platform):
            change = ServiceChange.objects.get(service=self.service)
        review = self.new_page(viewport="mobile", user=self.users[Role.SECRETARIAT_STAFF])
        review.goto(self.live_url("directory:change", "alpha", change.uuid))
        table = review.locator("table").inner_text()
        self.assertIn("FAX 0596-21-5557（夜間専用）", table)
        self.assertIn("小俣支所 〒519-0503 三重県伊勢市本町341", table)
        self.screenshot(review, "directory-change-rows-mobile", full_page=True)
        review.click("button:has-text('承認して公開する')")
        with scope(platform=self.platform):
            numbers = list(self.service.phones.order_by("id").values_list("number", "description"))
            places = [sal.location.name for sal in self.service.service_at_locations.order_by("id")]
        self.assertEqual(numbers, [("0596-21-5550", ""), ("0596-21-5557", "夜間専用"), ("0596-21-0000", "")])
        self.assertEqual(places, ["小俣支所"])

    def test_it_previews_an_uploaded_sheet_with_row_errors(self) -> None:
        book = load_workbook(io.BytesIO(sheet.build_template()))
        rows = [
            [
                "広報いせ 発行事業",
                "広報広聴課",
                "既存",
                "周知・啓発",
                "市民",
                "直営",
                "",
                "行政情報の発信",
                "",
                "",
            ],
            ["", "健康課", "たぶん", "", "", "", "", "", "お金", ""],
        ]
        for offset, row in enumerate(rows):
            for column, value in enumerate(row, start=1):
                book["事業"].cell(row=sheet.HEADER_ROW + 1 + offset, column=column, value=value)
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder)
        path = f"{folder}/sheet.xlsx"
        book.save(path)
        page = self.new_page(viewport="desktop", user=self.users[Role.SECRETARIAT_ADMIN])
        page.goto(self.live_url("directory:sheet", "alpha"))
        self.screenshot(page, "directory-sheet-upload-desktop")
        page.set_input_files("#id_file", path)
        page.click("button:has-text('内容を確認する')")
        # The check runs in the imports worker: the page says so and reloads itself.
        self.assertIn("確認", page.locator("main").inner_text())
        run_tasks()
        page.reload()
        self.assertIn("問題があります", page.locator(".error-summary").inner_text())
        self.screenshot(page, "directory-sheet-preview-desktop", full_page=True)
