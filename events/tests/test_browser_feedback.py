"""In Chromium: after the event the secretariat creates the questionnaire from the template, the
scheduler's command mails the attendees, one answers on a phone from the mailed link, and the
results show on the staff page and the public event page; the figures page and the mail
magazine's bounced addresses at 1280 and 390 px (var/screenshots/events-feedback-*, events-figures-*,
mailings-bounces-*)."""

from __future__ import annotations

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scopes_disabled

from events.models import Event
from events.services.feedback import do_submit_feedback
from events.services.registration import SignUp, do_check_in, do_register
from events.tests.helpers import staff_actor
from mailings.models import MailingList, Subscriber
from tsunagari.lib.browser import BrowserTestCase
from tsunagari.lib.smtp import body_of, smtp_server

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.mark.browser
class FeedbackJourneyBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        day = timezone.localdate(timezone.now(), TOKYO) - datetime.timedelta(days=1)
        self.starts = datetime.datetime.combine(day, datetime.time(13, 30), tzinfo=TOKYO)
        with scopes_disabled(), time_machine.travel(self.starts - datetime.timedelta(days=10), tick=False):
            self.event = Event.objects.create(
                platform=self.platform,
                slug="forum",
                title="つながりフォーラム",
                venue="ピアザ淡海 大会議室",
                starts_at=self.starts,
                ends_at=self.starts + datetime.timedelta(hours=3),
                capacity_venue=20,
                status=Event.Status.PUBLISHED,
            )
            self.people = [
                do_register(self.event, SignUp(name=f"参加者{n}", email=f"p{n}@example.jp", region="大津市"))
                for n in range(3)
            ]
        actor = staff_actor(self.admin, self.platform)
        with scopes_disabled():
            for person in self.people[:2]:
                do_check_in(person, actor=actor)
            for answer in ("satisfied", "satisfied", "rather_satisfied", "rather_satisfied"):  # paper answers
                do_submit_feedback(self.event, satisfaction=answer, comment="", actor=actor)

    def test_it_goes_from_the_template_to_the_results_on_the_event_page(self) -> None:
        staff = self.new_page("desktop", user=self.admin)
        staff.goto(self.live_url("events:feedback_results", "alpha", self.event.uuid))
        staff.get_by_role("button", name="ひな形からアンケートを作成").click()
        self.assertIn("アンケートを作成しました", staff.locator("main").inner_text())
        with smtp_server() as inbox:
            with time_machine.travel(self.starts + datetime.timedelta(hours=3, minutes=30), tick=False):
                call_command("event_feedback_requests", "alpha", stdout=io.StringIO())
            call_command("send_mail_queue", stdout=io.StringIO())
        mails = [m for m in inbox if "アンケートのお願い" in m["Subject"]]
        self.assertEqual(
            sorted(m["To"] for m in mails), ["p0@example.jp", "p1@example.jp"]
        )  # p2 did not come
        link = re.search(r"https?://\S+\?code=[A-Z0-9-]+", body_of(mails[0]))
        assert link is not None
        url = link.group(0).replace("http://testserver", self.live_server_url)
        url = re.sub(r"^https?://[^/]+", self.live_server_url, url)

        phone = self.new_page("mobile")
        phone.goto(url)
        self.screenshot(phone, "events-feedback-start-mobile")
        phone.get_by_role("button", name="コードを入力して回答を始める").click()
        phone.get_by_label("やや満足").check()
        phone.get_by_label("グループワーク・意見交換").check()
        phone.get_by_label("ご意見・ご感想をお聞かせください。").fill("同じ地域の方と話せてよかったです。")
        self.screenshot(phone, "events-feedback-answer-mobile")
        phone.get_by_role("button", name="回答を送信する").click()
        self.assertIn("ありがとう", phone.locator("main").inner_text())

        staff.goto(self.live_url("events:feedback_results", "alpha", self.event.uuid))
        text = staff.locator("main").inner_text()
        self.assertIn("同じ地域の方と話せてよかったです。", text)
        self.assertIn("依頼済み 2人、うち回答 1人", text)
        self.assertNotIn("入力内容を確認してください", text)  # the paper form is not bound on a GET
        self.screenshot(staff, "events-feedback-results-desktop")

        public = self.new_page("mobile")
        public.goto(self.live_url("events:detail", "alpha", "forum"))
        results = public.locator("#results ~ .table-wrap").inner_text()
        self.assertIn("やや満足", results)
        self.assertIn("60%", results)  # 3 of 5
        self.screenshot(public, "events-feedback-public-mobile")

    def test_it_shows_the_figures_page(self) -> None:
        for viewport in ("desktop", "mobile"):
            page = self.new_page(viewport, user=self.admin)
            page.goto(self.live_url("events:figures", "alpha"))
            text = page.locator("main").inner_text()
            self.assertIn("つながりフォーラム", text)
            self.assertIn("67%", text)  # 2 of 3 confirmed came
            self.assertLessEqual(
                page.evaluate("document.documentElement.scrollWidth"), 1280 if viewport == "desktop" else 390
            )
            self.screenshot(page, f"events-figures-{viewport}")

    def test_it_shows_the_bounced_addresses_to_the_secretariat(self) -> None:
        with scopes_disabled():
            mailing_list = MailingList.objects.create(
                platform=self.platform, slug="news", name="つながり通信", bounce_limit=2
            )
            for n, (status, bounces) in enumerate([("confirmed", 0), ("confirmed", 1), ("suspended", 2)]):
                Subscriber.objects.create(
                    platform=self.platform,
                    mailing_list=mailing_list,
                    email=f"s{n}@example.jp",
                    email_key=f"s{n}@example.jp",
                    status=status,
                    hard_bounces=bounces,
                    last_bounce_at=timezone.now() if bounces else None,
                    last_bounce_reason="s@example.jp: 550 5.1.1 <s@example.jp>: User unknown"
                    if bounces
                    else "",
                )
        for viewport in ("desktop", "mobile"):
            page = self.new_page(viewport, user=self.admin)
            page.goto(self.live_url("mailings:staff_list", "alpha", mailing_list.uuid))
            self.assertIn("届かなかったアドレス", page.locator("main").inner_text())
            self.screenshot(page, f"mailings-bounces-{viewport}")
        page.get_by_role("button", name="配信を再開").click()
        self.assertIn("s2@example.jp への配信を再開しました。", page.locator("main").inner_text())
        with scopes_disabled():
            self.assertEqual(Subscriber.objects.get(email_key="s2@example.jp").status, "confirmed")
