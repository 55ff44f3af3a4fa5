"""The public サポートリスト PDF: one render per version of the data, then cached bytes.

Standalone: sets up Django on a throwaway SQLite database in a temporary directory, creates a
platform with N services (default 500, issue 21's figure) over Ise's eight categories, each with a phone, a
location with an address and weekday hours, then measures in the same run, through Django's
test client (in process, no network):

  baseline   GET /healthz (a trivial view)
  cold       the first GET /p/<slug>/support-list.pdf (builds the document, claims its version,
             queues the rendering and answers 202 「作成しています」)
  worker     the task worker (``db_worker --batch``) laying it out and storing the PDF: wall
             and CPU seconds (it runs in this process; compare CPU on a loaded machine)
  cached     further GETs of the same PDF (the current version is remembered in the shared cache
             for a minute: one cache read, one row read, the bytes)
  rebuilt    a GET after forgetting the current version (builds the document, hashes it,
             finds the stored PDF: what the first request after each minute costs)
  304        a GET with If-None-Match

and prints medians in milliseconds and as ratios: cached and 304 to the baseline, worker to cached.

    make bench BENCH=bench_support_list          (N=100 for a quicker run)
"""

from __future__ import annotations

import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
N = int(os.environ.get("N", "500"))
REPEAT = int(os.environ.get("REPEAT", "30"))


def median_ms(fn, repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def populate(platform) -> None:
    from django_scopes import scopes_disabled

    from directory import taxonomy
    from directory.models import (
        Address,
        Attribute,
        Location,
        Organization,
        Phone,
        Schedule,
        Service,
        ServiceAtLocation,
        TaxonomyTerm,
    )

    with scopes_disabled():
        terms = list(TaxonomyTerm.objects.filter(platform=None, taxonomy_ref=taxonomy.CATEGORIES_ID))
        for i in range(N):
            org = Organization.objects.create(platform=platform, name=f"相談センター{i:04d}")
            service = Service.objects.create(
                platform=platform,
                organization=org,
                name=f"暮らしの困りごと相談{i:04d}",
                description="暮らしの困りごとを一緒に整理し、解決に向けて支援します。",
                is_published=True,
                reservation="required" if i % 5 == 0 else "",
            )
            Phone.objects.create(platform=platform, service=service, number=f"0596-21-{i:04d}")
            location = Location.objects.create(platform=platform, name=f"市役所東館{i % 4 + 1}階")
            Address.objects.create(
                platform=platform,
                location=location,
                address_1="岩渕1-7-29",
                city="伊勢市",
                state_province="三重県",
                postal_code="516-8601",
            )
            ServiceAtLocation.objects.create(platform=platform, service=service, location=location)
            Schedule.objects.create(
                platform=platform,
                service=service,
                freq="WEEKLY",
                byday="MO,TU,WE,TH,FR",
                opens_at=datetime.time(8, 30),
                closes_at=datetime.time(17, 15),
            )
            for term in (terms[i % 8], terms[(i * 3) % 8]) if i % 4 == 0 else (terms[i % 8],):
                Attribute.objects.get_or_create(
                    platform=platform,
                    link_id=service.uuid,
                    link_entity="service",
                    taxonomy_term=term,
                    service=service,
                )


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-support-list-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagari.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from platforms.services.creation import do_create_platform

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    platform = do_create_platform(slug="bench", code="242039", name="ベンチマーク市PF")
    started = time.perf_counter()
    populate(platform)
    print(f"created {N} services in {time.perf_counter() - started:.1f} s")

    client = Client()
    url = "/p/bench/support-list.pdf"
    baseline = median_ms(lambda: client.get("/healthz"))
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
    assert first.status_code == 200, first.status_code
    cached = median_ms(lambda: client.get(url))

    from directory.services import support_list

    def rebuilt() -> None:
        support_list.forget_current(platform)
        client.get(url)

    rebuild = median_ms(rebuilt, repeat=min(REPEAT, 10))
    etag = first["ETag"]
    not_modified = median_ms(lambda: client.get(url, headers={"If-None-Match": etag}))
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    print(f"PDF: {len(first.content) / 1e3:.0f} kB")
    print(f"baseline  GET /healthz           {baseline:8.1f} ms")
    print(
        f"cold      first PDF request      {cold:8.1f} ms   (answers 「作成しています」 and queues the rendering)"
    )
    print(
        f"worker    renders and stores it  {worker:8.1f} ms   CPU {worker_cpu:,.0f} ms   target < 5,000 ms (issue 21)"
    )
    print(f"cached    PDF from the database  {cached:8.1f} ms   ratio to baseline {cached / baseline:6.1f}")
    print(
        f"304       If-None-Match          {not_modified:8.1f} ms   ratio to baseline {not_modified / baseline:6.1f}"
    )
    print(f"rebuilt   document built again   {rebuild:8.1f} ms   ratio to baseline {rebuild / baseline:6.1f}")
    print(f"worker / cached                  {worker / cached:8.1f}")


if __name__ == "__main__":
    main()
