"""Import 1,000,000 generated responses × the national template (target: under 60 s).

Standalone: sets up Django on a throwaway SQLite database in a temporary directory, generates the
responses (surveys.generate, seeded), writes them as CSV, then measures in the same run:

  baseline   polars.read_csv of the same file (a bare columnar load, no checks, no database)
  import     surveys.services.imports.do_import_responses (read, check every cell, insert every
             row, update the Parquet snapshot) — what `manage.py survey_import` runs
  read       surveys.data.responses_frame from the snapshot, and rebuilt from the database

and prints each as seconds and as a ratio to the baseline.

    make bench BENCH=bench_survey_import          (N=200000 for a quicker run)

BENCH_DATABASE_URL=postgres://… imports into that (empty, throwaway) PostgreSQL database instead
(e.g. $(sh scripts/pgtest.sh url)); READ_DB=0 skips the rebuild from the database (minutes at a
million). Besides wall seconds the import's CPU seconds (this process, all threads) are printed,
and the load average: the machine is shared, and wall time grows with the load.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
N = int(os.environ.get("N", "1000000"))


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-survey-"))
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagari.settings")
    import django

    django.setup()
    import polars as pl
    from django.core.management import call_command
    from django_scopes import scope

    from platforms.services.creation import do_create_platform
    from surveys.data import build_frame, responses_frame
    from surveys.generate import national_answers
    from surveys.services.imports import do_import_responses
    from surveys.services.questionnaire import do_create_survey, do_open_survey

    call_command("migrate", verbosity=0)
    platform = do_create_platform(slug="bench", code="110001", name="ベンチマーク県PF")
    regions = ["中央", "西部", "東部", "北部", "秩父"]
    started = time.perf_counter()
    frame = national_answers(
        N,
        seed=20231,
        regions=regions,
        hikikomori=True,
        modes=("mail", "web"),
        mode_p=(0.7, 0.3),
        population={"中央": 2310000, "西部": 1640000, "東部": 1920000, "北部": 820000, "秩父": 85000},
    )
    path = tmp / "responses.csv"
    frame.write_csv(path)
    size = path.stat().st_size
    print(
        f"generated {N:,} responses × {frame.width} columns ({size / 1e6:.0f} MB CSV) in {time.perf_counter() - started:.1f} s"
    )

    t0 = time.perf_counter()
    bare = pl.read_csv(path)
    baseline = time.perf_counter() - t0
    assert bare.height == N

    with scope(platform=platform):
        survey = do_create_survey(
            platform,
            slug="bench",
            title="bench",
            template="national",
            modules=["hikikomori"],
            regions=regions,
        )
        do_open_survey(survey)
        content = path.read_bytes()
        profile = cProfile.Profile() if os.environ.get("PROFILE") else None
        load_before = os.getloadavg()[0]
        t0, c0 = time.perf_counter(), time.process_time()
        if profile:
            profile.enable()
        batch = do_import_responses(survey, content, path.name)
        imported, imported_cpu = time.perf_counter() - t0, time.process_time() - c0
        load_after = os.getloadavg()[0]
        if profile:
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
        assert batch.rows == N
        t0 = time.perf_counter()
        snap = responses_frame(survey, ["loneliness_direct", "ucla_score", "region"])
        read_snapshot = time.perf_counter() - t0
        read_db = None
        if os.environ.get("READ_DB", "1") != "0":
            t0 = time.perf_counter()
            rebuilt = build_frame(survey)
            read_db = time.perf_counter() - t0
            assert rebuilt.height == N
        assert snap.height == N

    from django.db import connection

    print(
        f"database  {connection.vendor}; load average {load_before:.1f} before the import, {load_after:.1f} after"
    )
    print(f"baseline  polars.read_csv                 {baseline:7.2f} s")
    print(
        f"import    do_import_responses             {imported:7.2f} s   ratio {imported / baseline:6.1f}×   target < 60 s: {'met' if imported < 60 else 'NOT met'}"
    )
    print(f"import    CPU seconds of this process      {imported_cpu:7.2f} s")
    print(
        f"read      responses_frame (snapshot)      {read_snapshot:7.2f} s   ratio {read_snapshot / baseline:6.2f}×"
    )
    if read_db is not None:
        print(
            f"read      build_frame (from the database) {read_db:7.2f} s   ratio {read_db / baseline:6.1f}×"
        )


if __name__ == "__main__":
    main()
