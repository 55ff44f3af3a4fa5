"""Load and fault test on loopback, bounded in time (issue 15 item 6).

Production's shape on this machine: gunicorn with 2 sync workers, the task worker
(`manage.py db_worker`) processing LINE events and answering through a local LINE stand-in
(consultations.line_fake), a throwaway SQLite database (WAL, as `make run`) or an EMPTY
PostgreSQL database (BENCH_DATABASE_URL). Mixed traffic for SECONDS (default 120; the issue's
10 minutes: SECONDS=600) from THREADS client threads: residents searching the navigator and the
HSDS API, the home page, LINE events (signed, each a new webhookEventId, as LINE sends them),
/healthz, and an HSDS import of IMPORT_N services running in the middle.

Faults, each at its moment of the run:
  25 %  kill -9 one gunicorn worker (the master starts another)
  50 %  kill -9 the task worker; started again 3 s later (as systemd's Restart=always would)
  70 %  PostgreSQL only (PG_PID given, e.g. from scripts/pgtest.sh): kill -9 the postmaster,
        start it again with PG_RESTART (a shell command) after 5 s; while it is away every page
        must be a Japanese 503 and every LINE event still 200 (kept in the spool)

Then it waits (up to DRAIN seconds) for the worker to process every event and checks:
  - every LINE event answered 200 is stored exactly once, and processed once (one inbound
    message per LINE message id, no duplicates), none left pending;
  - answers other than 200: none except while a fault is active (connection reset by the kill,
    the 503 of the database away) — counted by fault window: the one active when the request
    was sent, or else the one active when its answer came (it was in flight at the kill);
  - memory: each web worker's RSS at the start, warm (15 % into the run) and at the end (flat = the
    end within 25 % of warm).

    .venv/bin/python bench/load_fault.py                         (SECONDS=120)
    SECONDS=600 .venv/bin/python bench/load_fault.py             (the issue's 10 minutes)
"""

from __future__ import annotations

import collections
import http.client
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import bench_hsds_import as hsds_bench  # noqa: E402 (the HSDS package writer of the import bench)

SECONDS = float(os.environ.get("SECONDS", "120"))
THREADS = int(os.environ.get("THREADS", "6"))
DRAIN = float(os.environ.get("DRAIN", "120"))
IMPORT_N = int(os.environ.get("IMPORT_N", "5000"))
SECRET = "0123456789abcdef0123456789abcdef"
QUERIES = [
    "こどく",
    "ｿｳﾀﾞﾝ",
    "ひきこもり",
    "いばしょ",
    "お金",
    "しごと",
    "子育て 相談",
    "こどこ",
    "居場所",
    "介護",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class Run:
    def __init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="load-fault-"))
        self.url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{self.tmp / 'db.sqlite3'}"
        self.port = free_port()
        self.fault = "none"  # the fault window a request falls in
        self.results: collections.Counter[tuple[str, str, int]] = collections.Counter()
        self.acked: set[str] = set()
        self.acked_at: dict[str, tuple[float, str]] = {}  # id -> (time answered, fault then)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.finished = threading.Event()  # the drain is over: no more worker restarts
        self.worker_restarts = 0
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        # Each LINE webhook: (start, seconds to answer, status), to count those during the import.
        self.line_log: list[tuple[float, float, int]] = []
        self.import_window: tuple[float, float] | None = None

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.url,
            "TSUNAGARI_VAR_DIR": str(self.tmp),
            "DJANGO_SETTINGS_MODULE": "tsunagari.settings",
            "STATIC_MANIFEST": "0",
            "DEBUG": "0",
            "DB_CONN_MAX_AGE": "60",
            "LINE_API_BASE": self.line_url,
            "LINE_API_DATA_BASE": self.line_url,
            "DIRECTORY_API_CACHE_SECONDS": "0",
            "RATE_LIMITS": "off",  # six client threads from one address are not an attack
        }

    def setup(self) -> None:
        os.environ.update(self.env())
        import django

        django.setup()
        from django.core.management import call_command
        from django_scopes import scope

        from consultations.services.channels import do_configure_line
        from platforms.services.creation import do_create_platform

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        self.platform = do_create_platform(slug="load", code="242039", name="負荷試験市PF")
        with scope(platform=self.platform):
            do_configure_line(self.platform, secret=SECRET, token="load-token")
        from django.db import connection

        connection.close()
        # A directory to search: the HSDS bench's package, imported by the real command.
        from django_scopes import scopes_disabled

        from directory.models import TaxonomyTerm

        with scopes_disabled():
            terms = [
                str(u) for u in TaxonomyTerm.objects.filter(platform=None).values_list("uuid", flat=True)
            ]
        connection.close()
        hsds_bench.N = IMPORT_N
        self.package = self.tmp / "hsds"
        hsds_bench.write_package(self.package, terms)
        subprocess.run(
            [sys.executable, "manage.py", "import_hsds", "load", str(self.package)],
            cwd=ROOT,
            env=self.env(),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        # The second package, imported while the load runs: new ids, same shape.
        hsds_bench.SEED += 1
        self.package2 = self.tmp / "hsds2"
        hsds_bench.write_package(self.package2, terms)

    def start_web(self) -> None:
        self.procs["web"] = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "error",
                "--timeout",
                "60",
                "tsunagari.wsgi:application",
            ],
            cwd=ROOT,
            env=self.env(),
            start_new_session=True,
            stderr=(self.tmp / "web.log").open("ab"),
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise SystemExit("gunicorn did not start")

    def supervise_worker(self) -> None:
        """Start the task worker again whenever it exits, 2 s later, as systemd's Restart=always
        does in production (deploy/systemd/tsunagari-worker.service): db_worker exits when its
        database connection is lost (PostgreSQL restarting)."""
        while not self.finished.is_set():
            worker = self.procs.get("worker")
            if worker is not None and worker.poll() is not None and self.fault != "task worker killed":
                time.sleep(2)
                if self.fault != "task worker killed" and self.procs["worker"].poll() is not None:
                    self.worker_restarts += 1
                    self.start_worker()
            time.sleep(0.5)

    def start_worker(self) -> None:
        self.procs["worker"] = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--queue-name",
                "*",
                "--no-reload",
                "--interval",
                "0.2",
            ],
            cwd=ROOT,
            env=self.env(),
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def request(
        self, kind: str, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> int:
        fault = self.fault
        started = time.monotonic()
        try:
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            c.request(method, path, body or None, headers or {})
            r = c.getresponse()
            content = r.read()
            status = r.status
            if status == 503 and "データベースに接続できません".encode() not in content and kind != "line":
                status = 599  # a 503 that is not the Japanese page
        except OSError:
            status = 0
        if fault == "none":  # in flight when a fault began (a kill resets or fails it): its window
            fault = self.fault
        with self.lock:
            self.results[(fault, kind, status)] += 1
            if kind == "line":
                self.line_log.append((started, time.monotonic() - started, status))
        return status

    def client(self, k: int) -> None:
        from consultations.line_api import signature
        from consultations.line_fake import body_of, make_event

        rng = random.Random(k)
        n = 0
        while not self.stop.is_set():
            n += 1
            pick = rng.random()
            if pick < 0.35:
                event = make_event("text", f"U{k:031d}a", text=f"相談です {n}", reply_token=f"r{k}-{n}")
                body = body_of(event)
                status = self.request(
                    "line",
                    "POST",
                    "/line/load/webhook",
                    body,
                    {"Content-Type": "application/json", "X-Line-Signature": signature(SECRET, body)},
                )
                if status == 200:
                    with self.lock:
                        self.acked.add(event["webhookEventId"])
                        self.acked_at[event["webhookEventId"]] = (time.monotonic(), self.fault)
            elif pick < 0.6:
                self.request("search", "GET", f"/p/load/search?q={quote(rng.choice(QUERIES))}")
            elif pick < 0.8:
                self.request(
                    "api",
                    "GET",
                    f"/hsds/services?search={quote(rng.choice(QUERIES))}&page={rng.randint(1, 3)}",
                )
            elif pick < 0.95:
                self.request("home", "GET", "/p/load/")
            else:
                self.request("healthz", "GET", "/healthz")

    def run(self) -> None:
        from consultations.line_fake import FakeLine

        self.fake = FakeLine().start()
        self.line_url = self.fake.url
        self.setup()
        self.start_web()
        self.start_worker()
        print(
            f"load: {THREADS} client threads for {SECONDS:.0f} s against 127.0.0.1:{self.port} "
            f"({'PostgreSQL' if self.url.startswith('postgres') else 'SQLite WAL'}); load average {os.getloadavg()[0]:.1f}"
        )
        time.sleep(2)
        workers = children(self.procs["web"].pid)
        rss_start = {pid: rss_mb(pid) for pid in workers}
        rss_warm: dict[int, float] = {}
        threads = [threading.Thread(target=self.client, args=(k,)) for k in range(THREADS)]
        threading.Thread(target=self.supervise_worker, daemon=True).start()
        t0 = time.monotonic()
        for t in threads:
            t.start()
        importer = None
        events = []
        plan = [
            (0.15, "rss warm"),
            (0.2, "import"),
            (0.25, "kill web worker"),
            (0.5, "kill task worker"),
            (0.7, "kill postgresql"),
        ]
        for at, what in plan:
            while time.monotonic() - t0 < at * SECONDS:
                time.sleep(0.1)
            if what == "rss warm":
                # After the first searches loaded the dictionaries and warmed the caches: the
                # figure that memory growth under steady load is judged against.
                rss_warm.update({pid: rss_mb(pid) for pid in children(self.procs["web"].pid)})
            elif what == "import":
                importer = subprocess.Popen(
                    [sys.executable, "manage.py", "import_hsds", "load", str(self.package2)],
                    cwd=ROOT,
                    env=self.env(),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
                events.append((time.monotonic() - t0, "HSDS import started"))
                threading.Thread(target=self.watch_import, args=(importer, t0, events), daemon=True).start()
            elif what == "kill web worker":
                victims = children(self.procs["web"].pid)
                if victims:
                    self.fault = "web worker killed"
                    os.kill(victims[0], signal.SIGKILL)
                    events.append((time.monotonic() - t0, f"kill -9 web worker {victims[0]}"))
                    time.sleep(3)
                    self.fault = "none"
            elif what == "kill task worker":
                self.fault = "task worker killed"
                os.killpg(self.procs["worker"].pid, signal.SIGKILL)
                self.procs["worker"].wait()
                events.append((time.monotonic() - t0, "kill -9 task worker"))
                time.sleep(3)
                self.start_worker()
                self.fault = "none"
            elif what == "kill postgresql" and os.environ.get("PG_PID"):
                self.fault = "postgresql down"
                pid = os.environ["PG_PID"]  # a number, or postmaster.pid's path
                os.kill(int(pid) if pid.isdigit() else int(Path(pid).read_text().split()[0]), signal.SIGKILL)
                events.append((time.monotonic() - t0, "kill -9 postgresql"))
                time.sleep(5)
                subprocess.run(os.environ.get("PG_RESTART", "true"), shell=True, cwd=ROOT, check=False)  # noqa: S602
                time.sleep(2)
                self.fault = "none"
        while time.monotonic() - t0 < SECONDS:
            time.sleep(0.2)
        self.stop.set()
        for t in threads:
            t.join()
        rss_end = {pid: rss_mb(pid) for pid in children(self.procs["web"].pid)}
        import_rc = importer.wait() if importer else None
        elapsed = time.monotonic() - t0
        for at, what in events:
            print(f"  {at:6.1f} s  {what}")
        self.t0 = t0
        self.report(elapsed, rss_start, rss_warm, rss_end, import_rc, importer)

    def watch_import(self, importer: subprocess.Popen[bytes], t0: float, events: list) -> None:
        started = time.monotonic()
        importer.wait()
        self.import_window = (started, time.monotonic())
        events.append((time.monotonic() - t0, f"HSDS import finished (exit {importer.returncode})"))

    def report(self, elapsed, rss_start, rss_warm, rss_end, import_rc, importer) -> None:
        by_kind: dict[str, collections.Counter[int]] = collections.defaultdict(collections.Counter)
        unexpected = 0
        for (fault, kind, status), n in sorted(self.results.items()):
            by_kind[kind][status] += n
            if status != 200 and fault == "none":
                unexpected += n
        total = sum(self.results.values())
        print(
            f"\n  {total:,} requests in {elapsed:.0f} s = {total / elapsed:.0f} req/s; load average {os.getloadavg()[0]:.1f}"
        )
        for kind, statuses in sorted(by_kind.items()):
            print(f"  {kind:8} " + "  ".join(f"{s or 'reset'}: {n:,}" for s, n in sorted(statuses.items())))
        for (fault, kind, status), n in sorted(self.results.items()):
            if fault != "none" and status != 200:
                print(f"  during «{fault}»: {kind} {status or 'connection reset'} × {n}")
        print(
            f"  answers other than 200 outside a fault window: {unexpected} — {'PASS' if unexpected == 0 else 'FAIL'}"
        )
        print(
            f"  HSDS import of {IMPORT_N:,} services during the load: exit {import_rc}"
            + (f" ({importer.stderr.read().decode()[-300:]})" if import_rc else "")
        )
        if self.import_window:
            start, end = self.import_window
            during = [(took, status) for at, took, status in self.line_log if start <= at <= end]
            statuses = collections.Counter(status for _t, status in during)
            slowest = max((took for took, _s in during), default=0.0)
            print(
                f"  LINE webhooks during the import ({end - start:.0f} s): {len(during)} sent, "
                + ", ".join(f"{s or 'reset'}: {n}" for s, n in sorted(statuses.items()))
                + f"; slowest answer {slowest:.1f} s"
            )
        log = (self.tmp / "web.log").read_text(errors="replace")
        print(
            f"  webhooks that found the database locked or away and spooled their events: {log.count('kept in the spool')}"
        )
        # Drain: every event processed once.
        from django.db import connection
        from django_scopes import scopes_disabled

        from consultations.models import Direction, InboundEvent, Message
        from consultations.services.line_spool import ingest_spool, spooled_files

        connection.close()
        # As the scheduler does (every minute / every 10 minutes): store the spool, and enqueue
        # again the events whose task died with the killed worker.
        from django.core.management import call_command

        call_command("line_events", "--spool", "--retry", stdout=open(os.devnull, "w"))  # noqa: SIM115
        deadline = time.monotonic() + DRAIN
        while True:
            try:
                if spooled_files():
                    ingest_spool()
                with scopes_disabled():
                    pending = InboundEvent.objects.exclude(state="done").count()
            except Exception as error:  # noqa: BLE001 (the database may be starting)
                print(f"  waiting for the database: {error}")
                pending = -1
            if pending == 0 or time.monotonic() > deadline:
                break
            time.sleep(1)
        drained_in = DRAIN - (deadline - time.monotonic())
        self.finished.set()
        print(f"  task worker started again after it exited by itself: {self.worker_restarts} time(s)")
        with scopes_disabled():
            stored = list(InboundEvent.objects.values_list("webhook_event_id", flat=True))
            states = collections.Counter(InboundEvent.objects.values_list("state", flat=True))
            inbound = list(
                Message.objects.filter(direction=Direction.INBOUND)
                .exclude(line_message_id="")
                .values_list("line_message_id", flat=True)
            )
        missing = self.acked - set(stored)
        for event_id in sorted(missing)[:10]:
            at, fault = self.acked_at[event_id]
            print(f"  missing {event_id}: answered 200 at {at - self.t0:.1f} s (fault: {fault})")
        dup_events = len(stored) - len(set(stored))
        dup_messages = len(inbound) - len(set(inbound))
        print(
            f"  LINE: {len(self.acked):,} events answered 200; stored {len(set(stored)):,}, missing {len(missing)}, "
            f"stored twice {dup_events}; states {dict(states)}; drained {drained_in:.0f} s after the load"
        )
        print(
            f"  processed into {len(inbound):,} inbound messages, {dup_messages} twice — "
            + (
                "PASS"
                if not missing and not dup_events and not dup_messages and states.get("pending", 0) == 0
                else "FAIL"
            )
        )
        replies = collections.Counter(r.path for r in self.fake.state.requests)
        print(f"  fake LINE received: {dict(replies)}")
        for pid, start in rss_start.items():
            end = rss_end.get(pid)
            print(
                f"  web worker {pid}: RSS {start:.0f} MB at the start, {rss_warm.get(pid, 0):.0f} MB warm (15 %), "
                + (f"{end:.0f} MB at the end" if end else "killed (replaced)")
            )
        for pid in set(rss_end) - set(rss_start):
            print(f"  web worker {pid} (started after a kill): RSS {rss_end[pid]:.0f} MB at the end")
        # Flat: no growth under steady load, judged from the warm figure (the first searches load
        # the Sudachi dictionary and fill per-process caches once: that is not growth).
        flat = all(rss_end[p] <= 1.25 * rss_warm[p] for p in rss_warm if p in rss_end)
        print(f"  memory flat (end within 25 % of warm): {'PASS' if flat else 'FAIL'}")

    def close(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=30)
        self.fake.stop()


def main() -> None:
    run = Run()
    try:
        run.run()
    finally:
        run.close()


if __name__ == "__main__":
    main()
