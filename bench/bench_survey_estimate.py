"""Benchmark: weighted estimate by region with CI on 1,000,000 responses to the national template.

Two parts, each against a bare polars baseline timed in the same run (best of 3):

1. In memory. The responses are generated directly as a polars frame with the national
   template's question codes (loneliness_direct, ucla_1..3, ucla_score, demographics, region);
   nothing is read from the database. This times the estimation engine alone
   (surveys.stats.estimation on svy: weights, svy design, Taylor SEs, CIs, counts):

     baseline   a bare polars aggregation of the same data: weighted share of each answer by region
     baseline+  the same plus the linearised SE of each share (a hand-written formula; a baseline
                only, never used by the application)
     estimate   share of each loneliness_direct answer by region, design weights population/sample
                per region (stratum = region), Taylor SEs and 95 % logit CIs (estimation.fast_prop:
                one group_by into cell sums, the same figures as svy and R, see
                surveys/tests/test_estimation_fast.py)
     estimate w the same with the weights as a column of the frame (weight=, strata=): Σw and Σw²
                per cell summed over the rows
     raked      the same after raking to age band × sex × region margins (weights recomputed), and
                on a sample already raked

2. The staff command, end to end. A throwaway SQLite database gets a national-template survey and
   1,000,000 responses imported by do_import_responses (setup, not timed here: bench_survey_import
   times it), then:

     baseline   read the survey's stored Parquet snapshot from the database and aggregate the
                weighted shares by region in bare polars
     command    manage.py survey_estimate … --question loneliness_direct --by region --weight weight
                --strata stratum --json: everything the command does (look-ups, reading the
                responses from the database, the estimate, JSON to a buffer)

Targets (issues 6 and 21.4): estimate under 1 s; within 3× of the bare aggregation.
RAKED=0 skips the raked lines (svy's raking takes about a minute at a million).
Run: make bench BENCH=bench_survey_estimate  (N=… to change the number of responses; COMMAND=0
skips part 2, which spends about a minute importing; PROFILE=1 prints a profile of the command)
"""

from __future__ import annotations

import io
import math
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagari.settings")
# Part 2 writes to a throwaway database, never to the project's.
os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-estimate-')) / 'bench.sqlite3'}"

import django  # noqa: E402

django.setup()

from surveys.stats.estimation import KIND_PROP, estimate  # noqa: E402
from surveys.stats.weighting import METHOD_RAKE, MarginTable, WeightingPlan, prepare  # noqa: E402

N = int(os.environ.get("N", "1000000"))
REGIONS = ["中央", "北部", "南部", "東部", "西部", "山間"]
AGES = ["16-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70-79", "80+"]
SEXES = ["1", "2", "3"]


def generate(n: int, seed: int = 6) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    lonely = rng.choice([1, 2, 3, 4, 5, 0], n, p=[0.048, 0.148, 0.197, 0.414, 0.178, 0.015])
    ucla = rng.integers(1, 5, (3, n))
    frame = pl.DataFrame(
        {
            "loneliness_direct": lonely,
            "ucla_1": ucla[0],
            "ucla_2": ucla[1],
            "ucla_3": ucla[2],
            "age_band": rng.choice(AGES, n),
            "sex": rng.choice(SEXES, n, p=[0.48, 0.5, 0.02]),
            "household": rng.choice(["1", "2", "3", "4"], n),
            "going_out": rng.integers(1, 8, n),
            "conversation": rng.integers(1, 7, n),
            "confidant": rng.integers(1, 3, n),
            "region": rng.choice(REGIONS, n, p=[0.3, 0.2, 0.2, 0.1, 0.15, 0.05]),
        }
    )
    return frame.with_columns(
        pl.when(pl.col("loneliness_direct") == 0)
        .then(None)
        .otherwise(pl.col("loneliness_direct"))
        .alias("loneliness_direct"),
        (pl.col("ucla_1") + pl.col("ucla_2") + pl.col("ucla_3")).alias("ucla_score"),
    )


def best(fn, repeat: int = 3) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def baseline(frame: pl.DataFrame, population: dict[str, float]) -> pl.DataFrame:
    w = pl.col("region").replace_strict(population, return_dtype=pl.Float64) / pl.len().over("region")
    return (
        frame.lazy()
        .with_columns(w.alias("w"), pl.col("loneliness_direct").cast(pl.Utf8).fill_null("NA").alias("y"))
        .group_by("region", "y")
        .agg(pl.col("w").sum())
        .with_columns((pl.col("w") / pl.col("w").sum().over("region")).alias("share"))
        .collect()
    )


def baseline_with_se(frame: pl.DataFrame, population: dict[str, float]) -> pl.DataFrame:
    """Domain share by region with its linearised SE (each respondent a PSU, strata = region)."""
    w = pl.col("region").replace_strict(population, return_dtype=pl.Float64) / pl.len().over("region")
    data = frame.lazy().with_columns(
        w.alias("w"), pl.col("loneliness_direct").cast(pl.Utf8).fill_null("NA").alias("y")
    )
    cats = ["1", "2", "3", "4", "5", "NA"]
    outs = []
    for c in cats:
        indicator = (pl.col("y") == c).cast(pl.Float64)
        share = (pl.col("w") * indicator).sum().over("region") / pl.col("w").sum().over("region")
        z = pl.col("w") * (indicator - share) / pl.col("w").sum().over("region")
        outs.append(
            data.with_columns(z.alias("z"), share.alias("p"))
            .group_by("region")
            .agg(pl.col("p").first(), (pl.col("z").var() * pl.len()).alias("v"))
            .with_columns(pl.lit(c).alias("y"), pl.col("v").sqrt().alias("se"))
        )
    return pl.concat(pl.collect_all(outs))


def main() -> None:
    print(f"generating {N:,} responses × national template …", flush=True)
    frame = generate(N)
    population = {r: float(frame.filter(pl.col("region") == r).height * 40) for r in REGIONS}
    plan = WeightingPlan(stratum="region", stratum_population=population)
    rake_tables = (
        MarginTable(("age_band",), {(a,): 40.0 * N / len(AGES) for a in AGES}),
        MarginTable(("sex",), {("1",): 40.0 * N * 0.49, ("2",): 40.0 * N * 0.5, ("3",): 40.0 * N * 0.01}),
        MarginTable(("region",), {(r,): p for r, p in population.items()}),
    )
    raked_plan = WeightingPlan(
        stratum="region", stratum_population=population, method=METHOD_RAKE, tables=rake_tables
    )
    categories = ["1", "2", "3", "4", "5"]

    def run() -> object:
        return estimate(
            frame, "loneliness_direct", by="region", plan=plan, kind=KIND_PROP, categories=categories
        )

    def run_raked() -> object:
        return estimate(
            frame, "loneliness_direct", by="region", plan=raked_plan, kind=KIND_PROP, categories=categories
        )

    weighted = prepare(frame, plan=raked_plan)
    weight_of = {r: population[r] / frame.filter(pl.col("region") == r).height for r in REGIONS}
    framed = frame.with_columns(
        pl.col("region").replace_strict(weight_of, return_dtype=pl.Float64).alias("w")
    )

    def run_weight_column() -> object:
        return estimate(
            framed,
            "loneliness_direct",
            by="region",
            weight="w",
            strata="region",
            kind=KIND_PROP,
            categories=categories,
        )

    def run_prepared() -> object:
        return estimate(weighted, "loneliness_direct", by="region", kind=KIND_PROP, categories=categories)

    t_base, base = best(lambda: baseline(frame, population))
    t_base_se, base_se = best(lambda: baseline_with_se(frame, population))
    t_est, table = best(run)
    t_weight_column, table_w = best(run_weight_column)
    cpu = time.process_time()
    for _ in range(5):
        baseline(frame, population)
    cpu_base = (time.process_time() - cpu) / 5
    cpu = time.process_time()
    for _ in range(5):
        run()
    cpu_est = (time.process_time() - cpu) / 5
    cpu = time.process_time()
    for _ in range(5):
        run_weight_column()
    cpu_weight_column = (time.process_time() - cpu) / 5
    raked = os.environ.get("RAKED", "1") != "0"
    t_raked, _ = best(run_raked, repeat=2) if raked else (math.nan, None)
    t_prepared, _ = best(run_prepared) if raked else (math.nan, None)
    # The engine and the baselines agree (guards against timing two different computations).
    check = {(r.group, r.category): (r.estimate, r.se) for r in table.rows}
    for region, y, share, se in base_se.select("region", "y", "p", "se").iter_rows():
        est, est_se = check[(region, y)]
        assert abs(est - share) < 1e-9 and abs(est_se - se) / se < 1e-6, (region, y, est, share, est_se, se)
    assert base.height == len(REGIONS) * 6
    for a, b in zip(table.rows, table_w.rows, strict=True):
        assert abs(a.estimate - b.estimate) < 1e-9 and abs(a.se - b.se) <= 1e-9 * b.se, (a, b)
    print(f"responses                        {N:>12,}")
    print(f"baseline: bare polars shares     {t_base:10.3f} s")
    print(f"baseline+: polars shares + SE    {t_base_se:10.3f} s")
    print(
        f"estimate by region (design wts)  {t_est:10.3f} s   target < 1 s   ratio {t_est / t_base:6.1f}× bare, "
        f"{t_est / t_base_se:5.1f}× bare+SE   (target ≤ 3×)"
    )
    print(
        f"estimate by region (weight col.) {t_weight_column:10.3f} s   target < 1 s   "
        f"ratio {t_weight_column / t_base:6.1f}× bare"
    )
    print(
        f"CPU seconds per call: bare {cpu_base:.3f}, estimate {cpu_est:.3f} ({cpu_est / cpu_base:.2f}×), "
        f"weight column {cpu_weight_column:.3f} ({cpu_weight_column / cpu_base:.2f}×)"
    )
    print(
        f"estimate by region, raked        {t_raked:10.3f} s   (weights recomputed: rake age × sex × region)"
    )
    print(f"estimate by region, raked sample {t_prepared:10.3f} s   (weights already computed)")
    if os.environ.get("COMMAND", "1") != "0":
        command_path()


def command_path() -> None:
    """Part 2: the survey_estimate command on responses stored in the database."""
    import json

    from django.core.management import call_command
    from django_scopes import scope

    from platforms.services.creation import do_create_platform
    from surveys.generate import national_answers, to_csv
    from surveys.models import FrameSnapshot
    from surveys.services.imports import do_import_responses
    from surveys.services.questionnaire import do_create_survey, do_open_survey

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    platform = do_create_platform(slug="bench", code="110001", name="ベンチマーク県PF")
    population = {
        "中央": 2310000,
        "北部": 820000,
        "南部": 1640000,
        "東部": 1920000,
        "西部": 1500000,
        "山間": 85000,
    }
    answers = national_answers(N, seed=6, regions=list(population), population=population)
    with scope(platform=platform):
        survey = do_create_survey(
            platform, slug="bench", title="bench", template="national", regions=list(population)
        )
        do_open_survey(survey)
        started = time.perf_counter()
        do_import_responses(survey, to_csv(answers), "responses.csv")
        print(f"\n(setup: {N:,} responses imported into SQLite in {time.perf_counter() - started:.1f} s)")

        def bare_from_db() -> pl.DataFrame:
            snapshot = FrameSnapshot.objects.get(survey=survey)
            data = pl.read_parquet(
                io.BytesIO(bytes(snapshot.parquet)),
                columns=["stratum", "weight", "region", "loneliness_direct"],
            )
            return (
                data.lazy()
                .with_columns(pl.col("loneliness_direct").cast(pl.Utf8).fill_null("NA").alias("y"))
                .group_by("region", "y")
                .agg(pl.col("weight").sum().alias("w"))
                .with_columns((pl.col("w") / pl.col("w").sum().over("region")).alias("share"))
                .collect()
            )

    def command() -> dict:
        out = io.StringIO()
        call_command(
            "survey_estimate",
            "bench",
            "bench",
            "--question",
            "loneliness_direct",
            "--by",
            "region",
            "--weight",
            "weight",
            "--strata",
            "stratum",
            "--json",
            stdout=out,
        )
        return json.loads(out.getvalue())

    with scope(platform=platform):
        t_bare, bare = best(bare_from_db)
    t_command, result = best(command)
    if os.environ.get("PROFILE"):
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(command)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
    shares = {(str(r), y): w for r, y, w in bare.select("region", "y", "share").iter_rows()}
    rows = result["estimates"]
    assert len(rows) == len(population) * 6, len(rows)
    for row in rows:
        assert abs(row["estimate"] - shares[(row["group"], row["category"])]) < 1e-9, row
    print(f"baseline: snapshot from DB + bare polars shares {t_bare:8.3f} s")
    print(
        f"survey_estimate command (DB → JSON)            {t_command:8.3f} s   target < 1 s   "
        f"ratio {t_command / t_bare:6.1f}× (target ≤ 3×)"
    )


if __name__ == "__main__":
    main()
