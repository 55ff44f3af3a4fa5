"""The core-partner finder: /p/<slug>/staff/core-partners/ and its ranking (Ichihara 4-5-8)."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from partnership.models import Council, CouncilSeat, MemberOrganisation, MemberTier
from partnership.queries import core_partner_ranking
from partnership.ranking import sort_rows
from platforms.models import Platform
from tsunagari.lib.testing import BaseTestCase, make_member


def seat(platform: Platform, council: str, *names: str) -> None:
    with scopes_disabled():
        c, _created = Council.objects.get_or_create(platform=platform, name=council)
        for name in names:
            CouncilSeat.objects.create(platform=platform, council=c, organisation_name=name)


def row_names(html: str) -> list[str]:
    """The organisation names of the ranking table, in the order shown."""
    return [re.sub(r"</?strong>", "", name) for name in re.findall(r'<th scope="row">(.*?)</th>', html)]


class CorePartnerTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with scopes_disabled():
            core = MemberTier.objects.get(platform=cls.platform, name="幹事団体")
        cls.chokai = make_member(cls.platform, "市原市町会長連合会", tier=core)
        cls.shakyo = make_member(cls.platform, "市原市社会福祉協議会")
        p = cls.platform
        # 町会長連合会 4, 医師会 3, 社協 3 (two spellings), 弁護士会 2, 防犯協会 2, the rest 1.
        seat(p, "犯罪のない安心なまち市原推進会議", "市原市町会長連合会", "千葉県弁護士会", "市原市防犯協会")
        seat(
            p,
            "市原市地域福祉推進協議会",
            "市原市町会長連合会",
            "一般社団法人市原市医師会",
            "社会福祉法人市原市社会福祉協議会",
        )
        seat(
            p,
            "市原市成年後見制度利用促進審議会",
            "一般社団法人市原市医師会",
            "市原市社会福祉協議会",
            "千葉県弁護士会",
        )
        seat(p, "市原市空家等対策協議会", "市原市町会長連合会", "市原市防犯協会", "市原商工会議所")
        seat(p, "市原市障がい者施策推進協議会", "市原市医師会", "市原市 社会福祉協議会", "市原市町会長連合会")
        with scopes_disabled():
            CouncilSeat.objects.filter(organisation_name="市原市町会長連合会").update(member=cls.chokai)
        seat(cls.other_platform, "ベータの会議", "ベータの団体", "市原市町会長連合会")

    def setUp(self) -> None:
        self.login(self.users[Role.VIEWER])

    def get(self, query: str = ""):  # type: ignore[no-untyped-def]
        return self.client.get(self.url("partnership:core_partners") + query)

    def ranking(self, top: int = 6) -> list[tuple[int, str, int, bool]]:
        with scope(platform=self.platform):
            return [(r.rank, r.name, r.council_count, r.top) for r in core_partner_ranking(top=top)]

    # --- access ---------------------------------------------------------------------------------

    def test_it_answers_404_to_another_platforms_staff(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.get().status_code, 404)

    def test_it_forbids_counsellors_and_member_staff_and_lets_the_secretariat_in(self) -> None:
        for kind in (Role.COUNSELLOR, Role.MEMBER_STAFF):
            with self.subTest(kind=kind):
                self.login(self.users[kind])
                self.assertEqual(self.get().status_code, 403)
        self.login(self.admin)
        self.assertEqual(self.get().status_code, 200)

    def test_it_refuses_post(self) -> None:
        self.assertEqual(self.client.post(self.url("partnership:core_partners")).status_code, 405)

    # --- ranking --------------------------------------------------------------------------------

    def test_it_ranks_by_council_count_with_shared_ranks_for_ties(self) -> None:
        self.assertEqual(
            self.ranking(top=3),
            [
                (1, "市原市町会長連合会", 4, True),
                (2, "一般社団法人市原市医師会", 3, True),
                (2, "社会福祉法人市原市社会福祉協議会", 3, True),
                (4, "千葉県弁護士会", 2, False),
                (4, "市原市防犯協会", 2, False),
                (6, "市原商工会議所", 1, False),
            ],
        )

    def test_it_keeps_every_organisation_tied_at_the_top_n_boundary(self) -> None:
        tops = [name for _rank, name, _count, top in self.ranking(top=2) if top]
        self.assertEqual(
            tops, ["市原市町会長連合会", "一般社団法人市原市医師会", "社会福祉法人市原市社会福祉協議会"]
        )
        tops = [name for _rank, name, _count, top in self.ranking(top=4) if top]
        self.assertEqual(len(tops), 5)

    def test_it_treats_legal_forms_and_spaces_as_the_same_organisation(self) -> None:
        with scope(platform=self.platform):
            rows = {r.normalised_name: r for r in core_partner_ranking()}
        shakyo = rows["市原市社会福祉協議会"]
        self.assertEqual(shakyo.council_count, 3)
        self.assertEqual(
            [c.name for c in shakyo.councils],
            ["市原市地域福祉推進協議会", "市原市成年後見制度利用促進審議会", "市原市障がい者施策推進協議会"],
        )

    def test_it_shows_membership_linked_or_by_name_and_the_tier(self) -> None:
        with scope(platform=self.platform):
            rows = {r.normalised_name: r for r in core_partner_ranking()}
        chokai, shakyo = rows["市原市町会長連合会"], rows["市原市社会福祉協議会"]
        assert chokai.member is not None and shakyo.member is not None
        self.assertEqual((chokai.member.linked, chokai.member.tier_name), (True, "幹事団体"))
        self.assertEqual((shakyo.member.linked, shakyo.member.tier_name), (False, "一般団体"))
        self.assertFalse(rows["千葉県弁護士会"].is_member)

    def test_it_does_not_count_a_former_member_as_a_member(self) -> None:
        with scopes_disabled():
            MemberOrganisation.objects.filter(pk=self.shakyo.pk).update(
                status=MemberOrganisation.Status.WITHDRAWN
            )
        with scope(platform=self.platform):
            rows = {r.normalised_name: r for r in core_partner_ranking()}
        self.assertFalse(rows["市原市社会福祉協議会"].is_member)

    def test_it_ignores_other_platforms_seats(self) -> None:
        counts = {name: count for _rank, name, count, _top in self.ranking()}
        self.assertNotIn("ベータの団体", counts)
        self.assertEqual(counts["市原市町会長連合会"], 4)

    def test_it_runs_two_queries_however_many_councils_and_members(self) -> None:
        with scope(platform=self.platform), self.assertNumQueries(2):
            core_partner_ranking()
        for i in range(30):
            seat(
                self.platform, f"追加の会議{i}", *(f"追加団体{i}-{j}" for j in range(5)), "市原市町会長連合会"
            )
            make_member(self.platform, f"追加団体{i}-0")
        with scope(platform=self.platform), self.assertNumQueries(2):
            rows = core_partner_ranking()
        self.assertEqual(rows[0].council_count, 34)
        self.assertEqual(sum(1 for r in rows if r.is_member), 32)

    def test_it_sorts_by_name_and_membership_keeping_rank_order_within_ties(self) -> None:
        with scope(platform=self.platform):
            rows = core_partner_ranking()
        by_member = [r.name for r in sort_rows(rows, "member", descending=True)]
        self.assertEqual(by_member[:2], ["市原市町会長連合会", "社会福祉法人市原市社会福祉協議会"])
        by_name = [r.normalised_name for r in sort_rows(rows, "name", descending=False)]
        self.assertEqual(by_name, sorted(by_name))

    # --- page -----------------------------------------------------------------------------------

    def test_it_shows_the_ranking_sorted_by_council_count_by_default(self) -> None:
        response = self.get()
        html = response.content.decode()
        self.assertEqual(row_names(html)[0], "市原市町会長連合会")
        self.assertRegex(
            html,
            r'<th scope="col" class="num" aria-sort="descending">\s*<a href="\?sort=councils&amp;dir=asc">会議体数',
        )
        self.assertEqual(html.count("aria-sort="), 1)
        self.assertContains(response, '<a href="?sort=name&amp;dir=asc">団体名</a>')
        self.assertContains(
            response, "会議体 5件に参加している 6団体（うち会員 2団体）。上位6団体を強調しています。"
        )
        self.assertContains(response, "（名前が一致）")
        self.assertNotContains(response, "ベータの団体")

    def test_it_sorts_by_name_and_by_membership_through_links(self) -> None:
        html = self.get("?sort=name&dir=desc").content.decode()
        self.assertIn('aria-sort="descending"', html)
        names = row_names(html)
        self.assertEqual(len(names), 6)
        self.assertRegex(html, r'aria-sort="descending">\s*<a href="\?sort=name&amp;dir=asc">団体名')
        html = self.get("?sort=member&dir=desc").content.decode()
        self.assertEqual(row_names(html)[:2], ["市原市町会長連合会", "社会福祉法人市原市社会福祉協議会"])
        html = self.get("?sort=member&dir=asc").content.decode()
        self.assertEqual(row_names(html)[-1], "社会福祉法人市原市社会福祉協議会")

    def test_it_highlights_the_top_n_and_keeps_top_in_sort_links(self) -> None:
        response = self.get("?top=1")
        self.assertContains(response, "上位1団体を強調しています。")
        self.assertContains(response, '<th scope="row"><strong>市原市町会長連合会</strong></th>', html=False)
        self.assertContains(response, '<th scope="row">千葉県弁護士会</th>', html=False)
        self.assertContains(response, "?sort=name&amp;dir=asc&amp;top=1")

    def test_it_falls_back_to_defaults_for_bad_options(self) -> None:
        response = self.get("?top=0&sort=secret&dir=sideways")
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response, "強調する団体数は1から100までの整数で入力してください（既定の6で表示しています）。"
        )
        self.assertContains(response, "並べ替えの指定が正しくないため、会議体数の多い順に表示しています。")
        self.assertEqual(row_names(response.content.decode())[0], "市原市町会長連合会")

    def test_it_pins_the_page_queries_whatever_the_data_size(self) -> None:
        self.get()  # warm up the session
        with CaptureQueriesContext(connection) as small:
            self.get()
        for i in range(20):
            seat(self.platform, f"追加の会議{i}", *(f"追加団体{i}-{j}" for j in range(4)))
        with CaptureQueriesContext(connection) as large:
            response = self.get()
        self.assertContains(response, "会議体 25件")
        self.assertEqual(len(large), len(small))

    def test_it_says_so_when_no_council_has_seats(self) -> None:
        self.login(self.outsider)
        with scopes_disabled():
            CouncilSeat.objects.filter(platform=self.other_platform).delete()
        response = self.client.get(self.url("partnership:core_partners", platform=self.other_platform))
        self.assertContains(response, "まだ会議体の構成団体が登録されていません。")
