"""LINE webhook ingestion: events/s with signature check + durable store, vs a trivial POST.

Standalone: a throwaway SQLite database (WAL, as `make run`) in a temporary directory, one
platform with a LINE channel, and gunicorn serving the real WSGI application with 2 sync
workers (WORKERS=2) and persistent database connections. In the same run and against the
same server it measures:

  baseline   POST /bench/trivial        — a view that returns 200 through the full middleware stack
  webhook    POST /line/bench/webhook   — X-Line-Signature check, JSON check, the event stored
                                          (encrypted) and a processing run queued unless one is
                                          already waiting (EventDrain), in one commit, then 200

(one event per request, as LINE mostly sends; then 5 events per request), and prints
requests/s, events/s and the ratio to the baseline (targets: ratio ≥ 0.5, ≥ 500 events/s).

Then the crash test: a LINE-like sender posts N distinct events with 8 threads; the server
is killed with SIGKILL in the middle and restarted; every event not answered 200 is
redelivered with deliveryContext.isRedelivery=true (and a share of the answered ones too, as
LINE may), until all are answered. The database must then hold every webhookEventId exactly
once, and a queued processing run must be waiting for the unprocessed ones (no worker runs
here, so the first run queued is never started and every later request relies on it).

The task worker runs during the measurement, as production runs it (`make run`: `db_worker`
processing the stored events and answering through a local LINE stand-in,
consultations.line_fake); after the measured runs the bench waits for the backlog to drain
and prints how long it took (target: within a minute). WORKER=0 measures ingest alone.

    make bench BENCH=bench_line_webhook          (SECONDS=5 N=3000 by default)
"""

from __future__ import annotations

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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DURATION = float(os.environ.get("SECONDS", "5"))
N_CRASH = int(os.environ.get("N", "3000"))
THREADS = int(os.environ.get("THREADS", "8"))
WORKER = os.environ.get("WORKER", "1") == "1"
SECRET = "0123456789abcdef0123456789abcdef"

BENCH_SETTINGS = """
from tsunagari.settings import *  # noqa: F401,F403
ROOT_URLCONF = "bench_urls"
LOGGING = {"version": 1, "disable_existing_loggers": True, "root": {"level": "ERROR"}}
"""
BENCH_URLS = """
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from tsunagari.urls import urlpatterns as project


@csrf_exempt
def trivial(request):
    request.body
    return HttpResponse(b'{}', content_type="application/json")


urlpatterns = [path("bench/trivial", trivial), *project]
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env, self.port = env, port
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{self.port}",
                "--worker-connections",
                "100",
                "--backlog",
                "2048",
                "--log-level",
                "error",
                "tsunagari.wsgi:application",
            ],
            env=self.env,
            cwd=str(ROOT),
            start_new_session=True,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not start")

    def kill(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)  # master and workers, no graceful shutdown
        self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait()


def signed(body: bytes) -> str:
    from consultations.line_api import signature

    return signature(SECRET, body)


def post(port: int, path: str, body: bytes, headers: dict[str, str]) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", path, body, {"Content-Type": "application/json", **headers})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def load(port: int, path: str, make_body, seconds: float) -> tuple[int, float]:
    """Post from THREADS threads for ``seconds``; returns (requests answered 200, elapsed)."""
    done = [0] * THREADS
    stop = time.perf_counter() + seconds

    def run(i: int) -> None:
        while time.perf_counter() < stop:
            body = make_body()
            if post(port, path, body, {"X-Line-Signature": signed(body)}) == 200:
                done[i] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done), time.perf_counter() - start


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-line-"))
    (tmp / "bench_settings.py").write_text(BENCH_SETTINGS)
    (tmp / "bench_urls.py").write_text(BENCH_URLS)
    env = {
        **os.environ,
        "TSUNAGARI_VAR_DIR": str(tmp),
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": f"{tmp}:{ROOT}",
        "DEBUG": "0",
        "STATIC_MANIFEST": "0",
        # Persistent connections, as in production: with SQLite, closing the last connection
        # after every request checkpoints the WAL each time.
        "DB_CONN_MAX_AGE": os.environ.get("DB_CONN_MAX_AGE", "600"),
    }
    os.environ.update(
        {
            k: env[k]
            for k in ("TSUNAGARI_VAR_DIR", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "STATIC_MANIFEST")
        }
    )
    sys.path.insert(0, str(tmp))
    import django

    django.setup()
    from django.core.management import call_command
    from django_scopes import scope, scopes_disabled
    from django_tasks_db.models import DBTaskResult

    from consultations.line_fake import body_of, make_event
    from consultations.models import InboundEvent
    from consultations.services.channels import do_configure_line
    from platforms.services import do_create_platform

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # as in production (the database cache)
    platform = do_create_platform(slug="bench", code="062014", name="ベンチ市PF")
    with scope(platform=platform):
        do_configure_line(platform, secret=SECRET, token="bench-token")
    print(
        f"cores: {os.cpu_count()}  threads: {THREADS}  seconds per run: {DURATION}  database: SQLite WAL in {tmp}"
    )

    from consultations.line_fake import FakeLine

    fake = FakeLine().start()
    env["LINE_API_BASE"] = env["LINE_API_DATA_BASE"] = fake.url
    worker = None
    if WORKER:
        worker = subprocess.Popen(
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
            cwd=str(ROOT),
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    print(
        f"task worker: {'running (processes events, replies to a local LINE stand-in)' if WORKER else 'not running'}"
    )
    port = free_port()
    server = Server(env, port)
    server.start()
    user = "U" + "b" * 32
    try:
        text = "仕事のことで相談したいです。最近眠れない日が続いています。"
        one = lambda: body_of(make_event("text", user, text=text))  # noqa: E731
        five = lambda: body_of(*(make_event("text", user, text=text) for _i in range(5)))  # noqa: E731
        load(port, "/bench/trivial", one, 1.0)  # warm up both paths
        load(port, "/line/bench/webhook", one, 1.0)
        base_n, base_t = load(port, "/bench/trivial", one, DURATION)
        hook_n, hook_t = load(port, "/line/bench/webhook", one, DURATION)
        hook5_n, hook5_t = load(port, "/line/bench/webhook", five, DURATION)
        base_rps, hook_rps, hook5_rps = base_n / base_t, hook_n / hook_t, hook5_n / hook5_t
        print(f"baseline  trivial POST            {base_rps:8.0f} requests/s")
        print(
            f"webhook   1 event/request         {hook_rps:8.0f} requests/s = {hook_rps:6.0f} events/s   ratio {hook_rps / base_rps:.2f}"
        )
        print(
            f"webhook   5 events/request        {hook5_rps:8.0f} requests/s = {hook5_rps * 5:6.0f} events/s   ratio {hook5_rps / base_rps:.2f} (requests)"
        )
        with scopes_disabled():
            stored = InboundEvent.objects.count()
        print(
            f"stored events: {stored} (answered 200 in the measured runs: {hook_n + 5 * hook5_n}, plus warm-up)"
        )
        if WORKER:
            drain(InboundEvent, scopes_disabled, fake)
        else:
            crash_test(server, port, user, body_of, make_event, InboundEvent, DBTaskResult, scopes_disabled)
    finally:
        server.stop()
        if worker is not None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
        fake.stop()


def drain(InboundEvent, scopes_disabled, fake) -> None:  # noqa: N803 (models passed in)
    """Wait until the worker has processed every stored event; print how long that took."""
    from django.db import connection

    connection.close()
    t0 = time.perf_counter()
    with scopes_disabled():
        total = InboundEvent.objects.count()
        while True:
            left = InboundEvent.objects.exclude(state="done").count()
            if left == 0 or time.perf_counter() - t0 > 300:
                break
            time.sleep(0.5)
    took = time.perf_counter() - t0
    print(
        f"backlog: {total} events stored; {left} not processed {took:.1f} s after the burst "
        f"(target: drained within 60 s): {'OK' if left == 0 and took <= 60 else 'MISSED'}; "
        f"the LINE stand-in received {len(fake.state.requests)} requests; load average {os.getloadavg()[0]:.1f}"
    )


def crash_test(server, port, user, body_of, make_event, InboundEvent, DBTaskResult, scopes_disabled) -> None:
    with scopes_disabled():
        before = set(InboundEvent.objects.values_list("webhook_event_id", flat=True))
    events = [
        make_event("text", user, text=f"クラッシュ試験 {i}", webhook_event_id=f"CRASH{i:08d}")
        for i in range(N_CRASH)
    ]
    acked: set[str] = set()
    lock = threading.Lock()
    queue = list(events)
    errors = [0]

    def sender() -> None:
        while True:
            with lock:
                if not queue:
                    return
                event = queue.pop()
            body = body_of(event)
            try:
                status = post(port, "/line/bench/webhook", body, {"X-Line-Signature": signed(body)})
            except OSError:
                status = 0
            with lock:
                if status == 200:
                    acked.add(event["webhookEventId"])
                else:
                    errors[0] += 1

    killer_fired = threading.Event()

    def killer() -> None:
        while len(acked) < N_CRASH // 3:
            time.sleep(0.01)
        server.kill()
        killer_fired.set()

    threads = [threading.Thread(target=sender) for _i in range(THREADS)]
    kill_thread = threading.Thread(target=killer)
    kill_thread.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    kill_thread.join()
    acked_at_kill = len(acked)
    print(
        f"\ncrash test: {N_CRASH} events, server killed (SIGKILL) after {acked_at_kill} were answered 200; "
        f"{errors[0]} requests failed while it was down"
    )
    server.start()
    # LINE-style redelivery: every unanswered event again, marked as redelivery, plus 10 % of the
    # answered ones (LINE may redeliver an event whose 200 it did not see).
    rounds = 0
    while len(acked) < N_CRASH:
        rounds += 1
        pending = [e for e in events if e["webhookEventId"] not in acked]
        extra = random.Random(rounds).sample(
            [e for e in events if e["webhookEventId"] in acked], k=min(len(acked), N_CRASH // 10)
        )
        for event in pending + extra:
            event["deliveryContext"]["isRedelivery"] = True
            body = body_of(event)
            if post(port, "/line/bench/webhook", body, {"X-Line-Signature": signed(body)}) == 200:
                acked.add(event["webhookEventId"])
    with scopes_disabled():
        rows = list(
            InboundEvent.objects.exclude(webhook_event_id__in=before).values_list(
                "webhook_event_id", flat=True
            )
        )
    ids = {e["webhookEventId"] for e in events}
    duplicates = len(rows) - len(set(rows))
    missing = ids - set(rows)
    print(
        f"after {rounds} redelivery round(s): {len(rows)} rows for {len(ids)} events; "
        f"missing {len(missing)}, duplicates {duplicates}, unexpected {len(set(rows) - ids)}"
    )
    print(
        "crash test: "
        + (
            "PASS — every event stored exactly once"
            if not missing and not duplicates and len(rows) == len(ids)
            else "FAIL"
        )
    )
    from consultations.tasks import drain_line_events

    with scopes_disabled():
        pending = InboundEvent.objects.filter(state="pending", attempts=0).count()
    waiting = DBTaskResult.objects.filter(status="READY", task_path=drain_line_events.module_path).count()
    print(
        f"processing: {pending} stored events wait for their run; runs queued and not started: {waiting} "
        f"(tasks in all: {DBTaskResult.objects.count()}) — "
        + ("PASS" if (waiting >= 1) == (pending > 0) else "FAIL: stored events without a queued run")
    )


if __name__ == "__main__":
    main()
