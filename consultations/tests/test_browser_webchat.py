"""The web chat on a phone in Debian's Chromium, and the LINE simulator against the live server.

Screenshots go to var/screenshots/ (chat-*.png, desk-*.png) for people to look at.
"""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_scopes import scope

from consultations.line_fake import FakeLine
from consultations.models import BusinessHours, Conversation, Direction, Medium, Message, TrackedLink
from consultations.services.channels import do_configure_line
from consultations.services.conversations import do_send
from consultations.tests.casework import actor
from consultations.tests.helpers import SECRET, TOKEN, run_worker
from tsunagari.lib.browser import BrowserTestCase

PAGE_BUDGET = 150 * 1024


def page_weight(page) -> int:  # type: ignore[no-untyped-def]
    return int(
        page.evaluate(
            """() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                   .reduce((sum, e) => sum + (e.transferSize || e.encodedBodySize || 0), 0)"""
        )
    )


@pytest.mark.browser
class WebChatBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        with scope(platform=self.platform):
            for weekday in range(5):
                BusinessHours.objects.create(
                    platform=self.platform, weekday=weekday, start=datetime.time(18), end=datetime.time(21)
                )

    def test_it_takes_a_consultation_on_a_phone_without_javascript_and_resumes_it_elsewhere(self) -> None:
        page = self.new_page("mobile", java_script_enabled=False)
        page.goto(self.live_url("/p/alpha/chat/"))
        self.assertLess(page_weight(page), PAGE_BUDGET)
        self.screenshot(page, "chat-start-mobile")
        page.fill("#id_text", "あ" * 5001)
        page.click("text=送信して相談を始める")
        self.assertIn("5000文字以内", page.content())
        self.screenshot(page, "chat-too-long-mobile")
        page.fill("#id_text", "仕事をやめてから、誰とも話していません。夜になると不安になります。")
        page.click("text=送信して相談を始める")
        code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", page.content())
        assert code is not None
        self.assertNotIn(code.group(0), page.url)
        self.screenshot(page, "chat-room-mobile")
        with scope(platform=self.platform):
            do_send(
                Conversation.objects.get(),
                "話してくださってありがとうございます。夜はどんなふうに過ごしていますか。",
                actor=actor(self.users["counsellor"], self.platform),
            )
        page.click("text=新しいメッセージを確認する")
        self.assertIn("夜はどんなふうに過ごしていますか", page.content())
        self.screenshot(page, "chat-answered-mobile")
        other = self.new_page("desktop")
        other.goto(self.live_url("/p/alpha/chat/"))
        other.fill("#id_code", code.group(0).lower())
        other.click("text=相談コードで再開する")
        self.assertIn("誰とも話していません", other.content())
        self.screenshot(other, "chat-resumed-desktop")

    def test_it_shows_a_counsellors_answer_without_reloading_when_javascript_runs(self) -> None:
        page = self.new_page("mobile")
        page.goto(self.live_url("/p/alpha/chat/"))
        page.fill("#id_text", "眠れない日が続いています。")
        page.click("text=送信して相談を始める")
        page.fill("#id_text", "書きかけのメッセージ")
        with scope(platform=self.platform):
            do_send(
                Conversation.objects.get(),
                "お返事が遅くなりました。眠れないのはつらいですね。",
                actor=actor(self.users["counsellor"], self.platform),
            )
        page.wait_for_selector("#chat-log >> text=眠れないのはつらいですね", timeout=15_000)
        self.assertEqual(page.input_value("#id_text"), "書きかけのメッセージ")  # the form was left alone
        self.assertEqual(page.get_attribute("#chat-log", "aria-live"), "polite")
        self.screenshot(page, "chat-live-mobile")

    def test_it_shows_the_desk_pages_to_the_secretariat(self) -> None:
        with scope(platform=self.platform):
            do_configure_line(self.platform, secret=SECRET, token=TOKEN, basic_id="@733gquft")
            for code, medium, label, clicks in (
                ("gads", Medium.GOOGLE_ADS, "Google 広告", 6075),
                ("flyer", Medium.FLYER, "チラシ", 7),
            ):
                TrackedLink.objects.create(
                    platform=self.platform, code=code, medium=medium, label=label, clicks=clicks
                )
        for name in ("desk", "hours", "links"):
            page = self.new_page("desktop", user=self.admin)
            page.goto(self.live_url(f"consultations:{name}", "alpha"))
            self.assertNotIn(SECRET, page.content())
            self.screenshot(page, f"desk-{name}-desktop")


@pytest.mark.browser
class LineSimulatorTestCase(BrowserTestCase):
    """manage.py line_simulate signs and posts like LINE to the live server; the worker answers."""

    def test_it_drives_a_line_conversation_through_the_real_webhook_and_worker(self) -> None:
        with (
            FakeLine(access_token=TOKEN) as fake,
            override_settings(
                LINE_API_BASE=fake.url, LINE_API_DATA_BASE=fake.url, SITE_URL=self.live_server_url
            ),
        ):
            with scope(platform=self.platform):
                do_configure_line(self.platform, secret=SECRET, token=TOKEN)
            out = io.StringIO()
            user = "U" + "7" * 32
            call_command("line_simulate", "alpha", "follow", "--user", user, "--wait", "0", stdout=out)
            call_command(
                "line_simulate",
                "alpha",
                "text",
                "家族のことで相談したいです",
                "--user",
                user,
                "--wait",
                "0",
                stdout=out,
            )
            call_command("line_simulate", "alpha", "sticker", "--user", user, "--wait", "0", stdout=out)
            self.assertEqual(out.getvalue().count("→ 200"), 3)
            run_worker()
            replies = fake.state.sent_to(user)
            self.assertEqual(len(replies), 1)
            self.assertEqual(replies[0][1], "reply")
            with scope(platform=self.platform):
                conversation = Conversation.objects.get()
                do_send(
                    conversation,
                    "お話を聞かせてください。",
                    actor=actor(self.users["counsellor"], self.platform),
                )
            run_worker()
            self.assertEqual(fake.state.sent_to(user)[-1], ("お話を聞かせてください。", "push"))
            # Redelivery of the same event through the simulator stores nothing new.
            event_id = re.search(r"webhookEventId=(\w+)", out.getvalue().splitlines()[1]).group(1)  # type: ignore[union-attr]
            again = io.StringIO()
            call_command(
                "line_simulate",
                "alpha",
                "text",
                "家族のことで相談したいです",
                "--user",
                user,
                "--event-id",
                event_id,
                "--redelivery",
                "--wait",
                "0",
                stdout=again,
            )
            self.assertIn('"stored": 0', again.getvalue())
            with scope(platform=self.platform):
                self.assertEqual(Message.objects.filter(direction=Direction.INBOUND).count(), 2)
