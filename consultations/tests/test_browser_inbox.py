"""The counsellor inbox in Debian's Chromium: phone and desktop, keyboard, live unread counts."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from consultations import demo_casework
from consultations.crisis import URGENT_REASON
from consultations.models import (
    ChannelKind,
    ConversationRecord,
    ConversationTopic,
    Direction,
    Message,
    Referral,
    ReferralEvent,
    RiskLevel,
)
from consultations.tests.casework import make_consent, make_conversation
from platforms.services.creation import do_create_platform
from tsunagari.lib.browser import BrowserTestCase


@pytest.mark.browser
class InboxBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        now = timezone.now()
        self.urgent = make_conversation(
            self.platform, "もう消えたいです", label="K7QX", urgent=True, at=now - datetime.timedelta(hours=4)
        )
        self.line = make_conversation(
            self.platform,
            "こんばんは",
            "職場の人間関係で悩んでいます",
            label="A7K2",
            at=now - datetime.timedelta(minutes=30),
        )
        self.web = make_conversation(
            self.platform,
            "はじめて相談します",
            kind=ChannelKind.WEB,
            label="W3PD",
            at=now - datetime.timedelta(hours=2),
        )
        with scopes_disabled():
            self.urgent.urgent_reason = URGENT_REASON  # the category in clear, the words encrypted
            self.urgent.urgent_words = "消えたい"
            self.urgent.save()
            record = ConversationRecord.objects.create(
                platform=self.platform, conversation=self.line, age_band="30s", risk_level=RiskLevel.LOW
            )
            ConversationTopic.objects.create(platform=self.platform, record=record, topic="work")
        self.counsellor = self.users[Role.COUNSELLOR]

    def test_it_shows_the_inbox_on_a_phone_and_a_desktop(self) -> None:
        url = self.live_url("consultations:inbox", "alpha")
        paths = self.screenshots(url, "consultations-inbox", user=self.counsellor)
        self.assertTrue(all(path.exists() for path in paths.values()))
        page = self.new_page("mobile", user=self.counsellor)
        page.goto(url)
        items = page.locator("[data-inbox-item]")
        self.assertEqual(items.count(), 3)
        self.assertIn("K7QX", items.first.inner_text())  # urgent first
        self.assertEqual(page.locator("html").get_attribute("lang"), "ja")

    def test_it_moves_through_conversations_with_j_and_k_and_opens_one_with_enter(self) -> None:
        page = self.new_page("desktop", user=self.counsellor)
        page.goto(self.live_url("consultations:inbox", "alpha"))
        page.keyboard.press("j")
        self.assertEqual(page.evaluate("document.activeElement.id"), f"conv-{self.urgent.uuid}")
        page.keyboard.press("j")
        page.keyboard.press("j")
        page.keyboard.press("k")
        second = page.evaluate("document.activeElement.id")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/inbox/{second.removeprefix('conv-')}/")
        self.assertEqual(page.locator("h1").count(), 1)
        self.screenshot(page, "consultations-conversation-desktop")

    def test_it_updates_unread_counts_in_place(self) -> None:
        page = self.new_page("desktop", user=self.counsellor)
        page.goto(self.live_url("consultations:inbox", "alpha"))
        self.assertIn("未読 4件", page.locator("#inbox-summary").inner_text())
        with scopes_disabled():
            Message.objects.create(
                platform=self.platform,
                conversation=self.web,
                direction=Direction.INBOUND,
                text="追加です",
                created_at=timezone.now(),
            )
        # What the 15-second poll does, run now: the rows and the summary are swapped in place.
        page.evaluate(
            "htmx.ajax('GET', location.href, {target: '#inbox-rows', headers: {'HX-Request': 'true'}})"
        )
        page.wait_for_function("document.getElementById('inbox-summary').innerText.includes('未読 5件')")
        self.assertEqual(page.locator("#inbox-summary").count(), 1)

    def test_it_shows_a_conversation_on_a_phone(self) -> None:
        url = self.live_url("consultations:conversation", "alpha", self.line.uuid)
        paths = self.screenshots(url, "consultations-conversation", user=self.counsellor)
        self.assertTrue(paths["mobile"].exists())


@pytest.mark.browser
class ReportBrowserTestCase(BrowserTestCase):
    def test_it_charts_yamagatas_demo_month(self) -> None:
        with scopes_disabled():
            platform = do_create_platform(
                slug="yamagata-shi", code="062014", name="山形市つながりよりそうプラットフォーム"
            )
            Role.objects.create(user=self.admin, platform=platform, kind=Role.SECRETARIAT_ADMIN)
            with scope(platform=platform):
                demo_casework.load(platform, "yamagata-shi", Counter())
        url = (
            self.live_url("consultations:report", "yamagata-shi") + "?date_from=2023-02-01&date_to=2023-02-28"
        )
        page = self.new_page("desktop", user=self.admin)
        page.goto(url)
        stats = page.locator(".stat").all_inner_texts()
        self.assertEqual(stats[:2], ["85", "203"])
        self.screenshot(page, "consultations-report-desktop")
        self.screenshots(url, "consultations-report", user=self.admin)


@pytest.mark.browser
class ReferralBrowserTestCase(BrowserTestCase):
    def test_it_shows_a_referral_to_the_receiving_organisation_on_a_phone(self) -> None:
        conversation = make_conversation(self.platform, "家賃が払えません", label="RF9K")
        consent = make_consent(conversation, self.member_org)
        with scopes_disabled():
            referral = Referral.objects.create(
                platform=self.platform,
                conversation=conversation,
                consent=consent,
                receiver_member=self.member_org,
                summary="40代。失職し家賃の支払いに困っている。平日夜なら電話可。",
                sent_to_receiver_at=timezone.now(),
                due_on=timezone.localdate() + datetime.timedelta(days=2),
            )
            ReferralEvent.objects.create(
                platform=self.platform, referral=referral, kind="created", status="requested"
            )
        url = self.live_url("consultations:referral", "alpha", referral.uuid)
        page = self.new_page("mobile", user=self.users[Role.MEMBER_STAFF])
        page.goto(url)
        self.assertIn("受付済み", page.locator("h1").inner_text())  # opening it is FHIR "received"
        self.screenshot(page, "consultations-referral-member-mobile")
        page.check("#id_p-decision_0")
        page.click("button[value=respond]")
        page.wait_for_selector(".messages")
        self.assertIn("受諾", page.locator("h1").inner_text())
