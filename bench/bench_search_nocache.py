"""Search without the answer cache (issue 21 item 2): with ``DIRECTORY_API_CACHE_SECONDS=0``
and 225 distinct search requests, in-process throughput ≥ 0.25 × the API root and p95 < 30 ms,
on SQLite and PostgreSQL, at 100,000 services.

Standalone: a throwaway database (SQLite in a temporary directory, or the empty PostgreSQL
database of ``BENCH_DATABASE_URL``), the 47 prefecture platforms and N generated services
(default 100,000) indexed in bulk by bench_directory_search.generate (bulk_create of the rows
and of the search entries: the import code is not what is measured here). Then every request
goes through the whole Django stack in this process (middleware, rate limits as served, views,
templates) with ``django.test.Client``, one at a time, from many client addresses:

  trivial   GET /hsds/ (the API root: a small JSON answer behind the same middleware)
  mix       225 distinct requests: /hsds/services?search=… (all platforms; readings, kana,
            half-width kana, typos, crisis words, several words; pages 1–3; per_page 20 and
            50; organization_id and modified_after filters), /p/<slug>/hsds/services?search=…
            (one platform) and the navigator's page /p/<slug>/search?q=… (with free of charge,
            who, pages)

The two are measured in alternating blocks (the machine's noise hits both), each mix block
running every request once in a shuffled order. Printed: requests/s of each, their ratio,
p50/p95/max of the mix, queries per request, and the load average before and after.

    make bench BENCH=bench_search_nocache                 (N=20000 for a quicker run)
    BENCH_DATABASE_URL=postgres://… make bench BENCH=bench_search_nocache
    RATE_LIMITS=off …                                     (without the public rate limits)
    BENCH_KEEP=/path/db.sqlite3 …   keep the generated SQLite database there and reuse it
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
ROUNDS = int(os.environ.get("ROUNDS", "3"))
TRIVIAL_SECONDS = float(os.environ.get("TRIVIAL_SECONDS", "3"))

# What residents and harvesters type: kanji words, hiragana readings, half-width kana, typos,
# crisis words, several words, romaji-free katakana, words found in few or most services.
WORDS = [
    "こどく",
    "孤独",
    "ｿｳﾀﾞﾝ",
    "そうだん",
    "相談",
    "ひきこもり",
    "引きこもり",
    "いじめ",
    "お金",
    "死にたい",
    "消えたい",
    "子育て 相談",
    "こそだて",
    "こどこ",
    "しごと",
    "仕事 探し",
    "居場所",
    "いばしょ",
    "介護",
    "かいご",
    "認知症",
    "借金",
    "しゃっきん",
    "DV",
    "ヤングケアラー",
    "やんぐけあらー",
    "LINE",
    "フードバンク",
    "ﾌｰﾄﾞﾊﾞﾝｸ",
    "不登校",
    "ふとうこう",
    "障がい",
    "しょうがい",
    "ひとり親",
    "依存症",
    "いぞんしょう",
    "ギャンブル",
    "アルコール",
    "法律 相談",
    "弁護士",
    "消費生活",
    "外国人",
    "妊娠",
    "にんしん",
    "住まい",
    "家賃",
    "食料",
    "学習支援",
    "見守り",
    "サロン",
    "電話相談",
    "ホットライン",
    "ひきこもろ",  # typo
    "やんぐけあら",  # typo
    "ふーどばんく",
    "こころ",
    "眠れない",
    "ストレス",
    "支援",
    "家族会",
]


def mix(slugs: list[str], organization_ids: list[str]) -> list[str]:
    """225 distinct requests (the issue's mix: readings, kana, typos, filters, pages, all
    platforms, one platform, the navigator's page)."""
    rng = random.Random(2121)
    paths: list[str] = []

    def add(path: str) -> None:
        if path not in paths:
            paths.append(path)

    for word in WORDS:  # all platforms, first page (60)
        add("/hsds/services?" + urlencode({"search": word, "per_page": 20}))
    for word in WORDS[::2]:  # all platforms, pages 2 and 3 (60)
        add("/hsds/services?" + urlencode({"search": word, "per_page": 20, "page": 2}))
        add("/hsds/services?" + urlencode({"search": word, "per_page": 20, "page": 3}))
    for word in WORDS[1::4]:  # default page size (15)
        add("/hsds/services?" + urlencode({"search": word}))
    for word in WORDS[::6]:  # filters (20)
        add("/hsds/services?" + urlencode({"search": word, "organization_id": rng.choice(organization_ids)}))
        add("/hsds/services?" + urlencode({"search": word, "modified_after": "2020-01-01"}))
    for word in WORDS[3::5]:  # one platform's API (12)
        add(f"/p/{rng.choice(slugs)}/hsds/services?" + urlencode({"search": word, "per_page": 20}))
    for word in WORDS[::5]:  # one platform's API, page 2 (12)
        add(f"/p/{rng.choice(slugs)}/hsds/services?" + urlencode({"search": word, "per_page": 20, "page": 2}))
    for word in WORDS[2::3]:  # more of the navigator's page (20)
        add(f"/p/{rng.choice(slugs)}/search?" + urlencode({"q": word}))
    for word in WORDS[::3]:  # the navigator's page (20)
        add(f"/p/{rng.choice(slugs)}/search?" + urlencode({"q": word}))
    for word in WORDS[1::3]:  # the navigator with filters and pages (20)
        extra: dict[str, str] = rng.choice(
            [{"free": "on"}, {"who": "family"}, {"page": "2"}, {"free": "on", "page": "2"}]
        )
        add(f"/p/{rng.choice(slugs)}/search?" + urlencode({"q": word, **extra}))
    rng.shuffle(paths)
    return paths[:225]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def setup_database(tmp: Path) -> None:
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["TSUNAGARI_VAR_DIR"] = str(tmp)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tsunagari.settings"
    os.environ["DIRECTORY_API_CACHE_SECONDS"] = "0"
    os.environ["DB_CONN_MAX_AGE"] = "60"  # as `make run` serves
    os.environ.setdefault("RATE_LIMITS", "on")
    os.environ.setdefault("STATIC_MANIFEST", "0")
    keep = os.environ.get("BENCH_KEEP")
    if keep and not os.environ.get("BENCH_DATABASE_URL") and Path(keep).exists():
        shutil.copy(keep, tmp / "bench.sqlite3")


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-nocache-"))
    setup_database(tmp)
    import django

    django.setup()
    import bench_directory_search as generator
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scopes_disabled

    from directory.models import Organization, Service
    from platforms.models import Platform
    from platforms.services.creation import do_create_platform
    from tsunagari.lib import jiscode

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    with scopes_disabled():
        if not Platform.objects.exists():
            platforms = [
                do_create_platform(
                    slug=f"pref{n:02d}",
                    code=jiscode.with_check_digit(f"{n:02d}000"),
                    name=f"{name}孤独・孤立対策PF",
                )
                for n, name in enumerate(generator.PREFECTURES, start=1)
            ]
            generator.generate(platforms)
            keep = os.environ.get("BENCH_KEEP")
            if keep and connection.vendor == "sqlite":
                connection.close()
                shutil.copy(tmp / "bench.sqlite3", keep)
        slugs = list(Platform.objects.order_by("pk").values_list("slug", flat=True))
        organization_ids = [
            str(u) for u in Organization.objects.order_by("pk").values_list("uuid", flat=True)[:400]
        ]
        services = Service.objects.count()
    paths = mix(slugs, organization_ids)
    print(
        f"{services:,} services on {len(slugs)} platforms, {connection.vendor}; "
        f"DIRECTORY_API_CACHE_SECONDS={settings.DIRECTORY_API_CACHE_SECONDS}, "
        f"rate limits {'on' if settings.PUBLIC_RATE_LIMITS else 'off'}; {len(paths)} distinct requests"
    )
    client = Client()
    address = iter(range(10**9))

    cpu: dict[str, list[float]] = {"trivial": [], "mix": []}

    def get(path: str, kind: str = "") -> tuple[int, float]:
        n = next(address)
        # Many clients: the per-address limit (300 per 5 minutes) is never reached.
        remote = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
        c0, t0 = time.process_time(), time.perf_counter()
        response = client.get(path, REMOTE_ADDR=remote)
        elapsed = time.perf_counter() - t0
        if kind:
            cpu[kind].append(time.process_time() - c0)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        return response.status_code, elapsed

    # Warm: every request once (Sudachi's dictionary, the analysis caches, the page cache).
    for path in ["/hsds/", *paths]:
        get(path)
    with CaptureQueriesContext(connection) as trivial_q:
        get("/hsds/")
    queries = []
    for path in paths:
        with CaptureQueriesContext(connection) as q:
            get(path)
        queries.append(len(q))

    print(f"load average before: {load()}")
    rng = random.Random(7)
    trivial_times: list[float] = []
    mix_times: list[float] = []
    trivial_wall = mix_wall = 0.0
    for _round in range(ROUNDS):
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < TRIVIAL_SECONDS:
            trivial_times.append(get("/hsds/", "trivial")[1])
        trivial_wall += time.perf_counter() - t0
        order = paths[:]
        rng.shuffle(order)
        t0 = time.perf_counter()
        for path in order:
            mix_times.append(get(path, "mix")[1])
        mix_wall += time.perf_counter() - t0
    trivial_rate = len(trivial_times) / trivial_wall
    mix_rate = len(mix_times) / mix_wall
    ratio = mix_rate / trivial_rate
    p95 = percentile(mix_times, 95) * 1000
    print(f"load average after:  {load()}")
    print(f"\nin-process, one request at a time, {ROUNDS} rounds ({len(mix_times)} searches):")
    print(f"  {'':34} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'queries':>8}")
    for label, times, rate, nq in (
        ("API root /hsds/ (trivial)", trivial_times, trivial_rate, f"{len(trivial_q)}"),
        (
            "search mix (cache off)",
            mix_times,
            mix_rate,
            f"{statistics.mean(queries):.1f} avg, {max(queries)} max",
        ),
    ):
        print(
            f"  {label:34} {rate:8.1f} {statistics.median(times) * 1000:7.1f} "
            f"{percentile(times, 95) * 1000:7.1f} {max(times) * 1000:7.1f}   {nq}"
        )
    print(f"  ratio search / trivial  {ratio:.3f}  (target ≥ 0.25): {'OK' if ratio >= 0.25 else 'MISSED'}")
    # CPU seconds of this process per request: what the machine's load inflates least (on
    # SQLite the database work is in this process too; PostgreSQL's server is not counted).
    cpu_trivial, cpu_mix = statistics.mean(cpu["trivial"]), statistics.mean(cpu["mix"])
    print(
        f"  CPU of this process per request (ms): trivial mean {cpu_trivial * 1000:.2f}; search mean "
        f"{cpu_mix * 1000:.2f}, p50 {statistics.median(cpu['mix']) * 1000:.2f}, "
        f"p95 {percentile(cpu['mix'], 95) * 1000:.2f}; ratio of CPU throughputs {cpu_trivial / cpu_mix:.3f}"
    )
    print(f"  search p95 {p95:.1f} ms (target < 30 ms): {'OK' if p95 < 30 else 'MISSED'}")
    if os.environ.get("SLOWEST"):
        timings: dict[str, list[float]] = {}
        for path in paths:
            timings[path] = [get(path)[1] for _ in range(3)]
        worst = sorted(timings.items(), key=lambda item: -statistics.median(item[1]))[
            : int(os.environ["SLOWEST"])
        ]
        print("\nslowest requests (median of 3, ms):")
        for path, times in worst:
            print(f"  {statistics.median(times) * 1000:7.1f}  {path}")


if __name__ == "__main__":
    main()
