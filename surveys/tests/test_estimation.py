"""Estimation helpers: categories, no answer, multiple choice, suppression, the national comparison."""

from __future__ import annotations

import math

import polars as pl
from django.test import SimpleTestCase

from surveys.stats.estimation import (
    ANSWER,
    GROUP,
    KIND_MEAN,
    KIND_MULTI,
    KIND_PROP,
    EstimationError,
    compare_with_benchmark,
    estimate,
    strata_groups,
    suppress,
)
from surveys.stats.weighting import prepare


def small_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "q": [1, 2, 2, 3, None, 4, 4, 4, 5, 5] * 3,
            "region": ["北部"] * 12 + ["南部"] * 15 + ["西部"] * 3,
            "helps": [["1", "3"], ["2"], None, ["3"], ["1"], [], ["2", "3"], ["1"], ["3"], ["2"]] * 3,
        }
    )


class EstimateTestCase(SimpleTestCase):
    def test_it_keeps_no_answer_as_a_category_and_lists_unchosen_options(self) -> None:
        table = estimate(small_frame(), "q", kind=KIND_PROP, categories=["1", "2", "3", "4", "5", "6"])
        self.assertEqual(table.categories, ["1", "2", "3", "4", "5", "6", "NA"])
        self.assertEqual([r.n for r in table.rows], [3, 6, 3, 9, 6, 0, 3])
        self.assertAlmostEqual(sum(r.estimate for r in table.rows), 1.0)
        none = table.row(None, "6")
        assert none is not None
        self.assertEqual((none.estimate, none.se), (0.0, 0.0))

    def test_it_refuses_values_outside_the_options(self) -> None:
        with self.assertRaisesMessage(EstimationError, "選択肢にない値があります: 5"):
            estimate(small_frame(), "q", kind=KIND_PROP, categories=["1", "2", "3", "4"])

    def test_it_names_unknown_columns(self) -> None:
        with self.assertRaisesMessage(EstimationError, "設問「nope」がデータにありません"):
            estimate(small_frame(), "nope")
        with self.assertRaisesMessage(EstimationError, "グループ「nada」がデータにありません"):
            estimate(small_frame(), "q", by="nada")
        with self.assertRaisesMessage(EstimationError, "数値ではない"):
            estimate(small_frame(), "region", kind=KIND_MEAN)

    def test_it_estimates_means_by_group_with_counts_of_those_who_answered(self) -> None:
        table = estimate(small_frame(), "q", by="region", kind=KIND_MEAN)
        self.assertEqual(table.groups, ["北部", "南部", "西部"])
        south = table.row("南部", None)
        assert south is not None
        values = [v for v in (small_frame()["q"][12:27]).to_list() if v is not None]
        self.assertEqual(south.n, len(values))
        self.assertAlmostEqual(south.estimate, sum(values) / len(values))
        self.assertLess(south.ci_low, south.estimate)

    def test_it_estimates_groups_of_whole_strata_like_domains_of_the_whole_sample(self) -> None:
        # Groups that are whole strata are estimated on their own rows: same figures as svy's
        # grouped call, and a group where nobody answered is left out as the grouped call does.
        frame = pl.DataFrame(
            {
                "stratum": ["A"] * 5 + ["B"] * 5 + ["C"] * 4,
                "score": [1.0, 2.0, 3.0, 4.0, 6.0, None, None, None, None, None, 2.0, 3.0, None, 5.0],
                "q": [1, 2, 1, 2, 1, 1, 1, 2, 2, None, 1, 2, 2, 2],
                "w": [2.0, 3.0, 2.0, 4.0, 2.0, 1.0, 1.0, 5.0, 1.0, 1.0, 7.0, 1.0, 2.0, 1.0],
            }
        )
        weighted = prepare(frame.with_columns(pl.col("stratum").alias(GROUP)), weight="w", strata="stratum")
        self.assertIsNotNone(strata_groups(weighted, GROUP, ["score"]))
        for kind, column in ((KIND_MEAN, "score"), (KIND_PROP, ANSWER)):
            with self.subTest(kind=kind):
                table = estimate(
                    frame,
                    "score" if kind == KIND_MEAN else "q",
                    by="stratum",
                    weight="w",
                    strata="stratum",
                    kind=kind,
                )
                sample = weighted.with_columns({ANSWER: pl.col("q").cast(pl.Utf8).fill_null("NA")}).sample
                grouped = (
                    sample.estimation.mean(column, by=GROUP, drop_nulls=True)
                    if kind == KIND_MEAN
                    else sample.estimation.prop(column, by=GROUP)
                ).to_polars()  # type: ignore[union-attr]
                self.assertEqual(set(table.groups), set(grouped[GROUP].to_list()))
                for row in grouped.iter_rows(named=True):
                    ours = table.row(row[GROUP], row.get(ANSWER))
                    assert ours is not None
                    self.assertAlmostEqual(ours.estimate, row["est"], places=12)
                    self.assertAlmostEqual(ours.se, row["se"], places=12)
                    self.assertEqual(ours.df, row["df"])
        self.assertEqual(
            estimate(frame, "score", by="stratum", weight="w", strata="stratum", kind=KIND_MEAN).groups,
            ["A", "C"],
        )

    def test_it_estimates_multiple_choice_as_shares_of_those_who_answered(self) -> None:
        table = estimate(small_frame(), "helps", kind=KIND_MULTI)
        self.assertEqual(table.categories, ["1", "2", "3"])
        three = table.row(None, "3")
        assert three is not None
        self.assertEqual((three.n, three.n_group), (12, 27))
        self.assertAlmostEqual(three.estimate, 12 / 27)


class SuppressTestCase(SimpleTestCase):
    def test_it_hides_small_cells_small_groups_and_one_more_cell_against_subtraction(self) -> None:
        table = suppress(estimate(small_frame(), "q", by="region", kind=KIND_PROP), threshold=4)
        west = table.group_rows("西部")
        self.assertTrue(all(r.suppressed for r in west))  # 3 respondents in all
        south = {r.category: r for r in table.group_rows("南部")}
        # 南部: 1 ×1, 2 ×2, 3 ×1, 4 ×4, 5 ×4, NA ×1 (wrapping rows 12-26)
        hidden = {c for c, r in south.items() if r.suppressed}
        self.assertTrue({c for c, r in south.items() if 0 < r.n < 4 and c != "NA"} <= hidden)
        self.assertIsNone(south["1"].as_json()["estimate"])
        shown = [r for r in south.values() if not r.suppressed]
        self.assertTrue(all(r.n >= 4 or r.n == 0 or r.category == "NA" for r in shown))

    def test_it_hides_a_second_group_s_cell_so_the_overall_table_gives_nothing_away(self) -> None:
        # Only 北部 has a small 3 (2 answers): 南部's and 東部's 3 are large, so without a second
        # hidden 3 the overall count of 3 minus theirs would give 北部's away.
        frame = pl.DataFrame(
            {
                "region": ["北部"] * 40 + ["南部"] * 44 + ["東部"] * 50,
                "q": [1] * 20
                + [2] * 18
                + [3] * 2
                + [1] * 20
                + [2] * 12
                + [3] * 12
                + [1] * 20
                + [2] * 15
                + [3] * 15,
            }
        )
        table = suppress(estimate(frame, "q", by="region", kind=KIND_PROP), threshold=10)
        hidden = {(r.group, r.category) for r in table.rows if r.suppressed}
        self.assertIn(("北部", "3"), hidden)
        self.assertIn(("南部", "3"), hidden)  # the smaller of the other 3s
        for group in table.groups:
            self.assertNotEqual(sum(r.suppressed for r in table.group_rows(group)), 1, group)
        for category in table.categories:
            cells = [r for r in table.rows if r.category == category]
            self.assertNotEqual(sum(r.suppressed for r in cells), 1, category)
        self.assertNotIn("東部", {g for g, _c in hidden})  # no more than needed

    def test_it_adds_a_second_cell_when_only_one_is_hidden(self) -> None:
        frame = pl.DataFrame({"q": [1] * 20 + [2] * 15 + [3] * 2})
        table = suppress(estimate(frame, "q", kind=KIND_PROP), threshold=10)
        self.assertEqual({r.category for r in table.rows if r.suppressed}, {"3", "2"})

    def test_it_hides_no_answer_as_the_second_cell_but_never_for_being_small(self) -> None:
        frame = pl.DataFrame({"q": [1] * 20 + [2] * 15 + [3] * 2 + [None] * 3})
        table = suppress(estimate(frame, "q", kind=KIND_PROP), threshold=10)
        self.assertEqual({r.category for r in table.rows if r.suppressed}, {"3", "NA"})
        frame = pl.DataFrame({"q": [1] * 20 + [2] * 15 + [None] * 3})
        table = suppress(estimate(frame, "q", kind=KIND_PROP), threshold=10)
        self.assertEqual({r.category for r in table.rows if r.suppressed}, set())


class BenchmarkComparisonTestCase(SimpleTestCase):
    def test_it_runs_a_two_sided_z_test_against_the_national_share(self) -> None:
        frame = pl.DataFrame({"q": [1] * 30 + [2] * 70})
        table = estimate(frame, "q", kind=KIND_PROP)
        (result,) = compare_with_benchmark(table, {"1": 0.2}, national_n=10000)
        local_se = math.sqrt(0.3 * 0.7 / 99)  # each respondent a PSU: n-1 in the denominator
        national_se = math.sqrt(0.2 * 0.8 / 10000)
        z = 0.1 / math.hypot(local_se, national_se)
        self.assertAlmostEqual(result.local_se, local_se, places=10)
        self.assertAlmostEqual(result.z, z, places=8)
        self.assertAlmostEqual(result.p_value, math.erfc(z / math.sqrt(2)), places=12)
        self.assertTrue(result.significant)
