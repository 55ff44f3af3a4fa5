"""Estimates and standard errors against R's ``survey`` package, run here by Rscript.

The data are written to a CSV; R reads it, builds ``svydesign(ids=~1, strata=~stratum,
weights=~w)`` (and its ``postStratify`` and ``rake`` versions), and writes ``svymean``/``svyby``
results and ``svyciprop`` logit intervals (t intervals for means, with the degrees of freedom of
the answering part of the design, as svy counts them) to another CSV, which is compared with
:func:`surveys.stats.estimation.estimate`, also by groups that are whole strata or unions of strata
(which our code estimates group by group). A closed-form stratified proportion is checked
separately.
"""

from __future__ import annotations

import csv
import math
import shutil
import subprocess
import tempfile
from pathlib import Path
from unittest import mock

import numpy as np
import polars as pl
from django.test import SimpleTestCase

from surveys.stats.estimation import GROUP, KIND_MEAN, KIND_PROP, estimate, strata_groups
from surveys.stats.weighting import METHOD_POSTSTRATIFY, METHOD_RAKE, MarginTable, WeightingPlan, prepare

R_SCRIPT = r"""
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
d$q <- factor(d$q)
d$region <- factor(d$region)
base <- svydesign(ids = ~1, strata = ~stratum, weights = ~w, data = d)
ps <- postStratify(base, ~cell, data.frame(cell = c("f × young", "f × old", "m × young", "m × old"),
                                            Freq = c(4200, 3900, 4100, 3300)))
rk <- rake(base, list(~sex, ~age, ~region),
           list(data.frame(sex = c("f", "m"), Freq = c(8100, 7400)),
                data.frame(age = c("young", "old"), Freq = c(8300, 7200)),
                data.frame(region = c("N", "S", "W"), Freq = c(6000, 5500, 4000))))
out <- data.frame()
add <- function(design_name, kind, group, category, est, se, lo, hi) {
  out <<- rbind(out, data.frame(design = design_name, kind = kind, group = group, category = category,
                                est = est, se = se, lo = lo, hi = hi))
}
for (name in c("base", "ps", "rk")) {
  des <- get(name)
  m <- svymean(~q, des)
  for (lev in levels(d$q)) {
    ci <- svyciprop(as.formula(paste0("~I(q == '", lev, "')")), des, method = "logit", df = degf(des))
    add(name, "prop", "", lev, coef(m)[[paste0("q", lev)]], SE(m)[[paste0("q", lev)]],
        attr(ci, "ci")[[1]], attr(ci, "ci")[[2]])
  }
  b <- svyby(~q, ~region, des, svymean)
  for (g in levels(d$region)) {
    sub <- subset(des, region == g)
    for (lev in levels(d$q)) {
      ci <- svyciprop(as.formula(paste0("~I(q == '", lev, "')")), sub, method = "logit", df = degf(sub))
      add(name, "prop", g, lev, b[g, paste0("q", lev)], b[g, paste0("se.q", lev)],
          attr(ci, "ci")[[1]], attr(ci, "ci")[[2]])
    }
  }
  mm <- svymean(~score, des, na.rm = TRUE)
  ci <- confint(mm, df = degf(subset(des, !is.na(score))))
  add(name, "mean", "", "", coef(mm)[[1]], SE(mm)[[1]], ci[1, 1], ci[1, 2])
  bm <- svyby(~score, ~region, des, svymean, na.rm = TRUE)
  for (g in levels(d$region)) {
    sub <- subset(des, region == g & !is.na(score))
    ci <- confint(bm, df = degf(sub))
    add(name, "mean", g, "", bm[g, "score"], bm[g, "se"], ci[g, 1], ci[g, 2])
  }
}
# Groups that are whole strata (by stratum) or unions of strata (area): svy runs on each group's rows.
for (by in c("stratum", "area")) {
  b <- svyby(as.formula(paste0("~q")), as.formula(paste0("~", by)), base, svymean)
  bm <- svyby(~score, as.formula(paste0("~", by)), base, svymean, na.rm = TRUE)
  for (g in sort(unique(d[[by]]))) {
    sub <- subset(base, d[[by]] == g)
    for (lev in levels(d$q)) {
      ci <- svyciprop(as.formula(paste0("~I(q == '", lev, "')")), sub, method = "logit", df = degf(sub))
      add("base", "prop", g, lev, b[g, paste0("q", lev)], b[g, paste0("se.q", lev)],
          attr(ci, "ci")[[1]], attr(ci, "ci")[[2]])
    }
    ci <- confint(bm, df = degf(subset(base, d[[by]] == g & !is.na(d$score))))
    add("base", "mean", g, "", bm[g, "score"], bm[g, "se"], ci[g, 1], ci[g, 2])
  }
}
write.csv(out, args[2], row.names = FALSE)
"""


def make_frame(n: int = 900, seed: int = 20231) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    stratum = rng.choice(["A", "B", "C", "D"], n, p=[0.4, 0.3, 0.2, 0.1])
    region = rng.choice(["N", "S", "W"], n, p=[0.4, 0.35, 0.25])
    sex = rng.choice(["f", "m"], n)
    age = rng.choice(["young", "old"], n, p=[0.55, 0.45])
    # Loneliness depends on age so that weighting moves the estimates.
    q = np.where(
        age == "old",
        rng.choice([1, 2, 3, 4, 5], n, p=[0.08, 0.2, 0.22, 0.35, 0.15]),
        rng.choice([1, 2, 3, 4, 5], n, p=[0.03, 0.12, 0.18, 0.45, 0.22]),
    )
    score = rng.integers(3, 13, n).astype(float)
    score[rng.random(n) < 0.05] = np.nan
    weights = {"A": 12.0, "B": 18.5, "C": 25.0, "D": 40.0}
    return pl.DataFrame(
        {
            "stratum": stratum,
            "region": region,
            "sex": sex,
            "age": age,
            "q": q,
            "score": score,
            "w": [weights[s] for s in stratum],
            "area": ["east" if s in ("A", "B") else "west" for s in stratum],
        }
    ).with_columns(
        pl.col("score").fill_nan(None),
        pl.concat_str([pl.col("sex"), pl.col("age")], separator=" × ").alias("cell"),
    )


PS_TABLE = MarginTable(
    ("sex", "age"),
    {("f", "young"): 4200, ("f", "old"): 3900, ("m", "young"): 4100, ("m", "old"): 3300},
)
RAKE_TABLES = (
    MarginTable(("sex",), {("f",): 8100, ("m",): 7400}),
    MarginTable(("age",), {("young",): 8300, ("old",): 7200}),
    MarginTable(("region",), {("N",): 6000, ("S",): 5500, ("W",): 4000}),
)
PLANS = {
    "base": None,
    "ps": WeightingPlan(method=METHOD_POSTSTRATIFY, tables=(PS_TABLE,)),
    "rk": WeightingPlan(method=METHOD_RAKE, tables=RAKE_TABLES),
}


class RSurveyCrossCheckTestCase(SimpleTestCase):
    """svy through surveys.stats.estimation equals R's survey package (estimates, SEs, CIs)."""

    r_rows: list[dict[str, str]]
    frame: pl.DataFrame

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        rscript = shutil.which("Rscript")
        assert rscript, "Rscript is required (make setup installs r-base-core and r-cran-survey)"
        cls.frame = make_frame()
        with tempfile.TemporaryDirectory() as tmp:
            data, script, result = Path(tmp, "d.csv"), Path(tmp, "check.R"), Path(tmp, "r.csv")
            cls.frame.write_csv(data)
            script.write_text(R_SCRIPT)
            subprocess.run(
                [rscript, str(script), str(data), str(result)], check=True, capture_output=True, timeout=300
            )
            with result.open() as handle:
                cls.r_rows = list(csv.DictReader(handle))

    def r_value(self, design: str, kind: str, group: str, category: str) -> dict[str, float]:
        for row in self.r_rows:
            if (row["design"], row["kind"], row["group"], row["category"]) == (design, kind, group, category):
                return {k: float(row[k]) for k in ("est", "se", "lo", "hi")}
        raise AssertionError(f"R gave no row for {design} {kind} {group} {category}")

    def assert_matches(self, design: str, kind: str, table) -> int:  # type: ignore[no-untyped-def]
        compared = 0
        for row in table.rows:
            r = self.r_value(design, kind, row.group or "", row.category or "")
            for ours, theirs, label in (
                (row.estimate, r["est"], "estimate"),
                (row.se, r["se"], "se"),
                (row.ci_low, r["lo"], "ci_low"),
                (row.ci_high, r["hi"], "ci_high"),
            ):
                self.assertTrue(
                    math.isclose(ours, theirs, rel_tol=1e-6, abs_tol=1e-9),
                    f"{design} {kind} {row.group} {row.category} {label}: svy {ours!r} vs R {theirs!r}",
                )
            compared += 1
        return compared

    def test_it_matches_r_for_the_stratified_design(self) -> None:
        self.check_design("base")

    def test_it_matches_r_for_a_post_stratified_design(self) -> None:
        self.check_design("ps")

    def test_it_matches_r_for_a_raked_design(self) -> None:
        self.check_design("rk")

    def check_design(self, design: str) -> None:
        plan = PLANS[design]
        weight = "w"
        overall = estimate(self.frame, "q", weight=weight, strata="stratum", plan=plan, kind=KIND_PROP)
        by_region = estimate(
            self.frame, "q", by="region", weight=weight, strata="stratum", plan=plan, kind=KIND_PROP
        )
        mean = estimate(self.frame, "score", weight=weight, strata="stratum", plan=plan, kind=KIND_MEAN)
        mean_by = estimate(
            self.frame, "score", by="region", weight=weight, strata="stratum", plan=plan, kind=KIND_MEAN
        )
        compared = sum(self.assert_matches(design, t.kind, t) for t in (overall, by_region, mean, mean_by))
        self.assertEqual(compared, 5 + 15 + 1 + 3)
        # Unweighted counts sit beside the weighted figures.
        self.assertEqual(sum(r.n for r in overall.rows), self.frame.height)
        self.assertEqual(mean.rows[0].n, self.frame["score"].drop_nulls().len())

    def test_it_matches_r_by_groups_that_are_whole_strata(self) -> None:
        # Groups made of whole strata are estimated on their own rows (one svy call per group).
        weighted = prepare(self.frame, weight="w", strata="stratum")
        for by, groups in (("stratum", 4), ("area", 2)):
            with self.subTest(by=by):
                parts = strata_groups(weighted.with_columns({GROUP: pl.col(by)}), GROUP, ["q"])
                assert parts is not None
                self.assertEqual(len(parts), groups)
                prop = estimate(self.frame, "q", by=by, weight="w", strata="stratum", kind=KIND_PROP)
                mean = estimate(self.frame, "score", by=by, weight="w", strata="stratum", kind=KIND_MEAN)
                self.assertEqual(self.assert_matches("base", KIND_PROP, prop), 5 * groups)
                self.assertEqual(self.assert_matches("base", KIND_MEAN, mean), groups)
        # Groups that cut across strata, and adjusted weights, are domains of the whole sample.
        self.assertIsNone(strata_groups(weighted.with_columns({GROUP: pl.col("region")}), GROUP, ["q"]))
        raked = prepare(self.frame, weight="w", strata="stratum", plan=PLANS["rk"])
        self.assertIsNone(strata_groups(raked.with_columns({GROUP: pl.col("stratum")}), GROUP, ["q"]))

    def test_shares_with_design_weights_equal_r_without_svy(self) -> None:
        # Shares with design weights are computed from cell sums (estimation.fast_prop), never
        # by svy: the same figures as R, overall, by domains across strata and by whole strata.
        with mock.patch("svy.Sample", side_effect=AssertionError("svy was called")):
            tables = [
                estimate(self.frame, "q", by=by, weight="w", strata="stratum", kind=KIND_PROP)
                for by in (None, "region", "stratum", "area")
            ]
        self.assertEqual(sum(self.assert_matches("base", KIND_PROP, t) for t in tables), 5 * (1 + 3 + 4 + 2))

    def test_it_changes_estimates_when_weighting(self) -> None:
        # Guards the comparison above against a plan that silently does nothing.
        base = estimate(self.frame, "q", weight="w", strata="stratum", kind=KIND_PROP).row(None, "1")
        raked = estimate(self.frame, "q", weight="w", strata="stratum", plan=PLANS["rk"], kind=KIND_PROP).row(
            None, "1"
        )
        assert base and raked
        self.assertNotAlmostEqual(base.estimate, raked.estimate, places=6)


class ClosedFormTestCase(SimpleTestCase):
    """A stratified proportion computed by hand from the textbook formula (Cochran 5.7, ignoring fpc)."""

    def test_it_equals_the_closed_form_stratified_proportion(self) -> None:
        # Stratum A: N=1000, 4 of 10 answer 1; stratum B: N=3000, 2 of 8 answer 1.
        frame = pl.DataFrame(
            {
                "stratum": ["A"] * 10 + ["B"] * 8,
                "q": [1] * 4 + [2] * 6 + [1] * 2 + [2] * 6,
                "w": [100.0] * 10 + [375.0] * 8,
            }
        )
        table = estimate(frame, "q", weight="w", strata="stratum", kind=KIND_PROP)
        row = table.row(None, "1")
        assert row is not None
        W = {"A": 0.25, "B": 0.75}
        p = {"A": 0.4, "B": 0.25}
        n = {"A": 10, "B": 8}
        expected = sum(W[h] * p[h] for h in W)
        # Linearisation of a ratio with each respondent a PSU: var = sum W_h^2 s_h^2 / n_h with
        # s_h^2 the sample variance of y - p in stratum h (n_h - 1 denominator) = p_h(1-p_h) n_h/(n_h-1).
        variance = sum(W[h] ** 2 * p[h] * (1 - p[h]) / (n[h] - 1) for h in W)
        self.assertAlmostEqual(row.estimate, expected, places=12)
        self.assertAlmostEqual(row.se, math.sqrt(variance), places=12)
        self.assertEqual((row.n, row.n_group), (6, 18))
        self.assertEqual(row.df, 18 - 2)
