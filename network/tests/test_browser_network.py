"""The member network in Debian's Chromium: the board, a case study's referral path, a match from
offer to thanks, and the prefecture's view of its municipalities; phone (390px) and desktop.
Screenshots go to var/screenshots/network-*.png for people to look at."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from network.models import Match
from network.services import board, cases, engagements, matches, profiles
from network.tests.helpers import KOMATSUSHIMA, actor, listing, pledge
from tsunagari.lib.browser import BrowserTestCase
from tsunagari.lib.testing import make_member


@pytest.mark.browser
class NetworkBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        with scope(platform=self.platform):
            staff = actor(self.admin, self.platform)
            self.company = make_member(self.platform, "株式会社小松島建設")
            pledge(staff, self.member_org, self.company)
            umbrella = board.do_set_umbrella(staff, self.member_org, member_count=55)
            board.do_set_recipients(
                staff,
                umbrella,
                "\n".join(f"子ども食堂{i:02d},shokudo{i:02d}@example.jp" for i in range(1, 56)),
            )
            board.do_post_notice(
                staff, kind="grant", title="子どもの居場所づくり支援事業補助金", body="県内の非営利団体が対象です。",
                funder="徳島県", amount_yen=1000000, deadline=datetime.date(2025, 6, 30),
            )  # fmt: skip
            board.do_post_notice(
                staff, kind="notice", title="情報交換会（ケーススタディ）のご案内", body="会員限定"
            )
            self.case = cases.do_create_case(
                staff, title="家主が気づいた高齢者の孤立", summary="70代の男性Aさんの事例。", topic="高齢者",
                age_band="70代", area="阿南市",
            )  # fmt: skip
            for role, label, text in (
                ("noticed", "不動産会社（宅建業協会会員）", "家賃の滞納が続き、応答がないことに気づいた。"),
                ("contacted", "地域包括支援センター", "訪問し、配食サービスにつないだ。"),
                ("outcome", "子ども食堂", "週1回、食堂の手伝いに通うようになった。"),
            ):
                cases.do_add_step(staff, self.case, role=role, organisation_label=label, text=text)
            cases.do_share_case(staff, self.case)
            self.need = listing(staff, self.member_org, "need", title="見守り訪問のボランティア")
            self.offer = listing(
                staff, self.company, "offer", code=KOMATSUSHIMA, title="社員ボランティア", quantity=8
            )
            self.staff = staff
            for code, name, kind, day in (
                ("212041", "多治見市", "hearing", datetime.date(2024, 12, 12)),
                ("212041", "多治見市", "workshop", datetime.date(2025, 2, 21)),
                ("212016", "岐阜市", "seminar", datetime.date(2025, 1, 19)),
            ):
                engagements.do_record_engagement(
                    staff, municipality_code=code, municipality_name=name, kind=kind, held_on=day,
                    participants="福祉課、保健所、社会福祉協議会", issues="庁内連携",
                )  # fmt: skip

    def test_it_shows_the_board_and_a_case_path_to_a_member_on_a_phone(self) -> None:
        page = self.new_page("mobile", user=self.users[Role.MEMBER_STAFF])
        page.goto(self.live_url("network:index", "alpha"))
        self.assertIn("子どもの居場所づくり支援事業補助金", page.content())
        page.get_by_role("button", name="傘下の団体にメールで転送").first.click()
        self.assertIn("傘下の55団体へのメールの送信を予約しました。", page.content())
        self.assertIn("傘下の団体に転送済み", page.content())
        self.assertLessEqual(page.evaluate("document.documentElement.scrollWidth"), 390)
        self.screenshot(page, "network-board-mobile")
        page.goto(self.live_url("network:case", "alpha", self.case.uuid))
        steps = page.locator(".referral-path li")
        self.assertEqual(steps.count(), 3)
        self.assertIn("地域包括支援センター", steps.nth(1).inner_text())
        self.assertLessEqual(page.evaluate("document.documentElement.scrollWidth"), 390)
        self.screenshot(page, "network-case-mobile")

    def test_it_takes_a_match_from_offer_to_thanks_on_a_desktop(self) -> None:
        page = self.new_page("desktop", user=self.admin)
        page.goto(self.live_url("network:need", "alpha", self.need.uuid))
        self.assertIn("隣接する市町村: +20", page.content())
        self.screenshot(page, "network-suggestions-desktop")
        page.get_by_role("button", name="両団体に提案する").click()
        with scopes_disabled():
            match = Match.objects.get()
        member = self.new_page("mobile", user=self.users[Role.MEMBER_STAFF])
        member.goto(self.live_url("network:match", "alpha", match.uuid))
        member.get_by_role("button", name="応諾する").click()
        self.assertIn("回答を記録しました。", member.content())
        self.assertIn("相手の団体の応諾を待っています", member.content())
        self.assertEqual(member.get_by_role("button", name="応諾する").count(), 0)
        self.screenshot(member, "network-match-accept-mobile")
        with scope(platform=self.platform):
            matches.do_accept_match(self.staff, match, self.company)
        page.goto(self.live_url("network:match", "alpha", match.uuid))
        page.get_by_label("人・時間").fill("32")
        page.get_by_role("button", name="記録する").click()
        page.get_by_role("button", name="お礼を記録する").click()
        self.assertIn("お礼を記録しました。", page.content())
        self.assertIn("人・時間 32", page.content())
        self.assertIn("お礼済み（現在）", page.locator("[aria-current=step]").inner_text())
        self.screenshot(page, "network-match-thanked-desktop")

    def test_it_shows_the_prefectures_municipalities(self) -> None:
        for viewport in ("desktop", "mobile"):
            page = self.new_page(viewport, user=self.users[Role.VIEWER])
            page.goto(self.live_url("network:accompaniment", "alpha"))
            self.assertIn("多治見市", page.content())
            self.assertIn("ワークショップ 1", page.content())
            self.screenshot(page, f"network-accompaniment-{viewport}")

    def test_it_shows_the_new_pages_at_both_widths(self) -> None:
        with scope(platform=self.platform):
            notice = board.do_post_notice(
                self.staff,
                kind="activity",
                title="子ども食堂まつり（合同イベント）",
                body="親子でどなたでも。",
                author=self.member_org,
                audience="public",
                topic="子ども",
                area="徳島市",
                uploads=[SimpleUploadedFile("まつりの案内.pdf", b"%PDF-1.7\n%%EOF\n")],
            )
            board.do_comment(
                self.staff,
                notice,
                member=self.company,
                body="社員ボランティアで参加します。",
                uploads=[SimpleUploadedFile("参加者.csv", "団体,人数\n小松島建設,3\n".encode())],
            )
            profiles.do_save_profile(
                self.staff,
                self.company,
                strengths=["見守り", "社員ボランティア", "会場"],
                consultation_setup="平日9時〜17時、電話と来所で受け付けます。",
                support_content="社員による見守り訪問、会議室の貸出。",
                is_public=True,
                reviewed=False,
            )
        member = self.users[Role.MEMBER_STAFF]
        pages = [
            (
                "notice",
                self.admin,
                self.live_url("network:notice", "alpha", notice.uuid),
                "社員ボランティアで参加します。",
            ),
            ("board-requests", self.admin, self.live_url("network:index", "alpha"), "公開の申請"),
            ("umbrellas", member, self.live_url("network:umbrellas", "alpha"), "傘下団体の送付先"),
            ("members", member, self.live_url("network:members", "alpha"), "社員ボランティア"),
            (
                "member-profile",
                member,
                self.live_url("network:member_profile", "alpha", self.member_org.uuid),
                "編集する",
            ),
            ("case-new", member, self.live_url("network:new_case", "alpha"), "対応・つなぎ方"),
            ("pledge", self.admin, self.live_url("network:pledge", "alpha"), "同意した会員"),
            (
                "pledge-publish",
                self.admin,
                self.live_url("network:pledge_publish", "alpha"),
                "新しい版を公開する",
            ),
            (
                "listing-edit",
                member,
                self.live_url("network:edit_listing", "alpha", self.need.uuid),
                "取り下げる",
            ),
            ("public-members", None, self.live_url("network:public_members", "alpha"), "平日9時〜17時"),
        ]
        for viewport in ("desktop", "mobile"):
            for name, user, url, text in pages:
                page = self.new_page(viewport, user=user)
                page.goto(url)
                self.assertIn(text, page.content(), name)
                if viewport == "mobile":
                    self.assertLessEqual(page.evaluate("document.documentElement.scrollWidth"), 390, name)
                self.screenshot(page, f"network-{name}-{viewport}")
                page.close()
