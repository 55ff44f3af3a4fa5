"""The 情報交換・共有シート at its row limit (issue 15 item 4): one sheet of N programme rows
(default 100,000, the per-sheet limit) checked and applied by the real imports worker.

Standalone: a throwaway SQLite database (WAL) in a temporary directory, or an EMPTY PostgreSQL
database given as BENCH_DATABASE_URL; one platform. It writes the workbook (openpyxl's
write-only mode), stages it as the upload page does, starts `manage.py db_worker --queue-name
imports` and queues the check (the preview job), then the apply; it prints each job's wall time
and the worker's CPU seconds and peak RSS (VmHWM) after each.

    N=100000 .venv/bin/python bench/bench_sheet_apply.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
N = int(os.environ.get("N", "100000"))
TMP = Path(tempfile.mkdtemp(prefix="bench-sheet-"))
URL = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{TMP / 'db.sqlite3'}"
ENV = {
    **os.environ,
    "DATABASE_URL": URL,
    "TSUNAGARI_VAR_DIR": str(TMP),
    "DJANGO_SETTINGS_MODULE": "tsunagari.settings",
    "DEBUG": "0",
    "STATIC_MANIFEST": "0",
}
DEPARTMENTS = [
    f"{name}課" for name in ("総務", "企画", "福祉", "健康", "子育て", "産業", "教育", "環境", "市民", "防災")
]


def status(pid: int) -> tuple[float, float]:
    """(CPU seconds, peak RSS in MB) of a process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    peak = next(
        int(line.split()[1]) / 1024
        for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        if line.startswith("VmHWM:")
    )
    return cpu, peak


def write_sheet(path: Path) -> None:
    from openpyxl import Workbook

    from directory.services import sheet

    categories = sheet.category_names()
    book = Workbook(write_only=True)
    for title, columns in ((sheet.PROGRAMMES, sheet.PROGRAMME_COLUMNS), (sheet.NPOS, sheet.NPO_COLUMNS)):
        ws = book.create_sheet(title)
        ws.append([sheet.TITLE])
        ws.append([sheet.NOTES[title]])
        ws.append(columns)
        if title == sheet.NPOS:
            for i in range(20):
                ws.append(
                    [
                        f"NPO法人ベンチ{i}",
                        "地域の居場所づくり",
                        DEPARTMENTS[i % 10],
                        "委託",
                        f"居場所事業{i}",
                        "週2回のサロン",
                        "",
                        "",
                    ]
                )
            continue
        for i in range(N):
            ws.append(
                [
                    f"ベンチ事業{i:06d}",
                    DEPARTMENTS[i % 10],
                    "既存" if i % 3 else "新規",
                    sheet.KINDS[i % 4],
                    "市民",
                    sheet.FORMS[i % 5],
                    "",
                    f"孤独・孤立の状態にある人への支援（{i}）",
                    categories[i % len(categories)] if i % 2 else "",
                    f"0596-{i % 90 + 10:02d}-{i % 10000:04d}" if i % 5 == 0 else "",
                ]
            )
    book.save(path)


def main() -> None:
    os.environ.update(ENV)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django_scopes import scope, scopes_disabled

    from directory.models import Service, SheetUpload
    from directory.services import sheet
    from platforms.services.creation import do_create_platform
    from tsunagari.lib.jobs import runner
    from tsunagari.lib.jobs.models import ImportJob

    call_command("migrate", verbosity=0)
    platform = do_create_platform(slug="bench", code="242039", name="ベンチ市PF")
    started = time.monotonic()
    path = TMP / "sheet.xlsx"
    write_sheet(path)
    print(
        f"sheet: {N:,} rows, {path.stat().st_size / 1e6:.1f} MB, written in {time.monotonic() - started:.0f} s; "
        f"{'PostgreSQL' if URL.startswith('postgres') else 'SQLite WAL'}; load average {os.getloadavg()[0]:.1f}"
    )
    with path.open("rb") as handle:
        staged, size = runner.stage(handle, max_bytes=sheet.MAX_UPLOAD, suffix=".xlsx")
    connection.close()
    worker = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--queue-name",
            "imports",
            "--no-reload",
            "--interval",
            "0.5",
        ],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=(TMP / "worker.log").open("wb"),
    )
    try:
        time.sleep(5)
        with scope(platform=platform), transaction.atomic():
            upload = SheetUpload.objects.create(
                platform=platform, filename="sheet.xlsx", staged=staged, size=size
            )
            preview = sheet.queue_preview(upload)
        for name, job_id in (("check (preview job)", preview.pk), ("apply", None)):
            if job_id is None:
                with scope(platform=platform), transaction.atomic():
                    from accounts.permissions import Actor

                    job_id = sheet.do_queue_apply(
                        upload, actor=Actor(user=None, role=None, platform=platform)
                    ).pk
            began = time.monotonic()
            while True:
                with scopes_disabled():
                    job = ImportJob.objects.get(pk=job_id)
                connection.close()
                if job.state in ("done", "failed"):
                    break
                time.sleep(1)
            cpu, peak = status(worker.pid)
            print(
                f"  {name:20} {job.state}: {time.monotonic() - began:7.1f} s wall; rows {job.done:,}/{job.total:,}; "
                f"worker so far {cpu:.1f} s CPU, peak RSS {peak:.0f} MB; errors {job.error_count} {job.errors[:2]}"
            )
            if job.state != "done":
                break
        with scopes_disabled():
            print(f"  services stored: {Service.objects.count():,}; load average {os.getloadavg()[0]:.1f}")
    finally:
        worker.terminate()
        worker.wait(timeout=60)


if __name__ == "__main__":
    main()
