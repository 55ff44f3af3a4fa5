"""Shares with design weights computed from cell sums (surveys.stats.estimation.fast_prop) equal
svy's, for every design the fast path takes.

Each case is estimated twice: as the application does (the fast path) and with the fast path
switched off (svy, which test_estimation_r compares with R's survey package). Every field of
every row must agree, NaN where svy gives NaN. A second test makes sure the fast path really
answered (svy's Sample refused) and still equals R, and a third that the cases it does not cover
go to svy.
"""

from __future__ import annotations

import math
from typing import Any
from unittest import mock

import numpy as np
import polars as pl
from django.test import SimpleTestCase

from surveys.stats import estimation
from surveys.stats.estimation import KIND_PROP, EstimateTable, estimate
from surveys.stats.weighting import METHOD_RAKE, MarginTable, WeightingPlan, prepare


def frame(n: int = 400, seed: int = 7) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    # "W" is a small region: some strata have one respondent of it, some none, and in it most
    # answers are never chosen (empty cells), one of them possibly by everybody (a share of 1).
    return pl.DataFrame(
        {
            "stratum": rng.choice(["A", "B", "C", "D"], n, p=[0.4, 0.3, 0.2, 0.1]),
            "region": rng.choice(["N", "S", "W"], n, p=[0.6, 0.392, 0.008]),
            "q": rng.choice([1, 2, 3, 4], n, p=[0.45, 0.3, 0.2, 0.05]),
            "w": rng.uniform(1.0, 6.0, n),
            "sex": rng.choice(["f", "m"], n),
        }
    ).with_columns(
        # Missing answers (the category NA) and respondents without a region (the group NA).
        pl.when(pl.int_range(pl.len()) % 13 == 0).then(None).otherwise(pl.col("q")).alias("q"),
        pl.when(pl.int_range(pl.len()) % 31 == 0).then(None).otherwise(pl.col("region")).alias("region"),
        # Groups that are whole strata (east = A+B, west = C+D).
        pl.col("stratum").replace_strict({"A": "east", "B": "east", "C": "west", "D": "west"}).alias("area"),
    )


POPULATION = {"A": 40000.0, "B": 52000.0, "C": 9000.0, "D": 21000.0}
DESIGNS: dict[str, dict[str, Any]] = {
    "weights and strata": {"weight": "w", "strata": "stratum"},
    "weights, no strata": {"weight": "w"},
    "strata, no weights": {"strata": "stratum"},
    "neither": {},
    "population by stratum": {"plan": WeightingPlan(stratum="stratum", stratum_population=POPULATION)},
}
BY = ("region", "stratum", "area", None)


def svy_only() -> Any:
    return mock.patch.object(estimation, "fast_prop", return_value=None)


def same(ours: object, theirs: object) -> bool:
    if isinstance(theirs, float) and math.isnan(theirs):
        return isinstance(ours, float) and math.isnan(ours)
    if isinstance(theirs, float):
        assert isinstance(ours, float | int)
        return math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-12)
    return ours == theirs


class FastPathEqualsSvyTestCase(SimpleTestCase):
    def assert_same(self, ours: EstimateTable, theirs: EstimateTable, label: str) -> None:
        self.assertEqual(
            (ours.question, ours.kind, ours.by, ours.weight, ours.strata, ours.categories, ours.groups),
            (
                theirs.question,
                theirs.kind,
                theirs.by,
                theirs.weight,
                theirs.strata,
                theirs.categories,
                theirs.groups,
            ),
            label,
        )
        self.assertEqual(len(ours.rows), len(theirs.rows), label)
        for a, b in zip(ours.rows, theirs.rows, strict=True):
            for name in a.__dataclass_fields__:
                self.assertTrue(
                    same(getattr(a, name), getattr(b, name)),
                    f"{label} {a.group} {a.category} {name}: fast {getattr(a, name)!r} vs svy {getattr(b, name)!r}",
                )

    def test_it_equals_svy_for_every_design_it_takes(self) -> None:
        data = frame()
        singles = data.filter(pl.col("region") == "W").group_by("stratum").len()
        # The data have what the cases are about: a region with one respondent in some stratum
        # and none in another, categories nobody in it chose, no answers and no regions.
        self.assertIn(1, singles["len"].to_list())
        self.assertLess(singles.height, 4)
        self.assertGreater(data["q"].null_count(), 0)
        self.assertGreater(data["region"].null_count(), 0)
        compared = 0
        for name, design in DESIGNS.items():
            for by in BY:
                for categories in (None, ["1", "2", "3", "4", "5"]):
                    label = f"{name} by {by} categories {categories}"
                    with self.subTest(label):
                        ours = estimate(data, "q", by=by, kind=KIND_PROP, categories=categories, **design)
                        with svy_only():
                            theirs = estimate(
                                data, "q", by=by, kind=KIND_PROP, categories=categories, **design
                            )
                        self.assert_same(ours, theirs, label)
                        # The same through a prepared sample (what the results pages and the
                        # survey_estimate command pass).
                        weighted = prepare(data, **design)
                        prepared = estimate(weighted, "q", by=by, kind=KIND_PROP, categories=categories)
                        with svy_only():
                            theirs = estimate(weighted, "q", by=by, kind=KIND_PROP, categories=categories)
                        self.assert_same(prepared, theirs, label + " (prepared)")
                        compared += len(ours.rows)
        self.assertGreater(compared, 500)

    def test_it_answers_without_svy_and_the_figures_are_right(self) -> None:
        # Stratum A: 4 of 10 answer 1, weight 100; stratum B: 2 of 8, weight 375 (Cochran 5.7).
        data = pl.DataFrame(
            {
                "stratum": ["A"] * 10 + ["B"] * 8,
                "q": [1] * 4 + [2] * 6 + [1] * 2 + [2] * 6,
                "w": [100.0] * 10 + [375.0] * 8,
            }
        )
        with mock.patch("svy.Sample", side_effect=AssertionError("svy was called")):
            row = estimate(data, "q", weight="w", strata="stratum", kind=KIND_PROP).row(None, "1")
        assert row is not None
        shares, weights, sizes = {"A": 0.4, "B": 0.25}, {"A": 0.25, "B": 0.75}, {"A": 10, "B": 8}
        variance = sum(weights[h] ** 2 * shares[h] * (1 - shares[h]) / (sizes[h] - 1) for h in shares)
        self.assertAlmostEqual(row.estimate, 0.25 * 0.4 + 0.75 * 0.25, places=12)
        self.assertAlmostEqual(row.se, math.sqrt(variance), places=12)
        self.assertEqual((row.n, row.n_group, row.df), (6, 18, 16))
        self.assertEqual(row.weighted, 4 * 100.0 + 2 * 375.0)

    def test_it_leaves_to_svy_what_it_does_not_cover(self) -> None:
        data = frame()
        raked = WeightingPlan(
            method=METHOD_RAKE,
            tables=(MarginTable(("sex",), {("f",): 60000.0, ("m",): 62000.0}),),
        )
        single = data.with_columns(
            pl.when(pl.int_range(pl.len()) == 0)
            .then(pl.lit("Z"))
            .otherwise(pl.col("stratum"))
            .alias("stratum")
        )
        decimals = data.with_columns(pl.col("q").cast(pl.Float64))
        with mock.patch.object(estimation, "fast_prop") as fast:
            estimate(data, "q", by="region", weight="w", plan=raked, kind=KIND_PROP)
            estimate(prepare(data, weight="w", plan=raked), "q", by="region", kind=KIND_PROP)
        fast.assert_not_called()
        for name, rows in (("a stratum of one respondent", single), ("answers with decimals", decimals)):
            with self.subTest(name):
                self.assertIsNone(estimation.fast_prop(rows, "q", "region", weight="w", strata="stratum"))
