"""The pledge, a match's life, case studies, the board with umbrellas and the accompaniment:
each refusal of bad input leaves nothing half-written and every write is audited."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django_scopes import scope

from audit.models import AuditEntry
from network import queries
from network.models import CaseStudy, Engagement, Forward, Listing, Match, Notice, PledgeAcceptance
from network.services import board, cases, engagements, matches, pledges
from network.tests.helpers import APRIL, KOMATSUSHIMA, actor, listing, pledge
from partnership.models import MemberOrganisation
from tsunagari.lib.testing import BaseTestCase, make_member


class PledgeAndMatchTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.enterContext(scope(platform=self.platform))
        self.staff = actor(self.admin, self.platform)
        self.company = make_member(self.platform, "株式会社小松島建設")
        self.need = listing(self.staff, self.member_org, "need")
        self.offer = listing(self.staff, self.company, "offer", code=KOMATSUSHIMA)

    def test_it_hides_needs_and_offers_until_the_member_accepts_the_newest_pledge(self) -> None:
        with self.assertRaises(queries.PledgeRequired):
            queries.listings_for(self.member_org)
        pledge(self.staff, self.member_org)
        self.assertEqual(queries.listings_for(self.member_org).count(), 2)
        acceptance = PledgeAcceptance.objects.get(member=self.member_org)
        self.assertEqual((acceptance.pledge.version, acceptance.accepted_by), (1, self.admin))
        pledges.do_publish_pledge(
            self.staff, text="第2版: 目的外利用の禁止と退会後の守秘", effective_from=APRIL
        )
        with self.assertRaises(queries.PledgeRequired):
            queries.listings_for(self.member_org)

    def test_it_refuses_a_match_accepted_without_the_pledge(self) -> None:
        pledge(self.staff, self.member_org)  # the company has not pledged
        match = matches.do_propose_match(self.staff, self.need, self.offer)
        matches.do_accept_match(self.staff, match, self.member_org)
        with self.assertRaisesMessage(
            ValidationError, "株式会社小松島建設 はプラットフォームの守秘義務の誓約"
        ):
            matches.do_accept_match(self.staff, match, self.company)
        match.refresh_from_db()
        self.assertEqual((match.status, match.offer_accepted_at), (Match.Status.PROPOSED, None))

    def test_it_runs_a_match_from_offer_to_thanks_and_counts_what_was_given(self) -> None:
        pledge(self.staff, self.member_org, self.company)
        match = matches.do_propose_match(self.staff, self.need, self.offer)
        self.assertEqual(match.explanation[0], ["隣接する市町村", 20])
        with self.assertRaisesMessage(ValidationError, "合意したマッチングだけ"):
            matches.do_record_delivery(self.staff, match, hours=5)
        matches.do_accept_match(self.staff, match, self.member_org)
        self.assertEqual(Match.objects.get(pk=match.pk).status, Match.Status.PROPOSED)
        self.assertEqual(matches.do_accept_match(self.staff, match, self.company).status, Match.Status.AGREED)
        self.assertFalse(Listing.objects.filter(is_open=True).exists())
        with self.assertRaisesMessage(ValidationError, "いずれかを0より大きく"):
            matches.do_record_delivery(self.staff, match, hours=0)
        matches.do_record_delivery(self.staff, match, hours=24, goods=3)
        matches.do_thank(self.staff, match)
        self.assertEqual(queries.outcomes(), {"hours": 24, "goods": 3, "yen": 0, "n": 1})
        actions = list(
            AuditEntry.objects.filter(action__startswith="network.match").values_list("action", flat=True)
        )
        self.assertEqual(
            sorted(actions),
            sorted(
                [
                    "network.match_proposed",
                    "network.match_accepted",
                    "network.match_accepted",
                    "network.match_delivered",
                    "network.match_thanked",
                ]
            ),
        )

    def test_it_refuses_someone_else_accepting_and_a_need_ending_before_it_starts(self) -> None:
        pledge(self.staff, self.member_org, self.company)
        match = matches.do_propose_match(self.staff, self.need, self.offer)
        stranger = make_member(self.platform, "NPO法人よそ")
        with self.assertRaisesMessage(ValidationError, "NPO法人よそ はこのマッチングの当事者ではありません"):
            matches.do_accept_match(self.staff, match, stranger)
        before = Listing.objects.count()
        with self.assertRaises(ValidationError) as caught:
            listing(self.staff, self.member_org, "need", days=-3)
        end = APRIL - datetime.timedelta(days=4)
        self.assertIn(
            f"終了日（{end.isoformat()}）が開始日（{APRIL.isoformat()}）より前です。",
            caught.exception.message_dict["ends_on"],
        )
        self.assertEqual(Listing.objects.count(), before)

    def test_it_refuses_posts_and_acceptances_by_a_member_who_left(self) -> None:
        pledge(self.staff, self.member_org, self.company)
        match = matches.do_propose_match(self.staff, self.need, self.offer)
        MemberOrganisation.objects.filter(pk=self.company.pk).update(
            status=MemberOrganisation.Status.WITHDRAWN, left_on=datetime.date(2025, 5, 1)
        )
        self.company.refresh_from_db()
        with self.assertRaisesMessage(ValidationError, "株式会社小松島建設 は退会したため"):
            matches.do_accept_match(self.staff, match, self.company)
        with self.assertRaisesMessage(ValidationError, "退会したため"):
            board.do_post_notice(
                self.staff, kind="activity", title="清掃活動", body="参加者募集", author=self.company
            )
        self.assertFalse(Notice.objects.exists())

    def test_it_records_a_donation_to_the_platform_as_an_offer_only(self) -> None:
        with self.assertRaises(ValidationError):
            matches.do_post_listing(
                self.staff,
                self.company,
                side="need",
                kind="money",
                title="募金",
                municipality_code=KOMATSUSHIMA,
                starts_on=APRIL,
                ends_on=APRIL,
                quantity=50000,
                unit="円",
                to_platform=True,
            )
        donation = matches.do_post_listing(
            self.staff,
            self.company,
            side="offer",
            kind="money",
            title="募金",
            municipality_code=KOMATSUSHIMA,
            starts_on=APRIL,
            ends_on=APRIL,
            quantity=50000,
            unit="円",
            to_platform=True,
        )
        self.assertTrue(donation.to_platform)


class CaseStudyTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.enterContext(scope(platform=self.platform))
        self.staff = actor(self.admin, self.platform)
        self.case = cases.do_create_case(
            self.staff,
            title="ごみ屋敷の高齢者が子ども食堂の手伝いに",
            summary="70代の男性Aさん。家主が不動産会社に相談した。",
            topic="高齢者",
            age_band="70代",
            area="阿南市",
            members=[self.member_org],
        )

    def test_it_refuses_to_share_a_case_with_a_name_or_a_phone_number_left_in(self) -> None:
        cases.do_add_step(
            self.staff,
            self.case,
            role="noticed",
            organisation_label="不動産会社（宅建業協会会員）",
            text="家賃の滞納から田中さんの孤立に気づいた。",
        )
        cases.do_add_step(
            self.staff,
            self.case,
            role="contacted",
            organisation_label="地域包括支援センター",
            text="０８８４－２２－１１１１に電話し、12月1日に訪問。",
        )
        with self.assertRaises(ValidationError) as caught:
            cases.do_share_case(self.staff, self.case)
        text = " ".join(caught.exception.messages)
        self.assertIn("つなぎ方の1番目（内容）に人名「田中」", text)
        self.assertIn("つなぎ方の2番目（内容）に電話番号「0884-22-1111」", text)
        self.assertIn("つなぎ方の2番目（内容）に日付「12月1日」", text)
        self.assertEqual(CaseStudy.objects.get(pk=self.case.pk).status, CaseStudy.Status.DRAFT)
        self.assertFalse(AuditEntry.objects.filter(action="network.case_shared").exists())

    def test_it_shares_an_anonymised_case_with_pledged_members_only(self) -> None:
        with self.assertRaisesMessage(ValidationError, "段階を1つ以上"):
            cases.do_share_case(self.staff, self.case)
        cases.do_add_step(
            self.staff,
            self.case,
            role="noticed",
            organisation_label="不動産会社",
            text="Aさんの家賃滞納に気づいた。",
        )
        cases.do_add_step(
            self.staff,
            self.case,
            role="contacted",
            organisation_label="地域包括支援センター",
            text="訪問した。",
        )
        cases.do_add_step(
            self.staff,
            self.case,
            role="outcome",
            organisation_label="子ども食堂",
            text="週1回の手伝いに通う。",
        )
        cases.do_share_case(self.staff, self.case)
        with self.assertRaises(queries.PledgeRequired):
            queries.cases_for(self.member_org)
        pledge(self.staff, self.member_org)
        found = queries.cases_for(self.member_org, tag="70代", text="ゴミ屋敷")
        self.assertEqual(list(found), [])  # the library searches the text as written
        self.assertEqual(list(queries.cases_for(self.member_org, tag="70代", text="子ども食堂")), [self.case])
        self.assertEqual([s.role for s in self.case.steps.all()], ["noticed", "contacted", "outcome"])


class BoardAndUmbrellaTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.enterContext(scope(platform=self.platform))
        self.staff = actor(self.admin, self.platform)

    def test_it_requires_funder_and_deadline_for_grant_information(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            board.do_post_notice(self.staff, kind="grant", title="地域づくり助成", body="対象: NPO")
        self.assertEqual(set(caught.exception.message_dict), {"funder", "deadline"})
        board.do_post_notice(
            self.staff,
            kind="grant",
            title="地域づくり助成",
            body="対象: NPO",
            funder="○○財団",
            deadline=datetime.date(2025, 6, 30),
            amount_yen=500000,
        )
        self.assertEqual(Notice.objects.get().funder, "○○財団")

    def test_it_keeps_members_only_posts_from_the_public_board(self) -> None:
        board.do_post_notice(self.staff, kind="notice", title="情報交換会のご案内", body="会員限定")
        festival = board.do_post_notice(
            self.staff,
            kind="activity",
            title="こども食堂まつり",
            body="どなたでも",
            audience="public",
            author=self.member_org,
        )
        # a member's public post waits for the secretariat
        self.assertEqual((festival.audience, festival.public_requested), ("members", True))
        self.assertEqual(list(queries.board(members=False)), [])
        board.do_decide_public(self.staff, festival, approve=True)
        with self.assertRaisesMessage(ValidationError, "公開の申請がありません"):
            board.do_decide_public(self.staff, festival, approve=False)
        self.assertEqual([n.title for n in queries.board(members=False)], ["こども食堂まつり"])
        self.assertEqual(len(queries.board(members=True)), 2)
        self.assertEqual([n.title for n in queries.board(members=True, text="ｺﾄﾞﾓ 情報")], [])
        self.assertEqual(
            [n.title for n in queries.board(members=True, text="情報交換")], ["情報交換会のご案内"]
        )

    def test_it_forwards_a_notice_through_umbrellas_once_and_counts_their_members(self) -> None:
        cafeterias = make_member(self.platform, "とくしま子ども食堂NW")
        realtors = make_member(self.platform, "徳島県宅地建物取引業協会")
        with self.assertRaisesMessage(ValidationError, "傘下の団体が3件書かれていますが、団体数は2です。"):
            board.do_set_umbrella(
                self.staff, cafeterias, member_count=2, listed_members="A食堂\nB食堂\nC食堂"
            )
        nw = board.do_set_umbrella(self.staff, cafeterias, member_count=55, listed_members="A食堂\nB食堂")
        kyokai = board.do_set_umbrella(self.staff, realtors, member_count=700)
        notice = board.do_post_notice(
            self.staff,
            kind="grant",
            title="食材支援の助成",
            body="…",
            funder="県",
            deadline=datetime.date(2025, 7, 1),
        )
        with self.assertRaisesMessage(ValidationError, "送付先（メールアドレス）が登録されていません"):
            board.do_forward(self.staff, notice, nw)
        board.do_set_recipients(
            self.staff, nw, "A食堂,a@example.jp\nB食堂、b@example.jp\nC食堂\tc@example.jp"
        )
        board.do_set_recipients(
            self.staff, kyokai, "\n".join(f"不動産{i},f{i}@example.jp" for i in range(40))
        )
        board.do_forward(self.staff, notice, nw)
        board.do_forward(self.staff, notice, nw)
        board.do_forward(self.staff, notice, kyokai)
        self.assertEqual(Forward.objects.count(), 2)
        self.assertEqual(queries.reach(notice)["through_umbrellas"], 43)


class EngagementTestCase(BaseTestCase):
    def test_it_rolls_up_engagements_per_municipality_on_the_prefecture_only(self) -> None:
        with scope(platform=self.platform):
            staff = actor(self.admin, self.platform)
            for day, kind in (
                (datetime.date(2024, 12, 12), "hearing"),
                (datetime.date(2025, 2, 21), "workshop"),
            ):
                engagements.do_record_engagement(
                    staff,
                    municipality_code="212041",
                    municipality_name="多治見市",
                    kind=kind,
                    held_on=day,
                    participants="福祉課、保健所、社会福祉協議会",
                )
            engagements.do_record_engagement(
                staff,
                municipality_code="212016",
                municipality_name="岐阜市",
                kind="seminar",
                held_on=datetime.date(2025, 1, 19),
                participants="幹部職員",
            )
            with self.assertRaisesMessage(
                ValidationError, "団体コード 362042 はこの都道府県の市町村ではありません。"
            ):
                engagements.do_record_engagement(
                    staff,
                    municipality_code="362042",
                    municipality_name="阿南市",
                    kind="hearing",
                    held_on=datetime.date(2025, 1, 1),
                    participants="福祉課",
                )
            rows = queries.accompaniment(self.platform)
            self.assertEqual(
                [(r.code, r.name, r.by_kind) for r in rows],
                [
                    ("212016", "岐阜市", {"セミナー": 1}),
                    ("212041", "多治見市", {"ヒアリング": 1, "ワークショップ": 1}),
                ],
            )
        with scope(platform=self.other_platform):
            municipal = actor(self.outsider, self.other_platform)
            with self.assertRaisesMessage(ValidationError, "都道府県のプラットフォームで記録します"):
                engagements.do_record_engagement(
                    municipal,
                    municipality_code="212016",
                    municipality_name="岐阜市",
                    kind="hearing",
                    held_on=datetime.date(2025, 1, 1),
                    participants="福祉課",
                )
            self.assertFalse(Engagement.objects.exists())
