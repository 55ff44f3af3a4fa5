"""The secretariat's home shows what the network has waiting for it, with counts and links, and
says so when nothing waits; member staff do not get the block."""

from __future__ import annotations

from django_scopes import scope

from accounts.models import Role
from network.models import CaseStudy, Notice
from network.services import board, cases, profiles
from network.tests.helpers import actor, pledge
from tsunagari.lib.testing import BaseTestCase, make_member

TITLE = "会員ネットワークの確認待ち"


class NetworkHomeTestCase(BaseTestCase):
    def block(self, kind: str = Role.SECRETARIAT_ADMIN):  # type: ignore[no-untyped-def]
        self.login(self.users[kind])
        response = self.client.get(self.url("platforms:dashboard"))
        self.assertEqual(response.status_code, 200)
        return response, {str(b.title): b for b in response.context["blocks"]}.get(TITLE)

    def test_it_says_nothing_waits_when_nothing_does(self) -> None:
        response, block = self.block()
        self.assertIsNotNone(block)
        self.assertEqual((block.count, block.lines), (0, []))
        self.assertContains(response, "確認待ちの掲示・変更申請・事例はありません。")
        self.assertContains(response, "守秘義務の誓約がまだ公開されていません。")

    def test_it_counts_and_links_each_kind_of_waiting_work(self) -> None:
        with scope(platform=self.platform):
            staff = actor(self.admin, self.platform)
            member = actor(self.users[Role.MEMBER_STAFF], self.platform)
            make_member(self.platform, "株式会社徳島不動産")
            pledge(staff, self.member_org)  # the other member has not accepted it
            for title in ("子ども食堂まつり", "見守り講座"):
                board.do_post_notice(
                    member,
                    kind="activity",
                    title=title,
                    body="本文",
                    author=self.member_org,
                    audience="public",
                )
            board.do_post_notice(member, kind="notice", title="会員のみ", body="本文", author=self.member_org)
            profiles.do_save_profile(
                member,
                self.member_org,
                strengths=["見守り"],
                consultation_setup="平日",
                support_content="",
                is_public=True,
                reviewed=True,
            )
            cases.do_create_case(
                member,
                title="家主が気づいた孤立",
                summary="概要",
                topic="高齢者",
                steps=[cases.Step("noticed", "不動産会社", "気づいた")],
                author=self.member_org,
            )
            cases.do_create_case(staff, title="事務局の下書き", summary="概要", topic="高齢者", steps=[])
        response, block = self.block()
        self.assertEqual(block.count, 4)
        self.assertEqual(
            [(str(line.text), str(line.note)) for line in block.lines],
            [
                ("公開の申請がある会員の掲示", "2件"),
                ("得意分野・相談体制の変更申請", "1件"),
                ("会員が持ち寄った共有前の事例", "1件"),
            ],
        )
        self.assertIn("未同意の会員: 1団体", str(block.note))  # the other member
        self.assertContains(response, 'href="/p/alpha/staff/network/#requests"')
        self.assertContains(response, 'href="/p/alpha/staff/network/profile-changes/"')
        self.assertContains(response, 'href="/p/alpha/staff/network/cases/?status=draft"')
        # the links lead to the work: the drafts page lists the member's draft only
        drafts = self.client.get("/p/alpha/staff/network/cases/?status=draft")
        self.assertContains(drafts, "家主が気づいた孤立")
        self.assertNotContains(drafts, "事務局の下書き")
        # deciding the requests empties the line
        with scope(platform=self.platform):
            for notice in Notice.objects.filter(public_requested=True):
                board.do_decide_public(staff, notice, approve=True)
            for case in CaseStudy.objects.filter(author__isnull=False):
                cases.do_share_case(staff, case)
        _response, block = self.block()
        self.assertEqual([str(line.text) for line in block.lines], ["得意分野・相談体制の変更申請"])
        self.assertEqual(block.count, 1)

    def test_it_gives_member_staff_and_viewers_no_block(self) -> None:
        for kind in (Role.MEMBER_STAFF, Role.VIEWER):
            _response, block = self.block(kind)
            self.assertIsNone(block, kind)
