"""The network pages for the secretariat and for a member's staff; each with the other platform's 404."""

from __future__ import annotations

import datetime

from django_scopes import scope, scopes_disabled

from accounts.models import Role
from network.models import CaseStudy, Forward, Match, PledgeAcceptance
from network.services import board, cases, engagements, matches
from network.tests.helpers import KOMATSUSHIMA, actor, listing, pledge
from tsunagari.lib.testing import BaseTestCase, make_member


class PagesTestCase(BaseTestCase):
    def setUp(self) -> None:
        with scope(platform=self.platform):
            self.staff = actor(self.admin, self.platform)
            self.company = make_member(self.platform, "株式会社小松島建設")
            self.need = listing(self.staff, self.member_org, "need", title="見守り訪問のボランティア")
            self.offer = listing(
                self.staff, self.company, "offer", code=KOMATSUSHIMA, title="社員ボランティア10人"
            )
            self.notice = board.do_post_notice(
                self.staff, kind="notice", title="情報交換会のご案内", body="会員限定です"
            )
            board.do_post_notice(
                self.staff, kind="activity", title="こども食堂まつり", body="どなたでも", audience="public"
            )  # the secretariat's public post is public at once
            self.case = cases.do_create_case(
                self.staff, title="家主が気づいた孤立", summary="70代の男性Aさん", topic="高齢者"
            )
            cases.do_add_step(
                self.staff,
                self.case,
                role="noticed",
                organisation_label="不動産会社",
                text="家賃滞納に気づく",
            )
            cases.do_share_case(self.staff, self.case)
        self.member_user = self.users[Role.MEMBER_STAFF]

    def test_it_shows_the_board_to_members_and_only_public_posts_to_visitors(self) -> None:
        self.assertContains(self.client.get(self.url("network:public")), "こども食堂まつり")
        self.assertNotContains(self.client.get(self.url("network:public")), "情報交換会のご案内")
        self.login(self.member_user)
        page = self.client.get(self.url("network:index"))
        self.assertContains(page, "情報交換会のご案内")
        self.assertContains(page, "守秘義務の誓約への同意が必要です")
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url("network:index")).status_code, 404)

    def test_it_sends_a_member_to_the_pledge_before_needs_offers_and_cases(self) -> None:
        self.login(self.member_user)
        for name, args in (
            ("network:listings", []),
            ("network:cases", []),
            ("network:case", [self.case.uuid]),
            ("network:need", [self.need.uuid]),
        ):
            self.assertRedirects(self.client.get(self.url(name, *args)), self.url("network:pledge"))
        with scope(platform=self.platform):
            pledge(self.staff)  # publishes version 1; the member has not accepted yet
        self.client.post(self.url("network:pledge"))
        with scopes_disabled():
            acceptance = PledgeAcceptance.objects.get(member=self.member_org)
        self.assertEqual(acceptance.accepted_by, self.member_user)
        page = self.client.get(self.url("network:listings"))
        self.assertContains(page, "見守り訪問のボランティア")
        self.assertContains(self.client.get(self.url("network:case", self.case.uuid)), "家賃滞納に気づく")
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url("network:pledge")).status_code, 404)

    def test_it_runs_a_match_through_the_pages(self) -> None:
        with scope(platform=self.platform):
            pledge(self.staff, self.member_org, self.company)
        self.login(self.admin)
        page = self.client.get(self.url("network:need", self.need.uuid))
        self.assertContains(page, "隣接する市町村: +20")
        response = self.client.post(self.url("network:need", self.need.uuid), {"offer": str(self.offer.uuid)})
        with scopes_disabled():
            match = Match.objects.get()
        self.assertRedirects(response, self.url("network:match", match.uuid))
        self.login(self.member_user)
        self.client.post(self.url("network:match", match.uuid), {"action": "accept"})
        with scope(platform=self.platform):
            matches.do_accept_match(self.staff, match, self.company)
        self.login(self.admin)
        self.client.post(
            self.url("network:match", match.uuid),
            {"action": "deliver", "hours": "30", "goods": "0", "yen": "0"},
        )
        self.client.post(self.url("network:match", match.uuid), {"action": "thank"})
        with scopes_disabled():
            self.assertEqual(Match.objects.get().status, Match.Status.THANKED)
        self.assertContains(self.client.get(self.url("network:match", match.uuid)), "人・時間 30")
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url("network:match", match.uuid)).status_code, 404)
        self.assertEqual(
            self.client.get(self.url("network:match", match.uuid, platform=self.other_platform)).status_code,
            404,
        )

    def test_it_hides_a_match_from_a_member_not_party_to_it(self) -> None:
        with scope(platform=self.platform):
            other = make_member(self.platform, "NPO法人よそ")
            need = listing(self.staff, other, "need")
            offer = listing(self.staff, self.company, "offer")
            match = matches.do_propose_match(self.staff, need, offer)
            pledge(self.staff, self.member_org)
        self.login(self.member_user)
        self.assertEqual(self.client.get(self.url("network:match", match.uuid)).status_code, 404)
        self.assertEqual(
            self.client.post(self.url("network:match", match.uuid), {"action": "accept"}).status_code, 404
        )

    def test_it_shows_a_draft_with_its_personal_details_to_the_secretariat_only(self) -> None:
        with scope(platform=self.platform):
            draft = cases.do_create_case(
                self.staff, title="下書き", summary="佐藤さんが090-1234-5678に電話", topic="若者"
            )
            pledge(self.staff, self.member_org)
        self.login(self.admin)
        page = self.client.get(self.url("network:case", draft.uuid))
        self.assertContains(page, "概要 に人名「佐藤」")
        self.assertContains(page, "概要 に電話番号「090-1234-5678」")
        self.client.post(self.url("network:case", draft.uuid), {"share": "1"})
        with scopes_disabled():
            self.assertEqual(CaseStudy.objects.get(pk=draft.pk).status, CaseStudy.Status.DRAFT)
        self.login(self.member_user)
        self.assertEqual(self.client.get(self.url("network:case", draft.uuid)).status_code, 404)

    def test_it_lets_an_umbrella_forward_and_others_not(self) -> None:
        with scope(platform=self.platform):
            umbrella = board.do_set_umbrella(self.staff, self.member_org, member_count=55)
            board.do_set_recipients(self.staff, umbrella, "A食堂,a@example.jp\nB食堂,b@example.jp")
        self.login(self.member_user)
        self.assertContains(self.client.get(self.url("network:index")), "傘下の団体にメールで転送")
        response = self.client.post(self.url("network:forward", self.notice.uuid), follow=True)
        self.assertContains(response, "傘下の2団体へのメールの送信を予約しました。")
        with scopes_disabled():
            self.assertEqual(Forward.objects.get().reach, 2)
        self.login(self.admin)  # the secretariat is no umbrella
        self.assertEqual(self.client.post(self.url("network:forward", self.notice.uuid)).status_code, 404)

    def test_it_rolls_up_the_accompaniment_for_the_prefecture(self) -> None:
        with scope(platform=self.platform):
            engagements.do_record_engagement(
                self.staff,
                municipality_code="212041",
                municipality_name="多治見市",
                kind="hearing",
                held_on=datetime.date(2024, 12, 12),
                participants="福祉課",
            )
        self.login(self.users[Role.VIEWER])
        page = self.client.get(self.url("network:accompaniment"))
        self.assertContains(page, "多治見市")
        self.assertNotContains(page, "記録する</button>")
        self.login(self.admin)
        response = self.client.post(
            self.url("network:accompaniment"),
            {
                "municipality_code": "362042",
                "municipality_name": "阿南市",
                "kind": "hearing",
                "held_on": "2024-12-12",
                "participants": "福祉課",
            },
        )
        self.assertContains(response, "団体コード 362042 はこの都道府県の市町村ではありません。")
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url("network:accompaniment")).status_code, 404)
