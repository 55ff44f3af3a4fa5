"""HSDS export alone at prefecture scale (target: 100,000 services in under 30 s), on a kept database.

bench_hsds_import.py measures the export after importing the package twice (minutes to an hour
at 100,000). This script builds the database once — the same generated package
(bench_hsds_import.write_package) imported by `manage.py import_hsds` — and keeps it in
BENCH_KEEP (a directory; SQLite there, or the EMPTY PostgreSQL database of BENCH_DATABASE_URL),
so that later runs measure only:

  export     `manage.py export_hsds bench <folder>` as a whole process (Django start included)
  in process do_export_hsds alone, wall and CPU seconds (no Django start)

With BEFORE_ROOT (a checkout of an older commit) the old code's export runs on the same database
in the same run, each figure is printed with its ratio to it, and the two outputs are compared
byte for byte (the export's files must not change).

    BENCH_KEEP=var/bench/hsds100k N=100000 .venv/bin/python bench/bench_hsds_export.py
    BENCH_KEEP=… BENCH_DATABASE_URL=postgres://… N=100000 .venv/bin/python bench/bench_hsds_export.py
    BEFORE_ROOT=/tmp/old BENCH_KEEP=… .venv/bin/python bench/bench_hsds_export.py
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_hsds_import as base  # noqa: E402  (the package writer and the process runner)

ROOT = base.ROOT
N = base.N

IN_PROCESS = """
import os, sys, time
import django
django.setup()
from pathlib import Path
from django_scopes import scope
from directory.services.tabular import do_export_hsds
from platforms.models import Platform
platform = Platform.objects.get(slug="bench")
t0, c0 = time.perf_counter(), time.process_time()
with scope(platform=platform):
    counts = do_export_hsds(platform, Path(sys.argv[1]))
print(f"{time.perf_counter() - t0:.3f} {time.process_time() - c0:.3f} {sum(counts.values())}")
"""


def build(keep: Path, url: str) -> None:
    """Migrate, create the platform, write the package and import it (once per BENCH_KEEP)."""
    env = base.environment(url, keep, ROOT)
    base.prepare(url, keep, ROOT)
    code = (
        "import django; django.setup()\n"
        "from directory.models import TaxonomyTerm\nfrom django_scopes import scopes_disabled\n"
        "with scopes_disabled():\n"
        "    print('\\n'.join(str(u) for u in TaxonomyTerm.objects.filter(platform=None).values_list('uuid', flat=True)))\n"
    )
    terms = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout.split()
    folder = keep / "hsds"
    rows = base.write_package(folder, terms)
    print(f"package: {N:,} services, {rows:,} rows; importing …", flush=True)
    base.run([sys.executable, str(ROOT / "manage.py"), "import_hsds", "bench", str(folder)], env)
    shutil.rmtree(folder)
    (keep / "ready").write_text(f"{url}\n{N}\n")


def same_files(left: Path, right: Path) -> bool:
    names = sorted(p.name for p in left.iterdir())
    if names != sorted(p.name for p in right.iterdir()):
        return False
    _match, mismatch, errors = filecmp.cmpfiles(left, right, names, shallow=False)
    return not mismatch and not errors


def main() -> None:
    keep = Path(os.environ.get("BENCH_KEEP") or tempfile.mkdtemp(prefix="bench-hsds-export-")).resolve()
    keep.mkdir(parents=True, exist_ok=True)
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{keep / 'bench.sqlite3'}"
    if not (keep / "ready").exists():
        build(keep, url)
    kept_url, kept_n = (keep / "ready").read_text().split()
    if kept_url != url:
        raise SystemExit(f"{keep} holds the database {kept_url}, not {url}")
    roots = [("after", ROOT)]
    if os.environ.get("BEFORE_ROOT"):
        roots.insert(0, ("before", Path(os.environ["BEFORE_ROOT"]).resolve()))
    figures: dict[str, dict[str, tuple[float, float]]] = {}
    outputs: dict[str, Path] = {}
    print(f"database: {url.split('@')[-1]}; {int(kept_n):,} services; load {os.getloadavg()[0]:.1f}")
    for label, root in roots:
        env = base.environment(url, keep, root)
        out = keep / f"out-{label}"
        shutil.rmtree(out, ignore_errors=True)
        wall, cpu, rss, _stdout, load = base.run(
            [sys.executable, str(root / "manage.py"), "export_hsds", "bench", str(out)], env, root
        )
        outputs[label] = out
        again = keep / f"out-{label}-in-process"
        shutil.rmtree(again, ignore_errors=True)
        load0 = os.getloadavg()[0]
        result = subprocess.run(
            [sys.executable, "-c", IN_PROCESS, str(again)],
            cwd=root,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        in_wall, in_cpu, rows = result.stdout.split()[-3:]
        shutil.rmtree(again)
        figures[label] = {"process": (wall, cpu), "in process": (float(in_wall), float(in_cpu))}
        print(
            f"  {label:6} export_hsds process: {wall:7.1f} s wall {cpu:6.1f} s CPU {rss:5d} MB, load {load:.1f};"
            f"  do_export_hsds in process: {float(in_wall):6.1f} s wall {float(in_cpu):6.1f} s CPU"
            f" ({int(rows):,} rows), load {load0:.1f} → {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    if "before" in figures:
        for kind in ("process", "in process"):
            (bw, bc), (aw, ac) = figures["before"][kind], figures["after"][kind]
            print(f"  after ÷ before ({kind}): wall {aw / bw:.2f}, CPU {ac / bc:.2f}")
        same = same_files(outputs["before"], outputs["after"])
        print(f"  output byte-identical to the old code's: {'yes' if same else 'NO'}")
    wall = figures["after"]["process"][0]
    verdict = ("met" if wall < 30 else "MISSED") if int(kept_n) >= 100000 else "not measured (N < 100,000)"
    print(f"  target: the export of 100,000 services in < 30 s: {verdict} ({wall:.1f} s)")


if __name__ == "__main__":
    main()
