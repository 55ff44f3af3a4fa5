"""Drag and drop on the seating page in Chromium: a person dragged to another table, a full table
refused by the server; the page at 1280 px and 390 px (var/screenshots/events-seating-drag-*.png)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from events.models import Event, Registration
from events.services.registration import SignUp, do_register
from events.services.seating import do_assign_tables
from events.tests.helpers import staff_actor
from tsunagari.lib.browser import BrowserTestCase

PEOPLE = [
    ("近江 花子", "おうみ はなこ", "大津市", "大津市社会福祉協議会"),
    ("瀬田 太郎", "せた たろう", "大津市", "NPO法人びわこ居場所ネット"),
    ("石山 咲", "いしやま さき", "大津市", "大津市役所"),
    ("草津 健", "くさつ けん", "草津市", "草津市社会福祉協議会"),
    ("矢橋 陽菜", "やばせ ひな", "草津市", "子ども食堂くさつ"),
    ("彦根 誠", "ひこね まこと", "彦根市", "彦根市役所"),
    ("佐和山 凛", "さわやま りん", "彦根市", "NPO法人ひこね若者サポート"),
]


@pytest.mark.browser
class SeatingDragBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        with scopes_disabled():
            self.event = Event.objects.create(
                platform=self.platform,
                slug="forum",
                title="つながりフォーラム",
                starts_at=timezone.now() + datetime.timedelta(days=3),
                capacity_venue=20,
                table_size=3,
                status=Event.Status.PUBLISHED,
            )
            for n, (name, kana, region, organisation) in enumerate(PEOPLE):
                do_register(
                    self.event,
                    SignUp(
                        name=name,
                        name_kana=kana,
                        email=f"p{n}@example.jp",
                        region=region,
                        organisation=organisation,
                    ),
                )
            do_assign_tables(
                self.event, attribute="region", table_size=3, actor=staff_actor(self.admin, self.platform)
            )

    def table_of(self, name: str) -> int | None:
        with scopes_disabled():
            return Registration.objects.get(event=self.event, name=name).table

    def test_it_moves_a_person_by_dragging_and_refuses_a_full_table(self) -> None:
        page = self.new_page("desktop", user=self.admin)
        page.goto(self.live_url("events:seating", "alpha", self.event.uuid))
        moving = "草津 健"
        before = self.table_of(moving)
        seat = page.locator(f'[data-registration]:has-text("{moving}") .seat-name')
        target = page.locator('[data-table="4"]')  # the empty next table
        seat.drag_to(target)
        status = page.locator("#seating-status")
        status.filter(has_text="4番テーブルに移しました").wait_for()
        self.assertEqual(self.table_of(moving), 4)
        self.assertNotEqual(before, 4)
        self.assertEqual(page.locator('[data-table="4"] [data-count]').inner_text(), "1")
        self.assertEqual(page.locator('[data-table="4"] input[name=table]').input_value(), "4")
        self.screenshot(page, "events-seating-drag-desktop")
        # table 1 is full (3 of 3): the server refuses and the person stays where they were
        page.locator('[data-registration]:has-text("彦根 誠") .seat-name').drag_to(
            page.locator('[data-table="1"]')
        )
        status.filter(has_text="満席").wait_for()
        self.assertNotEqual(self.table_of("彦根 誠"), 1)
        self.assertEqual(page.locator('[data-table="1"] [data-registration]').count(), 3)
        self.screenshot(page, "events-seating-full-desktop")
        # after a reload the page shows what the server stored
        page.reload()
        self.assertEqual(page.locator('[data-table="4"] [data-registration]').count(), 1)

    def test_it_works_without_javascript_on_a_phone(self) -> None:
        page = self.new_page("mobile", user=self.admin, java_script_enabled=False)
        page.goto(self.live_url("events:seating", "alpha", self.event.uuid))
        page.get_by_label("石山 咲 さんのテーブル").fill("3")
        page.locator('[data-registration]:has-text("石山 咲")').get_by_role("button", name="移動").click()
        self.assertIn("石山 咲 さんを3番テーブルに移しました。", page.locator("main").inner_text())
        self.assertEqual(self.table_of("石山 咲"), 3)
        self.assertLessEqual(page.evaluate("document.documentElement.scrollWidth"), 390)
        self.screenshot(page, "events-seating-mobile")
