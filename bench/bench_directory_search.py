"""Directory search: 100,000 services over 47 prefectures' platforms (targets: p95 < 50 ms in
process; HTTP throughput of /hsds/services?search=… at least 0.4 × a trivial JSON endpoint).

Standalone: sets up Django on a throwaway SQLite database in a temporary directory, creates the
47 prefecture platforms (valid 全国地方公共団体コード with check digits), generates N services
(default 100,000) from a pool of realistic Japanese names, descriptions and organisations, and
indexes them with the real index code (directory.search.index.entry_fields → SearchEntry, FTS5
triggers). Then, in the same run:

  in-process   search_services() latency over a fixed query mix (readings, half-width kana,
               synonyms, typos, crisis words, multi-word), per platform (the navigator) and
               across all platforms (the /hsds/ aggregate), p50/p95/max, also with loading
               the page of Service rows; the all-platform mix once more with no count kept
               (directory.search keeps counts above 3,000 matches until the directory changes)
  HTTP         gunicorn (2 workers) serving this project plus one trivial JSON view; requests/s
               of /hsds/services?search=… and of the trivial view with the same client
               concurrency, and their ratio: once with the API's answer cache off (every
               request searches and serialises), once as served (answers kept until the
               directory changes: the query mix repeats, so after the first round they are hits)

    make bench BENCH=bench_directory_search          (N=20000 for a quicker run)
    BENCH_DATABASE_URL=postgres://… make bench BENCH=bench_directory_search   (an empty PG database)
"""

from __future__ import annotations

import http.client
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
N = int(os.environ.get("N", "100000"))
HTTP_SECONDS = float(os.environ.get("HTTP_SECONDS", "8"))
SEED = 4747

PREFECTURES = (
    "北海道 青森県 岩手県 宮城県 秋田県 山形県 福島県 茨城県 栃木県 群馬県 埼玉県 千葉県 東京都 神奈川県 "
    "新潟県 富山県 石川県 福井県 山梨県 長野県 岐阜県 静岡県 愛知県 三重県 滋賀県 京都府 大阪府 兵庫県 "
    "奈良県 和歌山県 鳥取県 島根県 岡山県 広島県 山口県 徳島県 香川県 愛媛県 高知県 福岡県 佐賀県 長崎県 "
    "熊本県 大分県 宮崎県 鹿児島県 沖縄県"
).split()
TOPICS = [
    ("孤独・孤立", "ひとりで悩んでいる方、話し相手がほしい方のお話を聞きます。"),
    ("ひきこもり", "ひきこもりの状態にあるご本人とご家族の相談に応じ、訪問や居場所につなぎます。"),
    ("子育て", "子育ての不安や悩み、発達の心配について保健師がお答えします。"),
    ("生活困窮", "生活費が足りない、家賃が払えないなど、暮らしの困りごとを一緒に考えます。"),
    ("就労", "仕事探しや働きづらさについて、キャリアコンサルタントが相談に応じます。"),
    ("介護", "介護の負担や認知症の心配について、地域包括支援センターが相談を受けます。"),
    ("障がい", "障がいのある方とご家族の暮らし、福祉サービスの利用について相談できます。"),
    ("いじめ", "学校でのいじめや友人関係の悩みを、子ども本人からも受け付けます。"),
    ("DV", "配偶者やパートナーからの暴力について、秘密を守って相談に応じます。"),
    ("不登校", "学校に行きづらいお子さんと保護者の相談、学びの場の紹介をします。"),
    ("多重債務", "借金の返済に困っている方の相談を弁護士・司法書士が受けます。"),
    ("住まい", "住まいを失うおそれのある方の住居確保を支援します。"),
    ("食料支援", "フードバンクと連携して食料を届けます。"),
    ("ヤングケアラー", "家族の世話をしている子ども・若者の相談を受け付けます。"),
    ("ひとり親", "ひとり親家庭の生活、仕事、養育費の相談に応じます。"),
    ("自殺予防", "死にたい、消えたいと感じるほどつらい気持ちを聞きます。"),
    ("こころの健康", "こころの不調やストレス、眠れないなどの相談に精神保健福祉士が応じます。"),
    ("依存症", "アルコール・ギャンブル依存症のご本人とご家族の相談を受けます。"),
    ("高齢者の見守り", "ひとり暮らしの高齢者を地域で見守り、安否を確認します。"),
    ("居場所", "誰でも気軽に立ち寄れる居場所です。お茶を飲みながら話せます。"),
    ("学習支援", "経済的に困っている家庭の子どもの学習を支援します。"),
    ("法律", "相続、離婚、近隣トラブルなどの法律相談を無料で行います。"),
    ("消費生活", "悪質商法や契約トラブルの相談を受け付けます。"),
    ("外国人", "外国人住民の生活相談に多言語で応じます。"),
    ("妊娠", "予期しない妊娠や出産の不安について助産師が相談に応じます。"),
]
KINDS = [
    "相談窓口",
    "電話相談",
    "支援センター",
    "居場所カフェ",
    "サロン",
    "相談会",
    "訪問支援",
    "LINE相談",
    "支援事業",
    "家族会",
    "ネットワーク",
    "相談室",
    "ひろば",
    "サポート事業",
    "ホットライン",
    "交流会",
]
ORG_KINDS = [
    "社会福祉協議会",
    "健康福祉部",
    "こども家庭課",
    "NPO法人つながりネット",
    "NPO法人よりそい",
    "一般社団法人ささえあい",
    "地域包括支援センター",
    "保健所",
    "精神保健福祉センター",
    "弁護士会",
    "司法書士会",
    "生活協同組合",
    "NPO法人フードバンク",
    "民生委員児童委員協議会",
    "ボランティアセンター",
    "NPO法人こども食堂ネットワーク",
    "教育委員会",
    "消費生活センター",
    "国際交流協会",
    "NPO法人居場所の会",
]
QUERIES = [
    "こどく",
    "ｿｳﾀﾞﾝ",
    "ひきこもり",
    "いじめ",
    "お金",
    "死にたい",
    "子育て 相談",
    "こどこ",
    "しごと",
    "居場所",
    "介護",
    "借金",
    "DV",
    "ヤングケアラー",
    "LINE",
    "消えたい",
    "フードバンク",
    "不登校",
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def generate(platforms: list) -> None:
    from django.db import connection, transaction
    from django_scopes import scopes_disabled

    from directory.models import Organization, Service
    from directory.search.index import _Place, entry_fields
    from directory.search.models import SearchEntry
    from directory.taxonomy import CATEGORIES
    from directory.taxonomy import TOPICS as TERM_TOPICS

    rng = random.Random(SEED)
    term_names = [name for _c, name, _d in CATEGORIES] + [name for _c, name, _d in TERM_TOPICS]
    per_platform = N // len(platforms)
    started = time.perf_counter()
    with scopes_disabled(), transaction.atomic():
        for i, platform in enumerate(platforms):
            orgs = Organization.objects.bulk_create(
                [Organization(platform=platform, name=f"{PREFECTURES[i]}{kind}") for kind in ORG_KINDS]
            )
            count = per_platform + (N - per_platform * len(platforms) if i == len(platforms) - 1 else 0)
            services = []
            for j in range(count):
                topic, description = rng.choice(TOPICS)
                kind = rng.choice(KINDS)
                services.append(
                    Service(
                        platform=platform,
                        organization=rng.choice(orgs),
                        name=f"{topic}{kind}",
                        description=description,
                        is_published=rng.random() > 0.05,
                        is_free=rng.random() > 0.3,
                        is_24h=rng.random() < 0.03,
                        is_anonymous=rng.random() < 0.3,
                        is_crisis_line=topic == "自殺予防" and j % 7 == 0,
                        target_groups=rng.sample(["self", "family", "supporter"], rng.randint(0, 2)),
                    )
                )
            services = Service.objects.bulk_create(services, batch_size=2000)
            lat0, lon0 = 31 + 12 * i / len(platforms), 130 + 12 * i / len(platforms)
            entries = []
            for service in services:
                place = _Place("", "", lat0 + rng.uniform(-0.4, 0.4), lon0 + rng.uniform(-0.4, 0.4))
                fields = entry_fields(
                    service,
                    terms=rng.sample(term_names, 2),
                    locations=[place] if rng.random() > 0.2 else [],
                    area_codes=[platform.code],
                )
                entries.append(SearchEntry(service_id=service.pk, **fields))
            SearchEntry.objects.bulk_create(entries, batch_size=2000)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("INSERT INTO directory_search_fts(directory_search_fts) VALUES ('optimize')")
        cursor.execute("ANALYZE")
    print(
        f"generated and indexed {N:,} services on {len(platforms)} platforms in {time.perf_counter() - started:.1f} s"
    )


def in_process(platforms: list) -> None:
    from django.test import override_settings
    from django_scopes import scopes_disabled

    from directory.search import Near, search_services

    rng = random.Random(SEED + 1)
    for query in QUERIES:  # warm the analysis cache and the page cache once
        search_services(query, platform=platforms[0])
    rows = []
    for label, kwargs_of, keep in (
        ("one platform (navigator)", lambda: {"platform": rng.choice(platforms)}, True),
        (
            "one platform, near a point",
            lambda: {"platform": rng.choice(platforms), "near": Near(latitude=35.0, longitude=136.0)},
            True,
        ),
        ("all 47 platforms (/hsds/)", lambda: {"public_platforms_only": True}, True),
        # Every count from the database: what the first search of a word costs after a change.
        ("all 47 platforms, cold counts", lambda: {"public_platforms_only": True}, False),
    ):
        for load in (False, True):
            times = []
            with override_settings(DIRECTORY_API_CACHE_SECONDS=600 if keep else 0):
                for _round in range(5):
                    for query in QUERIES:
                        kwargs = kwargs_of()
                        t0 = time.perf_counter()
                        results = search_services(query, limit=20, **kwargs)
                        if load:
                            with scopes_disabled():
                                results.services()
                        times.append((time.perf_counter() - t0) * 1000)
            rows.append((label + (" + load rows" if load else ""), times))
    print(f"\nin-process search_services(), {len(QUERIES)} queries × 5 rounds each, limit 20 (ms):")
    print(f"  {'':42} {'p50':>7} {'p95':>7} {'max':>7}")
    for label, times in rows:
        print(f"  {label:42} {statistics.median(times):7.1f} {percentile(times, 95):7.1f} {max(times):7.1f}")
    worst = max(percentile(times, 95) for _label, times in rows)
    print(f"  worst p95 {worst:.1f} ms (target < 50 ms): {'OK' if worst < 50 else 'MISSED'}")


BENCH_SETTINGS = """
from tsunagari.settings import *  # noqa: F403
ROOT_URLCONF = "bench_urls"
ALLOWED_HOSTS = ["127.0.0.1"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
"""
BENCH_URLS = """
from django.http import JsonResponse
from django.urls import include, path


def trivial(request):
    return JsonResponse({"status": "ok"})


urlpatterns = [path("bench/trivial", trivial), path("", include("tsunagari.urls"))]
"""


def drive(port: int, paths: list[str], seconds: float, concurrency: int) -> tuple[float, int]:
    """Requests per second over ``seconds`` with ``concurrency`` client threads (errors counted)."""
    done = [0] * concurrency
    errors = [0] * concurrency
    stop = time.perf_counter() + seconds

    def worker(k: int) -> None:
        i = k
        while time.perf_counter() < stop:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                conn.request("GET", paths[i % len(paths)])
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    done[k] += 1
                else:
                    errors[k] += 1
            except OSError:
                errors[k] += 1
            finally:
                conn.close()
            i += concurrency

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - t0), sum(errors)


def over_http(tmp: Path, platforms: list, *, cache: bool) -> None:
    (tmp / "bench_settings.py").write_text(BENCH_SETTINGS)
    (tmp / "bench_urls.py").write_text(BENCH_URLS)
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": f"{tmp}{os.pathsep}{ROOT}",
        "STATIC_MANIFEST": "0",
        "DB_CONN_MAX_AGE": "60",  # as `make run` serves
        # The API keeps answers until the directory changes (directory.api_cache); 0 = every
        # request searches and serialises.
        "DIRECTORY_API_CACHE_SECONDS": "600" if cache else "0",
        # One client loads the API as fast as it can: the per-client rate limit would answer 429.
        "RATE_LIMITS": "off",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "tsunagari.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/bench/trivial")
                conn.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)
        trivial = ["/bench/trivial"]
        search = [f"/hsds/services?search={quote(q)}&per_page=20" for q in QUERIES]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", search[0])
        probe = conn.getresponse()
        probe.read()
        if probe.status != 200:
            slug = platforms[10].slug
            print(
                f"\n/hsds/services answered {probe.status}: the HSDS API is not on this branch; "
                f"measuring the navigator's /p/{slug}/search?q=… (HTML) instead"
            )
            search = [f"/p/{slug}/search?q={quote(q)}" for q in QUERIES]
        for path in trivial + search:  # warm every worker
            for _ in range(2):
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                c.request("GET", path)
                c.getresponse().read()
        concurrency = 4
        rates: dict[str, list[float]] = {"trivial": [], "search": []}
        errors = 0
        for _round in range(2):  # interleaved, so that noise from other processes hits both
            for name, paths in (("trivial", trivial), ("search", search)):
                rate, failed = drive(port, paths, HTTP_SECONDS / 2, concurrency)
                rates[name].append(rate)
                errors += failed
        t_rate, s_rate = statistics.mean(rates["trivial"]), statistics.mean(rates["search"])
        label = "API cache on (as served)" if cache else "API cache off (every request searches)"
        print(
            f"\nHTTP, {label}, gunicorn 2 workers, {concurrency} client threads, {HTTP_SECONDS:.0f} s per endpoint:"
        )
        print(f"  trivial JSON view       {t_rate:8.1f} req/s")
        print(f"  {search[0].split('?')[0]:<22}  {s_rate:8.1f} req/s   (queries: {', '.join(QUERIES[:6])} …)")
        ratio = s_rate / t_rate if t_rate else 0.0
        print(
            f"  ratio search / trivial  {ratio:8.2f}   (target ≥ 0.4): {'OK' if ratio >= 0.4 else 'MISSED'}"
        )
        if errors:
            print(f"  non-200 answers: {errors}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-directory-"))
    # BENCH_DATABASE_URL: an EMPTY PostgreSQL database to measure that backend instead.
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["TSUNAGARI_VAR_DIR"] = str(tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagari.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django_scopes import scopes_disabled

    from platforms.services.creation import do_create_platform
    from tsunagari.lib import jiscode

    call_command("migrate", verbosity=0)
    with scopes_disabled():
        platforms = [
            do_create_platform(
                slug=f"pref{n:02d}",
                code=jiscode.with_check_digit(f"{n:02d}000"),
                name=f"{name}孤独・孤立対策PF",
            )
            for n, name in enumerate(PREFECTURES, start=1)
        ]
    generate(platforms)
    in_process(platforms)
    connection.close()
    call_command("createcachetable", verbosity=0)
    connection.close()
    over_http(tmp, platforms, cache=False)
    over_http(tmp, platforms, cache=True)


if __name__ == "__main__":
    main()
