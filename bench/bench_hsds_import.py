"""HSDS import and export at prefecture scale (targets: import ≥ 2,000 services/s, 100,000 services
in under 60 s; export in under 30 s; memory flat).

Standalone: a throwaway SQLite database (WAL, as `make run`) in a temporary directory, or an EMPTY
PostgreSQL database given as BENCH_DATABASE_URL; one platform. It writes an HSDS tabular package
of N services (default 100,000) as a prefecture's agencies export it: organisations, services
with ふりがな, a location with its address for each, service_at_location, a phone, a weekly
schedule and a link to the shared taxonomy. Then, each as a whole `manage.py` process (so the
figures include starting Django, as an operator's run does), in the same run:

  baseline   `manage.py hsds_read <folder>`-equivalent: Django started and every CSV row read
             and parsed by the same column definitions (directory.hsds.parse_value), no database
  import     `manage.py import_hsds bench <folder>` into the empty platform (all or nothing,
             search index and vocabulary built)
  again      the same import once more (every row an update: nothing created)
  export     `manage.py export_hsds bench <folder>`

and prints seconds, CPU seconds, services/s, the ratio to the baseline, each process's peak RSS
and the machine's load average when the step ended (other work on the machine inflates wall
times: compare CPU seconds and same-run ratios).

With BEFORE_ROOT (a checkout of an older commit, e.g. ``git archive <commit> | tar -x -C dir``)
the same package is also imported twice and exported by that code, into a second database of
the same kind, in the same run, and each figure is printed with its ratio to the old code's.

    make bench BENCH=bench_hsds_import                 (N=20000 for a quicker run)
    BENCH_DATABASE_URL=postgres://… make bench BENCH=bench_hsds_import
    BENCH_ROOT=/path/to/other/checkout …               (measure another version of the code)
    BEFORE_ROOT=/tmp/old N=10000 make bench BENCH=bench_hsds_import
    (with PostgreSQL and BEFORE_ROOT: BEFORE_DATABASE_URL, a second empty database)
"""

from __future__ import annotations

import csv
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(os.environ.get("BENCH_ROOT") or Path(__file__).resolve().parent.parent)
N = int(os.environ.get("N", "100000"))
SEED = 2121

NAMES = ["居場所", "子育て相談", "生活困窮", "就労支援", "こころの相談", "ひきこもり", "介護", "フードバンク"]
KINDS = ["相談窓口", "電話相談", "支援センター", "サロン", "ホットライン"]
CITIES = ["伊勢市", "津市", "四日市市", "松阪市", "鈴鹿市", "桑名市", "名張市", "亀山市"]
DAYS = ["MO", "TU", "WE", "TH", "FR", "MO,WE,FR", "TU,TH", "SA"]

READ_ONLY = """
import csv, os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagari.settings")
django.setup()
from pathlib import Path
from directory import hsds
folder = Path(sys.argv[1]); rows = 0
for table in hsds.TABLES:
    path = folder / table.file
    if not path.exists():
        continue
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        kinds = [next((c.kind for c in table.columns if c.name == name), "str") for name in header]
        for cells in reader:
            for text, kind in zip(cells, kinds):
                hsds.parse_value(text, kind)
            rows += 1
print(rows)
"""


def write_package(folder: Path, shared_terms: list[str]) -> int:
    rng = random.Random(SEED)
    folder.mkdir(parents=True)
    files = {
        "organizations": ["id", "name", "description", "name_kana"],
        "services": [
            "id",
            "organization_id",
            "name",
            "description",
            "status",
            "name_kana",
            "is_free",
            "is_anonymous",
            "last_modified",
        ],
        "locations": ["id", "location_type", "name", "latitude", "longitude"],
        "addresses": [
            "id",
            "location_id",
            "address_1",
            "city",
            "state_province",
            "postal_code",
            "country",
            "address_type",
        ],
        "service_at_location": ["id", "service_id", "location_id"],
        "phones": ["id", "service_id", "number", "type"],
        "schedules": ["id", "service_id", "freq", "byday", "opens_at", "closes_at", "description"],
        "attributes": ["id", "link_id", "taxonomy_term_id", "link_type", "link_entity"],
    }
    handles = {name: (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") for name in files}
    writers = {name: csv.writer(handles[name]) for name in files}
    for name, header in files.items():
        writers[name].writerow(header)
    orgs = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _i in range(max(1, N // 50))]
    for i, org in enumerate(orgs):
        writers["organizations"].writerow(
            [org, f"NPO法人ささえあい{i}", "地域の支援団体です。", "ささえあい"]
        )
    rows = len(orgs)
    for i in range(N):
        ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _k in range(7)]
        service, location, address, sal, phone, schedule, attribute = ids
        topic, kind, city = rng.choice(NAMES), rng.choice(KINDS), rng.choice(CITIES)
        writers["services"].writerow(
            [
                service,
                rng.choice(orgs),
                f"{topic}{kind} {i}",
                f"{city}で{topic}の相談に応じます。電話でも来所でも、匿名でもかまいません。",
                "active",
                "そうだんまどぐち",
                "true",
                rng.choice(["true", "false"]),
                "2026-04-01T09:00:00+09:00",
            ]
        )
        lat, lon = 34.0 + rng.random(), 136.0 + rng.random()
        writers["locations"].writerow([location, "physical", f"{city}福祉会館", f"{lat:.5f}", f"{lon:.5f}"])
        writers["addresses"].writerow(
            [address, location, f"本町{i % 50}-1", city, "三重県", "516-0000", "JP", "physical"]
        )
        writers["service_at_location"].writerow([sal, service, location])
        writers["phones"].writerow([phone, service, f"0596-{i % 90 + 10:02d}-{i % 10000:04d}", "voice"])
        writers["schedules"].writerow(
            [schedule, service, "WEEKLY", rng.choice(DAYS), "09:00", "17:00", "祝日と年末年始は休み"]
        )
        writers["attributes"].writerow([attribute, service, rng.choice(shared_terms), "", "service"])
        rows += 7
    for handle in handles.values():
        handle.close()
    return rows


def run(args: list[str], env: dict[str, str], root: Path = ROOT) -> tuple[float, float, int, str, float]:
    """(wall seconds, CPU seconds, peak RSS MB, stdout, load average at the end) of one whole process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        args, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        print(out[-3000:])
        raise SystemExit(f"{' '.join(args[:3])} failed ({proc.returncode})")
    cpu, load = usage.ru_utime + usage.ru_stime, os.getloadavg()[0]
    # Each step as it ends (the table comes at the end): a long run shows where it is.
    step = "baseline read" if args[1] == "-c" else f"{args[2]} ({root.name})"
    print(
        f"  … {step}: {wall:.1f} s wall, {cpu:.1f} s CPU, peak RSS {usage.ru_maxrss // 1024} MB, load {load:.1f}",
        flush=True,
    )
    return wall, cpu, usage.ru_maxrss // 1024, out, load


def prepare(url: str, tmp: Path, root: Path) -> None:
    """Migrate the database at ``url`` with the code at ``root`` and create the platform (in a
    process of its own: the code may be another version)."""
    script = (
        "import django, os; django.setup()\n"
        "from django.core.management import call_command\n"
        "try:\n    from platforms.services.creation import do_create_platform\n"
        "except ImportError:  # a version before the app shape\n    from platforms.services import do_create_platform\n"
        "call_command('migrate', verbosity=0); call_command('createcachetable', verbosity=0)\n"
        "do_create_platform(slug='bench', code='242039', name='伊勢市PF')\n"
    )
    env = environment(url, tmp, root)
    subprocess.run([sys.executable, "-c", script], cwd=root, env=env, check=True)


def environment(url: str, tmp: Path, root: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "TSUNAGARI_VAR_DIR": str(tmp),
        "DJANGO_SETTINGS_MODULE": "tsunagari.settings",
        "STATIC_MANIFEST": "0",
        "PYTHONPATH": str(root),
    }


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-hsds-"))
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TSUNAGARI_VAR_DIR": str(tmp),
        "DJANGO_SETTINGS_MODULE": "tsunagari.settings",
        "STATIC_MANIFEST": "0",
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "TSUNAGARI_VAR_DIR", "DJANGO_SETTINGS_MODULE")})
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    from django.core.management import call_command
    from django_scopes import scopes_disabled

    from directory.models import TaxonomyTerm
    from platforms.services.creation import do_create_platform

    # Migrating the throwaway database takes minutes on a loaded machine (SQLite rebuilds tables
    # for many migrations) and printed nothing: a long silence before the first figure was this
    # step, not reading the package (round 5).
    t0 = time.perf_counter()
    print("migrating the throwaway database …", flush=True)
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    do_create_platform(slug="bench", code="242039", name="伊勢市PF")
    print(f"  … migrated in {time.perf_counter() - t0:.1f} s, load {os.getloadavg()[0]:.1f}", flush=True)
    with scopes_disabled():
        terms = [str(u) for u in TaxonomyTerm.objects.filter(platform=None).values_list("uuid", flat=True)]
    from django.db import connection

    connection.close()
    folder = tmp / "hsds"
    t0 = time.perf_counter()
    rows = write_package(folder, terms)
    print(
        f"database: {'PostgreSQL' if url.startswith('postgres') else 'SQLite (WAL)'}; code: {ROOT}; "
        f"{N:,} services, {rows:,} rows in 8 CSV files ({sum(p.stat().st_size for p in folder.iterdir()) / 1e6:.0f} MB), "
        f"written in {time.perf_counter() - t0:.1f} s; load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    python = sys.executable
    manage = [python, str(ROOT / "manage.py")]
    figures: list[tuple[str, tuple, tuple | None]] = []
    base = run([python, "-c", READ_ONLY, str(folder)], env)
    figures.append(("baseline: read + parse every CSV row", base, None))
    before_root = os.environ.get("BEFORE_ROOT")
    old: dict[str, tuple] = {}
    if before_root:
        # The old code first, into a database of its own (same kind), with the same package.
        old_root = Path(before_root).resolve()
        old_tmp = tmp / "before"
        old_tmp.mkdir()
        old_url = os.environ.get("BEFORE_DATABASE_URL") or f"sqlite:///{old_tmp / 'bench.sqlite3'}"
        if url.startswith("postgres") and not os.environ.get("BEFORE_DATABASE_URL"):
            raise SystemExit(
                "BEFORE_ROOT with PostgreSQL needs BEFORE_DATABASE_URL (a second empty database)"
            )
        prepare(old_url, old_tmp, old_root)
        old_env = environment(old_url, old_tmp, old_root)
        old_manage = [python, str(old_root / "manage.py")]
        old["import"] = run([*old_manage, "import_hsds", "bench", str(folder)], old_env, old_root)
        old["again"] = run([*old_manage, "import_hsds", "bench", str(folder)], old_env, old_root)
        old["export"] = run([*old_manage, "export_hsds", "bench", str(old_tmp / "out")], old_env, old_root)
        figures.append((f"BEFORE import_hsds ({old_root.name})", old["import"], None))
        figures.append(("BEFORE import_hsds again", old["again"], None))
        figures.append(("BEFORE export_hsds", old["export"], None))
    first = run([*manage, "import_hsds", "bench", str(folder)], env)
    figures.append(("import_hsds (every row created)", first, old.get("import")))
    again = run([*manage, "import_hsds", "bench", str(folder)], env)
    figures.append(("import_hsds again (every row updated)", again, old.get("again")))
    export = run([*manage, "export_hsds", "bench", str(tmp / "out")], env)
    figures.append(("export_hsds", export, old.get("export")))
    print(
        f"\n  {'':40} {'wall s':>8} {'cpu s':>8} {'services/s':>11} {'× baseline':>11} {'peak RSS':>9}"
        f" {'load':>5} {'÷ before (wall, cpu)':>21}"
    )
    for label, (wall, cpu, rss, _out, load), before in figures:
        versus = f"{wall / before[0]:9.2f} {cpu / before[1]:9.2f}" if before else ""
        print(
            f"  {label:40} {wall:8.1f} {cpu:8.1f} {N / wall:11,.0f} {wall / base[0]:11.1f} {rss:6d} MB"
            f" {load:5.1f} {versus:>21}"
        )
    rate = N / first[0]
    print(
        f"\n  import: {rate:,.0f} services/s, {N / first[1]:,.0f} per CPU second (target ≥ 2,000/s; 100,000 in < 60 s): "
        f"{'OK' if rate >= 2000 else 'MISSED'}   export: {export[0]:.1f} s for {N:,} (target < 30 s at 100,000): "
        f"{'OK' if export[0] * 100000 / N < 30 else 'MISSED'}   load average {os.getloadavg()[0]:.1f}"
    )
    print("  import output: " + " | ".join(first[3].strip().splitlines()[-8:]))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
