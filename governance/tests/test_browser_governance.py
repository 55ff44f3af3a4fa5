"""A meeting day in Debian's Chromium: check-in on a phone with the quorum always in view, a vote
recorded and decided, an absent member's proxy answered from the mail's link. Screenshots go to
var/screenshots/governance-*.png for people to look at."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from governance.models import Response
from governance.signing import RESPONSE_SALT, sign
from governance.tests.helpers import check_in, make_body, make_meeting
from tsunagari.lib.browser import BrowserTestCase


@pytest.mark.browser
class MeetingDayBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.body, self.seats = make_body(self.platform)
        self.meeting = make_meeting(self.body, items=[("議案1", True), ("議案2", False)])
        with scopes_disabled():
            self.meeting.title = "令和7年度第1回プラットフォーム会議"
            self.meeting.save()
            Response.objects.create(
                platform=self.platform, meeting=self.meeting, seat=self.seats[8], mode="proxy",
                proxy_to=self.seats[0], proxy_items=["議案1"],
            )  # fmt: skip
            Response.objects.create(
                platform=self.platform, meeting=self.meeting, seat=self.seats[9], mode="email",
                email_votes={"議案1": "yes"},
            )  # fmt: skip
        check_in(self.meeting, self.seats[:5])

    def test_it_checks_people_in_on_a_phone_until_the_quorum_is_met(self) -> None:
        page = self.new_page("mobile", user=self.admin)
        page.goto(self.live_url("governance:live", "alpha", self.meeting.uuid))
        status = page.locator(".live-status")
        self.assertIn("定足数 7 / 8", status.inner_text())  # 5 in the room, a proxy, an e-mail vote
        self.assertIn("あと 1 人", status.inner_text())
        self.screenshot(page, "governance-live-before-mobile")
        row = page.locator(f"#seat-{self.seats[5].uuid}")
        row.get_by_role("button", name="受付", exact=True).click()
        self.assertIn("定足数 8 / 8", page.locator(".live-status").inner_text())
        self.assertIn("成立", page.locator(".live-status .tally").inner_text())
        self.assertIn("受付済", page.locator(f"#seat-{self.seats[5].uuid}").inner_text())
        width = page.evaluate("document.documentElement.scrollWidth")
        self.assertLessEqual(width, 390)
        self.screenshot(page, "governance-live-mobile")
        # As the phone shows it: the quorum stays in view above the row just checked in.
        self.assertTrue(page.locator(".live-status").is_visible())
        self.screenshot(page, "governance-live-viewport-mobile", full_page=False)

    def test_it_records_a_vote_and_decides_it_on_a_desktop(self) -> None:
        check_in(self.meeting, self.seats[5:8])
        page = self.new_page("desktop", user=self.admin)
        with scopes_disabled():
            item = self.meeting.items.get(code="議案1")
        page.goto(self.live_url("governance:item", "alpha", item.uuid))
        # 8 in the room and the proxy's giver: 10 eligible with the e-mail voter, two thirds is 7.
        for seat in self.seats[:6]:
            page.select_option(f"#id_v-s_{seat.uuid}", "yes")
        page.select_option(f"#id_v-s_{self.seats[6].uuid}", "no")
        page.get_by_role("button", name="表決を記録").click()
        self.assertIn("賛成 7 / 必要 7", page.locator(".tally").inner_text())
        page.get_by_role("button", name="判定して記録する").click()
        self.assertIn("可決", page.locator(".tally .big").inner_text())
        self.assertIn("第13条第1項", page.locator(".tally").inner_text())
        self.screenshot(page, "governance-item-desktop")

    def test_it_takes_a_proxy_from_the_mails_link_on_a_phone(self) -> None:
        with scopes_disabled():
            response = Response.objects.create(
                platform=self.platform, meeting=self.meeting, seat=self.seats[11]
            )
        page = self.new_page("mobile")
        page.goto(self.live_url("governance:respond", "alpha", sign(str(response.uuid), RESPONSE_SALT)))
        page.get_by_label("欠席（委任）").check()
        page.select_option("#id_proxy_to", str(self.seats[0].uuid))
        page.get_by_label("議案1 議案1の件 を委任する").check()
        self.assertTrue(
            page.get_by_label("議案2 議案2の件 を委任する（事前通知がないため委任できません）").is_disabled()
        )
        page.get_by_role("button", name="回答する").click()
        self.assertIn("ご回答を受け付けました", page.locator(".messages").first.inner_text())
        self.screenshot(page, "governance-respond-mobile")
