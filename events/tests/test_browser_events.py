"""In Chromium: an event from announcement to feedback results, and the mail magazine archive.

Screenshots in var/screenshots/events-*.png and mailings-*.png (390 px phone, 1280 px desktop).
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from events.models import Event, Registration
from events.services.registration import SignUp, do_register
from events.services.seating import do_assign_tables
from events.tests.helpers import staff_actor
from mailings.models import Issue, MailingList
from tsunagari.lib.browser import BrowserTestCase

REGIONS = ["大津市", "草津市", "彦根市", "長浜市", "甲賀市"]


@pytest.mark.browser
class EventJourneyBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        with scopes_disabled():
            self.event = Event.objects.create(
                platform=self.platform,
                slug="forum",
                title="つながることがチカラになる つながりフォーラム",
                summary="地域ごとのテーブルで語り合うフォーラムです。",
                description="1. 基調講演\n2. パネルディスカッション\n3. 交流会（8人1組）",
                venue="ピアザ淡海 大会議室",
                venue_address="滋賀県大津市におの浜1-1-20",
                starts_at=timezone.now() + datetime.timedelta(days=20),
                deadline=timezone.now() + datetime.timedelta(days=19),
                capacity_venue=20,
                status=Event.Status.PUBLISHED,
                questions=["交流会で話したいテーマ"],
            )
            for index in range(19):
                do_register(
                    self.event,
                    SignUp(
                        name=f"参加者 {index:02d}",
                        email=f"p{index}@example.jp",
                        region=REGIONS[index % len(REGIONS)],
                        organisation="NPO法人 おうみネット" if index % 2 else "市社会福祉協議会",
                    ),
                )

    def test_it_takes_the_last_seat_on_a_phone_then_the_waiting_list(self) -> None:
        page = self.new_page("mobile")
        page.goto(self.live_url("events:list", "alpha"))
        self.screenshot(page, "events-list-mobile")
        page.get_by_role("link", name="つながることがチカラになる つながりフォーラム").click()
        self.screenshot(page, "events-detail-mobile")
        page.get_by_label("お名前").fill("大津 花子")
        page.get_by_label("メールアドレス").fill("ｈａｎａｋｏ＠example.jp")
        page.get_by_label("活動地域（市町村）").fill("大津市")
        page.get_by_label("交流会で話したいテーマ").fill("居場所づくり")
        page.get_by_role("button", name="申し込む").click()
        self.assertIn("参加確定", page.locator("main").inner_text())
        self.assertTrue(page.get_by_role("img", name="受付用のQRコード").is_visible())
        self.screenshot(page, "events-registered-mobile")
        # The event is now full: the next person is told before and after sending the form.
        other = self.new_page("mobile")
        other.goto(self.live_url("events:detail", "alpha", "forum"))
        self.assertIn("キャンセル待ちになります", other.locator("main").inner_text())
        other.get_by_label("お名前").fill("草津 次郎")
        other.get_by_label("メールアドレス").fill("jiro@example.jp")
        other.get_by_role("button", name="申し込む").click()
        self.assertIn("キャンセル待ち", other.locator("main").inner_text())
        # A mistake is explained on the page, next to the field.
        third = self.new_page("mobile")
        third.goto(self.live_url("events:detail", "alpha", "forum"))
        third.get_by_label("お名前").fill("彦根 三郎")
        third.get_by_label("メールアドレス").fill("saburo@")
        third.get_by_role("button", name="申し込む").click()
        self.assertIn("形式が正しくありません", third.locator("main").inner_text())
        self.screenshot(third, "events-error-mobile")
        with scopes_disabled():
            self.assertEqual(Registration.objects.filter(status="confirmed").count(), 20)

    def test_it_shows_the_secretariat_the_seating_reception_and_results(self) -> None:
        with scopes_disabled():
            do_assign_tables(
                self.event, attribute="region", table_size=8, actor=staff_actor(self.admin, self.platform)
            )
        page = self.new_page("desktop", user=self.admin)
        page.goto(self.live_url("events:staff_event", "alpha", self.event.uuid))
        self.assertIn("参加確定", page.locator("main").inner_text())
        self.screenshot(page, "events-staff-detail-desktop")
        page.goto(self.live_url("events:seating", "alpha", self.event.uuid))
        self.assertIn("3番テーブル", page.locator("main").inner_text())
        self.screenshot(page, "events-seating-desktop")
        phone = self.new_page("mobile", user=self.admin)
        with scopes_disabled():
            person = Registration.objects.get(email_key="p3@example.jp")
        phone.goto(self.live_url("events:checkin", "alpha", person.uuid))
        phone.get_by_role("button", name="受付する").click()
        self.assertIn("受付済み", phone.locator("main").inner_text())
        self.screenshot(phone, "events-checkin-mobile")
        phone.goto(self.live_url("events:feedback_results", "alpha", self.event.uuid))
        phone.get_by_label("満足", exact=True).check()
        phone.get_by_role("button", name="1件入力する").click()
        self.assertIn("100%", phone.locator("main").inner_text())
        self.screenshot(phone, "events-feedback-mobile")


@pytest.mark.browser
class MailingArchiveBrowserTestCase(BrowserTestCase):
    def test_it_shows_the_archive_and_an_issue_on_a_phone(self) -> None:
        with scopes_disabled():
            mailing_list = MailingList.objects.create(
                platform=self.platform,
                slug="news",
                name="つながりメールマガジン",
                description="イベントや助成の情報をお届けします。",
            )
            for number in range(1, 4):
                Issue.objects.create(
                    platform=self.platform,
                    mailing_list=mailing_list,
                    number=number,
                    subject=f"{number}月号のお知らせ",
                    body="会員の皆さま\n\n情報交換会のご案内です。\nhttps://example.jp/events/",
                    status="sent",
                    sent_at=timezone.now() - datetime.timedelta(days=30 * (4 - number)),
                )
        page = self.new_page("mobile")
        page.goto(self.live_url("mailings:list", "alpha", "news"))
        self.assertIn("3月号のお知らせ", page.locator("main").inner_text())
        self.screenshot(page, "mailings-archive-mobile")
        page.get_by_role("link", name="第2号 2月号のお知らせ").click()
        self.assertEqual(page.get_by_role("link", name="https://example.jp/events/").count(), 1)
        self.screenshot(page, "mailings-issue-mobile")
        page.goto(self.live_url("mailings:list", "alpha", "news"))
        page.get_by_label("メールアドレス").fill("hanako@example.jp")
        page.get_by_label("配信に同意します", exact=False).check()
        page.get_by_role("button", name="登録する").click()
        self.assertIn("確認のメールをお送りしました", page.locator("main").inner_text())
