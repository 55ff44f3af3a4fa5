"""Population tables, design weights, post-stratification, raking, trimming and their diagnostics."""

from __future__ import annotations

import math

import polars as pl
from django.test import SimpleTestCase

from surveys.stats.estimation import KIND_PROP, estimate
from surveys.stats.weighting import (
    METHOD_POSTSTRATIFY,
    METHOD_RAKE,
    MarginTable,
    TrimBounds,
    WeightingError,
    WeightingPlan,
    diagnostics,
    parse_margin_csv,
    prepare,
)
from surveys.tests.test_estimation_r import PS_TABLE, RAKE_TABLES, make_frame

LEVELS = {"sex": ["f", "m"], "age": ["young", "old"], "region": ["N", "S", "W"]}


class MarginCsvTestCase(SimpleTestCase):
    def test_it_parses_a_joint_table_with_a_bom_and_thousands_separators(self) -> None:
        table = parse_margin_csv(
            '\ufeffsex,age,population\nf,young,"4,200"\nf,old,3900\n', known_levels=LEVELS
        )
        self.assertEqual(table.variables, ("sex", "age"))
        self.assertEqual(table.cells, {("f", "young"): 4200.0, ("f", "old"): 3900.0})
        self.assertEqual(table.margin("sex"), {"f": 8100.0})
        self.assertEqual(MarginTable.from_json(table.to_json()), table)
        self.assertEqual(parse_margin_csv(table.to_csv()), table)

    def test_it_names_row_and_column_of_bad_input(self) -> None:
        cases = {
            "sex,age\nf,young\n": "population",
            "sex,height,population\nf,1,3\n": "1行目 2 列目",
            "sex,population\nf,10\nx,20\n": "3 行目 1 列目（sex）: 「x」",
            "sex,population\nf,10\nm,-1\n": "3 行目 2 列目（population）: 「-1」",
            "sex,population\nf,10\nm,lots\n": "3 行目 2 列目（population）: 「lots」",
            "sex,population\nf,10\nf,20\n": "3 行目: f の行が重複",
            "sex,population\nf,10,3\n": "2 行目: 列の数が 3",
            "sex,population\n,10\n": "2 行目 1 列目（sex）: 値が空",
            "population\n10\n": "分類の列",
            "": "空です",
            "sex,population\n": "データ行がありません",
        }
        for text, expected in cases.items():
            with self.subTest(text=text), self.assertRaisesMessage(WeightingError, expected):
                parse_margin_csv(text, known_levels=LEVELS)

    def test_it_refuses_margins_that_disagree_on_the_total(self) -> None:
        plan = WeightingPlan(
            method=METHOD_RAKE,
            tables=(
                MarginTable(("sex",), {("f",): 10, ("m",): 10}),
                MarginTable(("age",), {("young",): 5, ("old",): 5}),
            ),
        )
        with self.assertRaisesMessage(WeightingError, "合計が表によって違います"):
            plan.rake_controls()


class PrepareTestCase(SimpleTestCase):
    frame = make_frame()

    def test_it_builds_design_weights_from_population_per_stratum(self) -> None:
        counts = dict(self.frame.group_by("stratum").len().iter_rows())
        population = {"A": 5000, "B": 6000, "C": 3000, "D": 1500}
        weighted = prepare(self.frame, plan=WeightingPlan(stratum="stratum", stratum_population=population))
        data = weighted.data
        for stratum, n in counts.items():
            weights = data.filter(pl.col("stratum") == stratum)["_weight"].unique().to_list()
            self.assertEqual(weights, [population[stratum] / n])
        self.assertAlmostEqual(weighted.diagnostics.total, sum(population.values()))
        self.assertEqual(weighted.strata, "stratum")

    def test_it_refuses_strata_without_population_or_smaller_than_the_sample(self) -> None:
        with self.assertRaisesMessage(WeightingError, "層「D」の母集団がありません"):
            prepare(
                self.frame,
                plan=WeightingPlan(stratum="stratum", stratum_population={"A": 9e9, "B": 9e9, "C": 9e9}),
            )
        with self.assertRaisesMessage(WeightingError, "回答数"):
            prepare(
                self.frame,
                plan=WeightingPlan(
                    stratum="stratum", stratum_population={"A": 1, "B": 9e9, "C": 9e9, "D": 9e9}
                ),
            )

    def test_it_refuses_non_positive_weights_and_unknown_columns(self) -> None:
        frame = self.frame.with_columns(
            pl.when(pl.int_range(pl.len()) == 4).then(0.0).otherwise(pl.col("w")).alias("w")
        )
        with self.assertRaisesMessage(WeightingError, "0以下または空の値が 1 件あります（最初は 5 件目）"):
            prepare(frame, weight="w")
        with self.assertRaisesMessage(WeightingError, "列「nope」がデータにありません"):
            prepare(self.frame, weight="nope")

    def test_it_post_stratifies_to_the_joint_table(self) -> None:
        weighted = prepare(
            self.frame, weight="w", plan=WeightingPlan(method=METHOD_POSTSTRATIFY, tables=(PS_TABLE,))
        )
        sums = weighted.data.group_by("sex", "age").agg(pl.col(weighted.weight).sum())
        for sex, age, total in sums.iter_rows():
            self.assertAlmostEqual(total, PS_TABLE.cells[(sex, age)], places=6)

    def test_it_rakes_to_every_margin(self) -> None:
        weighted = prepare(self.frame, weight="w", plan=WeightingPlan(method=METHOD_RAKE, tables=RAKE_TABLES))
        for table in RAKE_TABLES:
            (name,) = table.variables
            sums = dict(weighted.data.group_by(name).agg(pl.col(weighted.weight).sum()).iter_rows())
            for (level,), population in table.cells.items():
                self.assertTrue(math.isclose(sums[level], population, rel_tol=1e-4), (name, level))

    def test_it_trims_within_bounds_and_keeps_the_margins(self) -> None:
        plan = WeightingPlan(method=METHOD_RAKE, tables=RAKE_TABLES, trim=TrimBounds(lower=0.6, upper=1.6))
        untrimmed = prepare(
            self.frame, weight="w", plan=WeightingPlan(method=METHOD_RAKE, tables=RAKE_TABLES)
        )
        weighted = prepare(self.frame, weight="w", plan=plan)
        weights = weighted.data[weighted.weight]
        median = float(weights.median())  # type: ignore[arg-type]
        self.assertGreater(
            untrimmed.diagnostics.maximum / float(untrimmed.data[untrimmed.weight].median()), 1.6
        )  # type: ignore[arg-type]
        self.assertLessEqual(weighted.diagnostics.maximum, 1.6 * median * 1.01)
        self.assertLess(weighted.diagnostics.kish_deff, untrimmed.diagnostics.kish_deff)
        sums = dict(weighted.data.group_by("sex").agg(pl.col(weighted.weight).sum()).iter_rows())
        self.assertTrue(math.isclose(sums["f"], 8100, rel_tol=1e-3))

    def test_it_refuses_levels_missing_from_the_margins(self) -> None:
        plan = WeightingPlan(method=METHOD_RAKE, tables=(MarginTable(("region",), {("N",): 10, ("S",): 10}),))
        with self.assertRaisesMessage(WeightingError, "「region」の回答 W に母集団がありません"):
            prepare(self.frame, plan=plan)

    def test_it_refuses_nonsense_trimming_bounds(self) -> None:
        for lower, upper in ((2.0, None), (None, 0.5), (0.5, 0.4), (-1.0, None)):
            with self.subTest(lower=lower, upper=upper), self.assertRaises(WeightingError):
                TrimBounds(lower=lower, upper=upper)

    def test_it_reports_kish_design_effect(self) -> None:
        stats = diagnostics(pl.Series([1.0, 1.0, 2.0, 4.0]))
        self.assertEqual((stats.minimum, stats.maximum, stats.total), (1.0, 4.0, 8.0))
        self.assertAlmostEqual(stats.kish_deff, 4 * 22 / 64)

    def test_it_estimates_from_a_prepared_sample_without_changing_it(self) -> None:
        weighted = prepare(self.frame, weight="w", strata="stratum")
        columns = list(weighted.data.columns)
        estimate(weighted, "q", by="region", kind=KIND_PROP)
        self.assertEqual(list(weighted.data.columns), columns)
