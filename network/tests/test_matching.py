"""Needs ↔ offers: the score, its explanation and the ranking of suggestions."""

from __future__ import annotations

import datetime

from django.test import SimpleTestCase
from django_scopes import scope

from network import matching, queries
from network.models import Listing, Match
from network.services import matches
from network.tests.helpers import (
    ANAN,
    APRIL,
    GIFU,
    KAMIYAMA,
    KOMATSUSHIMA,
    NARUTO,
    TOKUSHIMA,
    actor,
    listing,
    pledge,
)
from tsunagari.lib.testing import BaseTestCase, make_member


def side(
    code: str = TOKUSHIMA, start: datetime.date = APRIL, days: int = 30, qty: int = 10, kind: str = "people"
) -> matching.Side:
    return matching.Side(kind, code, start, start + datetime.timedelta(days=days - 1), qty)


class ScoreTestCase(SimpleTestCase):
    def test_it_scores_a_perfect_match_in_the_same_municipality_at_80(self) -> None:
        result = matching.score(side(), side())
        assert result is not None
        self.assertEqual(result.total, 80)
        self.assertEqual(
            result.parts, [("同じ市町村", 30), ("期間の100%が重なる", 25), ("必要数の100%を満たす", 25)]
        )

    def test_it_ranks_neighbour_above_same_prefecture_above_elsewhere(self) -> None:
        totals = [
            matching.score(side(TOKUSHIMA), side(code))
            for code in (KOMATSUSHIMA, NARUTO, ANAN, KAMIYAMA, GIFU)
        ]
        self.assertEqual(
            [t.parts[0] for t in totals if t],
            [
                ("隣接する市町村", 20),
                ("隣接する市町村", 20),
                ("同じ都道府県", 10),
                ("同じ都道府県", 10),
                ("地域が離れている", 0),
            ],
        )

    def test_it_counts_the_share_of_period_and_quantity_covered(self) -> None:
        result = matching.score(
            side(days=30, qty=10), side(start=APRIL + datetime.timedelta(days=15), days=60, qty=4)
        )
        assert result is not None
        self.assertIn(("期間の50%が重なる", 12), result.parts)
        self.assertIn(("必要数の40%を満たす", 10), result.parts)

    def test_it_refuses_another_kind_or_no_overlap(self) -> None:
        self.assertIsNone(matching.score(side(kind="people"), side(kind="money")))
        self.assertIsNone(matching.score(side(days=10), side(start=APRIL + datetime.timedelta(days=10))))

    def test_it_adds_past_success_up_to_20(self) -> None:
        one = matching.score(side(), side(), past_thanked=1)
        many = matching.score(side(), side(), past_thanked=9)
        assert one and many
        self.assertEqual(one.parts[-1], ("過去のマッチング実績 1件", 4))
        self.assertEqual(many.parts[-1], ("過去のマッチング実績 9件", 20))
        self.assertEqual(many.total, 100)


class SuggestionsTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.enterContext(scope(platform=self.platform))
        self.staff = actor(self.admin, self.platform)
        self.needer = self.member_org
        self.near = make_member(self.platform, "株式会社小松島")
        self.far = make_member(self.platform, "株式会社阿南")
        self.same = make_member(self.platform, "株式会社とくしま")

    def test_it_suggests_offers_best_first_with_their_reasons_and_skips_other_kinds(self) -> None:
        need = listing(self.staff, self.needer, "need", quantity=10)
        listing(self.staff, self.far, "offer", code=ANAN, quantity=10)
        listing(self.staff, self.near, "offer", code=KOMATSUSHIMA, quantity=10)
        listing(self.staff, self.same, "offer", code=TOKUSHIMA, quantity=4)
        listing(self.staff, self.same, "offer", kind=Listing.Kind.MONEY)
        listing(self.staff, self.needer, "offer")  # its own offer is never suggested
        ranked = [(offer.member.name, found.total) for offer, found in queries.suggestions(need)]
        # neighbour 20+25+25; same municipality but 40% of the people 30+25+10; same prefecture 10+25+25
        self.assertEqual(ranked, [("株式会社小松島", 70), ("株式会社とくしま", 65), ("株式会社阿南", 60)])

    def test_it_ranks_an_offerer_with_thanked_matches_higher(self) -> None:
        pledge(self.staff, self.needer, self.near, self.same)
        old_need = listing(self.staff, self.needer, "need")
        old_offer = listing(self.staff, self.near, "offer", code=KOMATSUSHIMA)
        match = matches.do_propose_match(self.staff, old_need, old_offer)
        matches.do_accept_match(self.staff, match, self.needer)
        matches.do_accept_match(self.staff, match, self.near)
        matches.do_record_delivery(self.staff, match, hours=20)
        matches.do_thank(self.staff, match)
        need = listing(self.staff, self.needer, "need")
        listing(self.staff, self.near, "offer", code=KOMATSUSHIMA)  # 70 + 4
        listing(self.staff, self.same, "offer", quantity=8)  # 30+25+20 = 75
        ranked = queries.suggestions(need)
        self.assertEqual(
            [(o.member.name, s.total) for o, s in ranked], [("株式会社とくしま", 75), ("株式会社小松島", 74)]
        )
        self.assertIn(("過去のマッチング実績 1件", 4), ranked[1][1].parts)
        self.assertEqual(Match.objects.get(pk=match.pk).status, Match.Status.THANKED)
