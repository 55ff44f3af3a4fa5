"""The annual survey report PDF (issue 21 item 5): rendered by the task worker, once per version.

Standalone: sets up Django on a throwaway SQLite database in a temporary directory, creates a
platform and the demo's largest survey (``surveys.demo.SURVEYS``: Gifu's 5,000 web responses
to the national template over five regions with their populations; ``N`` changes the number of
responses), imports its generated responses, signs in a secretariat admin, then measures in
the same run, through Django's test client (in process, no network):

  baseline   GET /healthz (a trivial view), median
  csv        the open-data CSV of the same results built in process (the analysis and every
             estimate the report prints, without the layout): the report's own baseline
  key        the report's version key (what every download computes first), median
  cold       the first GET …/results/report.pdf (computes the key, claims it, queues the
             rendering and answers 202 「調査報告書を作成しています」)
  worker     the task worker (``db_worker --batch``) reading the responses, estimating, laying
             out the report and storing the PDF: wall and CPU seconds (it runs in this process)
  cached     further GETs of the stored PDF (key, one row, an audit entry, the bytes), median

and prints the figures in milliseconds and as ratios: worker to csv, cached to the baseline.

    make bench BENCH=bench_survey_report        (N=2000 for a quicker run)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REPEAT = int(os.environ.get("REPEAT", "10"))


def median_ms(fn, repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-survey-report-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagari.settings")
    os.environ.setdefault("RATE_LIMITS", "off")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_scopes import scope

    from accounts.models import Role, User
    from platforms.services.creation import do_create_platform
    from surveys import demo, exports, queries
    from surveys.generate import national_answers, to_csv
    from surveys.models import ReportRendering
    from surveys.reports import Analysis
    from surveys.services.imports import do_import_responses
    from surveys.services.questionnaire import do_close_survey, do_create_survey, do_open_survey

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    platform = do_create_platform(slug="bench", code="210005", name="ベンチマーク県PF")
    spec = max(demo.SURVEYS.values(), key=lambda s: s.n)
    n = int(os.environ.get("N", spec.n))
    with scope(platform=platform):
        survey = do_create_survey(
            platform,
            slug="bench",
            title=spec.title,
            template="national",
            modules=list(spec.modules),
            regions=list(spec.regions),
            allow_open_web=spec.open_web,
        )
        do_open_survey(survey)
        frame = national_answers(
            n,
            seed=21,
            regions=spec.regions,
            hikikomori=demo.MODULE_HIKIKOMORI in spec.modules,
            modes=spec.modes,
            mode_p=spec.mode_p,
            population=spec.population or None,
        )
        started = time.perf_counter()
        do_import_responses(survey, to_csv(frame), "bench.csv")
        do_close_survey(survey)
        print(f"{spec.title}: {n:,} responses imported in {time.perf_counter() - started:.1f} s")
    user = User.objects.create_user("admin@bench.example.jp", "bench-pass-0", name="admin")
    Role.objects.create(user=user, platform=platform, kind=Role.SECRETARIAT_ADMIN)
    client = Client()
    client.force_login(user)  # with a verified second factor, as after a TOTP check
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    url = f"/p/bench/staff/surveys/{survey.uuid}/results/report.pdf"

    baseline = median_ms(lambda: client.get("/healthz"), repeat=30)
    with scope(platform=platform):
        counted = Analysis(survey, published=True).n
        csv = median_ms(lambda: exports.csv_bytes(Analysis(survey, published=True)), repeat=3)
        key = median_ms(lambda: queries.report_key(survey, "ja"))
    t0 = time.perf_counter()
    preparing = client.get(url)  # claims the version and queues its rendering
    cold = (time.perf_counter() - t0) * 1000
    assert preparing.status_code == 202, preparing.status_code
    t0, c0 = time.perf_counter(), time.process_time()
    call_command(
        "db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", "--no-reload", verbosity=0
    )
    worker, worker_cpu = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
    first = client.get(url)
    assert first.status_code == 200 and first.content.startswith(b"%PDF-"), first.status_code
    cached = median_ms(lambda: client.get(url))
    with scope(platform=platform):
        pages = ReportRendering.objects.get(survey=survey).pages
    print(f"PDF: {len(first.content) / 1e3:.0f} kB, {pages} pages, {counted:,} responses counted")
    print(f"baseline  GET /healthz               {baseline:9.1f} ms")
    print(f"csv       the same results as CSV    {csv:9.1f} ms   (analysis and estimates, no layout)")
    print(f"key       the report's version key   {key:9.1f} ms   ratio to baseline {key / baseline:6.1f}")
    print(f"cold      first PDF request          {cold:9.1f} ms   (answers 「作成しています」 and queues it)")
    print(
        f"worker    renders and stores it      {worker:9.1f} ms   CPU {worker_cpu:,.0f} ms   "
        f"target < 5,000 ms (issue 21)   ratio to csv {worker / csv:6.1f}"
    )
    print(
        f"cached    stored PDF, audited        {cached:9.1f} ms   ratio to baseline {cached / baseline:6.1f}"
    )
    print(f"worker / cached                      {worker / cached:9.1f}")


if __name__ == "__main__":
    main()
