"""LINE webhook ingestion while the desk works: events/s against the bad-signature rejection.

Production's shape (issue 21 item 3): gunicorn started as `make run` and the systemd unit start
it (`scripts/gunicorn.conf.py`: 2 sync workers on this machine, access log on), persistent
database connections, and the task worker `db_worker --queue-name default,consultations,mail`
processing the stored events at the same time, answering through a local LINE stand-in
(consultations.line_fake: reply tokens single use, pushes with X-Line-Retry-Key). A throwaway
SQLite database (WAL, as `make run`) in a temporary directory, or an EMPTY PostgreSQL database
given as BENCH_DATABASE_URL (PG_PID: the postmaster's pid or postmaster.pid, to count the
server's CPU too). One platform with a LINE channel; the events come from USERS people (each
with a reply token issued by the stand-in, as LINE sends), so consultations are opened and
answered automatically (replies, and pushes when a token was used or is stale).

In the same run and against the same server, THREADS client threads for SECONDS each:

  trivial    POST /bench/trivial        a view that answers 200 through the full middleware stack
  rejected   POST /line/bench/webhook   a wrong X-Line-Signature: 400 (LINE's rejection path)
  webhook    POST /line/bench/webhook   signature, JSON check, the event stored (encrypted) and
                                        a processing run queued when none waits, in one commit, 200
                                        (one event per request, as LINE mostly sends; then 5)

printing requests/s, events/s, the ratio to the rejection (targets: >= 0.5 and >= 500 events/s)
and the CPU seconds the web processes, the task worker (and PostgreSQL) spent in each run. Then
it waits for the backlog (events not processed, answers not delivered) and prints how long it
took after the burst (target: within 60 s), and checks that every event was processed once and
every automatic answer reached the stand-in once.

WORKER=0 measures ingest alone, followed by the crash test: a LINE-like sender posts N distinct
events with 8 threads; the server is killed with SIGKILL in the middle and restarted; every
event not answered 200 is redelivered with deliveryContext.isRedelivery=true (and a share of
the answered ones too, as LINE may), until all are answered. The database must then hold every
webhookEventId exactly once, and a queued processing run must be waiting for the unprocessed
ones (no worker runs, so the first run queued is never started and every later request relies on it).

    make bench BENCH=bench_line_webhook          (SECONDS=5 USERS=300 by default)
    BENCH_DATABASE_URL=postgres://… PG_PID=… .venv/bin/python bench/bench_line_webhook.py
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
USERS = int(os.environ.get("USERS", "300"))
WORKER = os.environ.get("WORKER", "1") == "1"
DRAIN_LIMIT = float(os.environ.get("DRAIN", "300"))
SECRET = "0123456789abcdef0123456789abcdef"
# What people write (one in 50 a crisis expression: flagged urgent, answered with 24-hour lines).
TEXTS = [
    "仕事のことで相談したいです。最近眠れない日が続いています。",
    "家族とうまくいかなくて、誰にも話せません。",
    "子育てがつらいです。夜中に泣いてしまいます。",
    "お金のことで困っています。家賃が払えそうにありません。",
    "学校に行けなくなって三か月になります。",
    "一人暮らしで、もう何日も誰とも話していません。",
    "介護と仕事の両立ができなくて限界です。",
    "相談できる窓口を教えてください。",
    "はじめまして。少し話を聞いてほしいです。",
    "返信ありがとうございます。また連絡します。",
] * 5 + ["もう消えたいです。"]
# The task worker as `make run` and deploy/systemd/tsunagari-worker.service start it.
WORKER_COMMAND = ["manage.py", "db_worker", "--queue-name", "default,consultations,mail", "--no-reload"]

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


def cpu_seconds(*, group: int | None = None, parent: int | None = None) -> float:
    """CPU seconds (user + system) of the live processes of a process group, or of a process and
    its children (PostgreSQL's postmaster and backends)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        ppid, pgrp = int(fields[1]), int(fields[2])
        if (group is not None and pgrp == group) or (parent is not None and parent in (int(name), ppid)):
            total += int(fields[11]) + int(fields[12])
    return total / tick


def postmaster_pid() -> int | None:
    value = os.environ.get("PG_PID", "")
    if not value:
        return None
    if value.isdigit():
        return int(value)
    return int(Path(value).read_text().split()[0])


class Server:
    """gunicorn as `make run` starts it (scripts/gunicorn.conf.py), in its own process group."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env, self.port = (
            {**env, "PORT": str(port), "WEB_CONCURRENCY": env.get("WEB_CONCURRENCY", "2")},
            port,
        )
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "-c",
                "scripts/gunicorn.conf.py",
                "tsunagari.wsgi:application",
            ],
            env=self.env,
            cwd=str(ROOT),
            start_new_session=True,
            stdout=subprocess.DEVNULL,  # the access log (make run prints it, systemd keeps it)
            stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not start")

    def cpu(self) -> float:
        assert self.proc is not None
        return cpu_seconds(group=self.proc.pid)

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
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", path, body, {"Content-Type": "application/json", **headers})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def load(
    port: int, path: str, make_body, seconds: float, *, expect: int = 200, sign=None
) -> tuple[int, int, float]:
    """Post from THREADS threads for ``seconds``; returns (answered ``expect``, other answers, elapsed)."""
    sign = sign or signed
    done = [0] * THREADS
    other = [0] * THREADS
    stop = time.perf_counter() + seconds

    def run(i: int) -> None:
        while time.perf_counter() < stop:
            body = make_body()
            try:
                status = post(port, path, body, {"X-Line-Signature": sign(body)})
            except OSError:
                status = 0
            if status == expect:
                done[i] += 1
            else:
                other[i] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done), sum(other), time.perf_counter() - start


class Meter:
    """CPU seconds of the web processes, the task worker and PostgreSQL over one run."""

    def __init__(
        self, server: Server, worker: subprocess.Popen[bytes] | None, postmaster: int | None
    ) -> None:
        self.server, self.worker, self.postmaster = server, worker, postmaster

    def sample(self) -> tuple[float, float, float]:
        return (
            self.server.cpu(),
            cpu_seconds(group=self.worker.pid) if self.worker else 0.0,
            cpu_seconds(parent=self.postmaster) if self.postmaster else 0.0,
        )

    def since(self, before: tuple[float, float, float]) -> str:
        web, worker, pg = (b - a for a, b in zip(before, self.sample(), strict=True))
        return f"CPU s: web {web:5.1f}  worker {worker:5.1f}" + (
            f"  postgres {pg:5.1f}" if self.postmaster else ""
        )


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-line-"))
    (tmp / "bench_settings.py").write_text(BENCH_SETTINGS)
    (tmp / "bench_urls.py").write_text(BENCH_URLS)
    database = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite3'}"
    env = {
        **os.environ,
        "TSUNAGARI_VAR_DIR": str(tmp),
        "DATABASE_URL": database,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": f"{tmp}:{ROOT}",
        "DEBUG": "0",
        "STATIC_MANIFEST": "0",
        # The trivial baseline is an anonymous POST (limited per client address in production);
        # LINE's webhook is never limited. Eight client threads from one address are not an attack.
        "RATE_LIMITS": "off",
        # Persistent connections, as `make run` and production: with SQLite, closing the last
        # connection after every request checkpoints the WAL each time.
        "DB_CONN_MAX_AGE": os.environ.get("DB_CONN_MAX_AGE", "60"),
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
    from django.db import connection
    from django_scopes import scope, scopes_disabled
    from django_tasks_db.models import DBTaskResult

    from consultations.line_fake import FakeLine, body_of, make_event
    from consultations.models import InboundEvent
    from consultations.services.channels import do_configure_line
    from platforms.services.creation import do_create_platform

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # as in production (the database cache)
    platform = do_create_platform(slug="bench", code="062014", name="ベンチ市PF")
    with scope(platform=platform):
        do_configure_line(platform, secret=SECRET, token="bench-token")
    connection.close()
    print(
        f"cores: {os.cpu_count()}  threads: {THREADS}  seconds per run: {DURATION}  people: {USERS}  "
        f"database: {connection.vendor} ({'SQLite WAL in ' + str(tmp) if connection.vendor == 'sqlite' else 'BENCH_DATABASE_URL'})  "
        f"load average {os.getloadavg()[0]:.1f}"
    )

    fake = FakeLine().start()
    env["LINE_API_BASE"] = env["LINE_API_DATA_BASE"] = fake.url
    worker = None
    if WORKER:
        worker = subprocess.Popen(
            [sys.executable, *WORKER_COMMAND],
            cwd=str(ROOT),
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    print(
        f"task worker: {'running (' + ' '.join(WORKER_COMMAND[1:]) + '), answers to a local LINE stand-in' if WORKER else 'not running'}"
    )
    port = free_port()
    server = Server(env, port)
    server.start()
    meter = Meter(server, worker, postmaster_pid())
    people = ["U" + f"{i:032x}" for i in range(USERS)]

    def event() -> dict:
        user = random.choice(people)  # noqa: S311 (not security)
        text = random.choice(TEXTS)  # noqa: S311
        return make_event("text", user, text=text, reply_token=fake.state.issue_reply_token(user))

    one = lambda: body_of(event())  # noqa: E731
    five = lambda: body_of(*(event() for _i in range(5)))  # noqa: E731
    wrong = lambda body: signed(body)[:-4] + "AAA="  # noqa: E731
    try:
        load(port, "/bench/trivial", one, 1.0)  # warm up every path
        load(port, "/line/bench/webhook", one, 1.0, expect=400, sign=wrong)
        load(port, "/line/bench/webhook", one, 1.0)
        if WORKER:
            drain(InboundEvent, DBTaskResult, scopes_disabled, fake, quiet=True)
        rates = {}
        for name, path, make, expect, sign in (
            ("trivial   POST /bench/trivial  ", "/bench/trivial", one, 200, None),
            ("rejected  bad signature (400)  ", "/line/bench/webhook", one, 400, wrong),
            ("webhook   1 event/request      ", "/line/bench/webhook", one, 200, None),
            ("webhook   5 events/request     ", "/line/bench/webhook", five, 200, None),
        ):
            before, load_before = meter.sample(), os.getloadavg()[0]
            n, other, took = load(port, path, make, DURATION, expect=expect, sign=sign)
            rates[name] = n / took
            print(
                f"{name} {n / took:7.0f} requests/s  ({n} in {took:.1f} s, {other} other answers)  "
                f"{meter.since(before)}  load {load_before:.1f}"
            )
        rejected = rates["rejected  bad signature (400)  "]
        one_rate, five_rate = (
            rates["webhook   1 event/request      "],
            rates["webhook   5 events/request     "],
        )
        print(
            f"events/s: 1 per request {one_rate:.0f} (ratio to the rejection {one_rate / rejected:.2f}, "
            f"to trivial {one_rate / rates['trivial   POST /bench/trivial  ']:.2f}); "
            f"5 per request {5 * five_rate:.0f} events/s ({five_rate / rejected:.2f} of the rejection in requests)"
        )
        print(
            "target >= 500 events/s and >= 0.5 x the rejection (1 event per request): "
            + ("met" if one_rate >= 500 and one_rate >= 0.5 * rejected else "MISSED")
        )
        if WORKER:
            before = meter.sample()
            drain(InboundEvent, DBTaskResult, scopes_disabled, fake)
            print(f"drain: {meter.since(before)}")
        else:
            crash_test(
                server, port, people[0], body_of, make_event, InboundEvent, DBTaskResult, scopes_disabled
            )
    finally:
        server.stop()
        if worker is not None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
        fake.stop()


def drain(InboundEvent, DBTaskResult, scopes_disabled, fake, *, quiet: bool = False) -> None:  # noqa: N803
    """Wait until every stored event is processed and every answer delivered; print how long it
    took, and check that each event was processed once and each answer sent once."""
    from django.db import connection
    from django.db.models import Count

    from consultations.models import Delivery, Direction, Message

    t0 = time.perf_counter()
    with scopes_disabled():
        while True:
            events_left = InboundEvent.objects.exclude(state="done").count()
            answers_left = Message.objects.filter(delivery=Delivery.PENDING).count()
            tasks_left = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count()
            if not (events_left or answers_left or tasks_left) or time.perf_counter() - t0 > DRAIN_LIMIT:
                break
            connection.close()  # let SQLite checkpoint; PostgreSQL: a fresh snapshot anyway
            time.sleep(0.5)
        took = time.perf_counter() - t0
        if quiet:
            return
        total = InboundEvent.objects.count()
        inbound = Message.objects.filter(direction=Direction.INBOUND)
        twice = inbound.values("line_message_id").annotate(n=Count("id")).filter(n__gt=1).count()
        answers = Message.objects.exclude(direction=Direction.INBOUND)
        sent = answers.filter(delivery__in=[Delivery.REPLIED, Delivery.PUSHED]).count()
    with fake.state.lock:
        delivered = len(fake.state.delivered)
        replies = sum(1 for _u, _t, how in fake.state.delivered if how == "reply")
    print(
        f"backlog after the burst: {total} events stored, {events_left} not processed, {answers_left} answers "
        f"not delivered, {tasks_left} tasks waiting after {took:.1f} s (target: within 60 s): "
        f"{'OK' if not (events_left or answers_left) and took <= 60 else 'MISSED'}; load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"processed once: {inbound.count()} inbound messages for {total} events, {twice} LINE message ids twice; "
        f"answers: {answers.count()} written, {sent} sent, the stand-in received {delivered} "
        f"({replies} replies, {delivered - replies} pushes): "
        + ("PASS" if inbound.count() == total and not twice and delivered == sent else "FAIL")
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
