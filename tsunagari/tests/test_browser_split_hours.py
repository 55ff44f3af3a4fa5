"""Split hours, postal codes and the inbox's pages in Debian's Chromium (var/screenshots/)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from consultations.models import Consulter, Conversation
from consultations.tests.casework import channel_of
from directory.models import Schedule
from directory.tests.hsds_fixtures import make_local_service
from tsunagari.lib.browser import BrowserTestCase

JST = ZoneInfo("Asia/Tokyo")


@pytest.mark.browser
class SplitHoursBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.service = make_local_service(self.platform, "くらしの相談窓口", name_kana="くらし")
        with scope(platform=self.platform):
            Schedule.objects.filter(service=self.service).update(
                opens_at=datetime.time(9), closes_at=datetime.time(12)
            )
            Schedule.objects.create(
                platform=self.platform,
                service=self.service,
                freq="WEEKLY",
                byday="MO,TU,WE,TH,FR",
                opens_at=datetime.time(13),
                closes_at=datetime.time(16),
            )

    def ranges(self) -> list[tuple[str, int, int]]:
        with scope(platform=self.platform):
            return [
                (s.byday, s.opens_at.hour, s.closes_at.hour)
                for s in Schedule.objects.filter(service=self.service).order_by("opens_at", "byday")
            ]

    def test_it_edits_split_hours_and_adds_a_range_with_the_button(self) -> None:
        page = self.new_page(viewport="desktop", user=self.admin)
        page.goto(self.live_url("directory:service_edit", "alpha", self.service.uuid))
        self.assertIn("月〜金 9:00〜12:00、13:00〜16:00", page.locator("#schedules").inner_text())
        self.assertEqual(page.locator("#schedules .schedule-row").count(), 3)
        page.click("#add-schedule")
        self.assertEqual(page.locator("#schedules .schedule-row").count(), 4)
        page.check("#id_schedules-3-byday_5")  # 土
        page.fill("#id_schedules-3-opens_at", "10:00")
        page.fill("#id_schedules-3-closes_at", "12:00")
        page.fill("#id_schedules-1-opens_at", "11:30")  # the afternoon now overlaps the morning
        page.click("button:has-text('保存する')")
        self.assertIn(
            "月〜金曜日: 9:00〜12:00 と 11:30〜16:00 の時間帯が重なっています。",
            page.locator(".error-summary").inner_text(),
        )
        self.screenshot(page, "directory-split-hours-overlap-desktop")
        page.fill("#id_schedules-1-opens_at", "13:00")
        page.click("button:has-text('保存する')")
        self.assertIn("項目を更新しました", page.locator(".messages").inner_text())
        self.assertEqual(
            self.ranges(), [("MO,TU,WE,TH,FR", 9, 12), ("SA", 10, 12), ("MO,TU,WE,TH,FR", 13, 16)]
        )
        phone = self.new_page(viewport="mobile", user=self.admin)
        phone.goto(self.live_url("directory:service_edit", "alpha", self.service.uuid))
        self.screenshot(phone, "directory-split-hours-form-mobile")
        width = phone.evaluate("document.documentElement.scrollWidth")
        self.assertLessEqual(width, 390)

    def test_it_says_when_a_window_closed_at_lunch_opens_again(self) -> None:
        with time_machine.travel(datetime.datetime(2026, 12, 8, 12, 30, tzinfo=JST), tick=False):
            for viewport in ("mobile", "desktop"):
                page = self.new_page(viewport=viewport)
                page.goto(self.live_url("directory:service_page", "alpha", self.service.uuid))
                badges = page.locator(".badges").inner_text()
                self.assertIn("次に開くのは 12月8日（火） 13:00 からです。", badges)
                self.assertNotIn("今開いています", badges)
                self.screenshot(page, f"navigator-lunch-break-{viewport}")

    def test_it_checks_the_join_forms_postal_code_on_a_phone(self) -> None:
        page = self.new_page(viewport="mobile")
        page.goto(self.live_url("partnership:join", "alpha"))
        page.fill("#id_postal_code", "５１６－８６０１")
        page.fill("#id_address", "岐阜県岐阜市薮田南2-1-1")
        page.click("button:has-text('申し込む')")
        summary = page.locator(".error-summary").inner_text()
        self.assertIn("郵便番号 516-8601 は三重県伊勢市の番号ですが、所在地は岐阜県になっています。", summary)
        self.screenshot(page, "join-postal-code-mismatch-mobile")

    def test_it_pages_the_counsellor_inbox(self) -> None:
        now = timezone.now()
        with scopes_disabled():
            channel = channel_of(self.platform)
            consulters = Consulter.objects.bulk_create(
                Consulter(
                    platform=self.platform, channel=channel, identity_hash=f"{n:064x}", label=f"P{n:03d}"
                )
                for n in range(230)
            )
            Conversation.objects.bulk_create(
                Conversation(
                    platform=self.platform,
                    consulter=c,
                    channel=channel,
                    urgent=n < 3,
                    last_inbound_at=now - datetime.timedelta(minutes=n),
                )
                for n, c in enumerate(consulters)
            )
        for viewport in ("desktop", "mobile"):
            page = self.new_page(viewport=viewport, user=self.users[Role.COUNSELLOR])
            page.goto(self.live_url("consultations:inbox", "alpha") + "?page=5")
            self.assertIn("230件の相談（201〜230件目）", page.locator("#inbox-rows").inner_text())
            self.assertIn("5 / 5（全230件）", page.locator(".pagination").inner_text())
            self.screenshot(page, f"inbox-page-5-{viewport}")
