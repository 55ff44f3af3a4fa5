"""What the operator and the load balancer are told about this instance's health.

``cheap_status()`` answers from memory (migrations are checked once, at the first call, and
again only while some are pending); ``full_status()`` asks every part: the database, the keys,
the task worker, the imports worker, the scheduler, the LINE webhook's backlog and the outbox.
"""

from __future__ import annotations

import datetime
import threading
from typing import Any

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, Min
from django.utils import timezone
from django_scopes import scopes_disabled
from django_tasks_db.models import DBTaskResult

from consultations.models import EventState, InboundEvent
from operations.models import Heartbeat, JobRun
from operations.queries import latest_runs
from operations.schedule import JOBS
from operations.services.keys import key_problems
from tsunagari.lib.jobs.models import STALLED_AFTER, ImportJob
from tsunagari.lib.jobs.runner import QUEUE as IMPORTS_QUEUE
from tsunagari.lib.outbox.models import OutboxMail

OK, DEGRADED, ERROR = "ok", "degraded", "error"
WORKER_SILENT_AFTER = datetime.timedelta(minutes=3)
TASK_WAITING_TOO_LONG = datetime.timedelta(minutes=2)
WEBHOOK_BACKLOG_TOO_OLD = datetime.timedelta(minutes=2)
OUTBOX_OVERDUE = datetime.timedelta(minutes=15)

_lock = threading.Lock()
_migrations_ok = False


def pending_migrations() -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def cheap_status() -> tuple[dict[str, Any], int]:
    """For load balancers: no database work once the migrations were found applied."""
    global _migrations_ok
    if not _migrations_ok:
        with _lock:
            if not _migrations_ok:
                try:
                    pending = pending_migrations()
                except DatabaseError as exc:
                    return {"status": ERROR, "database": exc.__class__.__name__}, 503
                if pending:
                    return {"status": ERROR, "database": "ok", "pending_migrations": pending}, 503
                _migrations_ok = True
    return {"status": OK, "database": connection.vendor, "pending_migrations": 0}, 200


def _worst(*states: str) -> str:
    return ERROR if ERROR in states else DEGRADED if DEGRADED in states else OK


def _worker(now: datetime.datetime) -> dict[str, Any]:
    beat = Heartbeat.objects.filter(name="worker").values_list("beat_at", flat=True).first()
    # Imports wait for their own worker (one long import may hold the next for minutes).
    waiting = (
        DBTaskResult.objects.ready()
        .exclude(queue_name=IMPORTS_QUEUE)
        .aggregate(n=Count("id"), oldest=Min("enqueued_at"))
    )
    oldest = waiting["oldest"]
    status = OK
    if beat is None or now - beat > WORKER_SILENT_AFTER:
        status = DEGRADED if beat is None else ERROR
    if oldest is not None and now - oldest > TASK_WAITING_TOO_LONG:
        status = ERROR
    return {
        "status": status,
        "last_heartbeat": beat.isoformat() if beat else None,
        "tasks_waiting": waiting["n"],
        "oldest_waiting_seconds": int((now - oldest).total_seconds()) if oldest else 0,
    }


def _imports_worker(now: datetime.datetime) -> dict[str, Any]:
    """The imports worker is alive if it ran its heartbeat task lately or is running an import
    that reports progress (a long import holds it, and its heartbeat task waits meanwhile)."""
    beat = Heartbeat.objects.filter(name="imports").values_list("beat_at", flat=True).first()
    with scopes_disabled():
        running = ImportJob.objects.filter(
            state=ImportJob.State.RUNNING, heartbeat_at__gte=now - STALLED_AFTER
        ).count()
        queued = ImportJob.objects.filter(state=ImportJob.State.QUEUED).count()
    status = OK
    if not running and (beat is None or now - beat > WORKER_SILENT_AFTER):
        status = DEGRADED if beat is None else ERROR
    return {
        "status": status,
        "last_heartbeat": beat.isoformat() if beat else None,
        "imports_running": running,
        "imports_queued": queued,
    }


def _scheduler(now: datetime.datetime) -> dict[str, Any]:
    last_runs = latest_runs()
    jobs = []
    status = OK
    for job in JOBS:
        run = last_runs.get(job.name)
        late = run is None or now - run.scheduled_for > 2 * job.period + datetime.timedelta(minutes=5)
        failed = run is not None and run.state == JobRun.FAILED
        if failed or late:
            status = DEGRADED
        jobs.append(
            {
                "job": job.name,
                "last_slot": run.scheduled_for.isoformat() if run else None,
                "state": run.state if run else None,
                "late": late,
            }
        )
    return {"status": status, "jobs": jobs}


def _webhook(now: datetime.datetime) -> dict[str, Any]:
    with scopes_disabled():
        counts = dict(InboundEvent.objects.values("state").annotate(n=Count("id")).values_list("state", "n"))
        oldest = InboundEvent.objects.filter(state=EventState.PENDING).aggregate(t=Min("received_at"))["t"]
    backlog_age = (now - oldest) if oldest else datetime.timedelta(0)
    failed = counts.get(EventState.FAILED, 0)
    status = ERROR if backlog_age > WEBHOOK_BACKLOG_TOO_OLD else DEGRADED if failed else OK
    return {
        "status": status,
        "pending": counts.get(EventState.PENDING, 0),
        "failed": failed,
        "oldest_pending_seconds": int(backlog_age.total_seconds()),
    }


def _outbox(now: datetime.datetime) -> dict[str, Any]:
    with scopes_disabled():
        counts = dict(OutboxMail.objects.values("state").annotate(n=Count("id")).values_list("state", "n"))
        overdue = OutboxMail.objects.filter(
            state=OutboxMail.State.QUEUED, next_attempt_at__lt=now - OUTBOX_OVERDUE
        ).count()
    failed = counts.get(OutboxMail.State.FAILED, 0)
    return {
        "status": DEGRADED if failed or overdue else OK,
        "queued": counts.get(OutboxMail.State.QUEUED, 0),
        "overdue": overdue,
        "failed": failed,
    }


def full_status() -> tuple[dict[str, Any], int]:
    """Every part's state; 503 when any part is in error (degraded parts still answer 200)."""
    now = timezone.now()
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        pending = pending_migrations()
    except DatabaseError as exc:
        return {"status": ERROR, "database": {"status": ERROR, "error": exc.__class__.__name__}}, 503
    problems = key_problems()
    parts: dict[str, Any] = {
        "database": {
            "status": ERROR if pending else OK,
            "vendor": connection.vendor,
            "pending_migrations": pending,
        },
        "keys": {"status": ERROR if problems else OK, "problems": problems},
        "worker": _worker(now),
        "imports_worker": _imports_worker(now),
        "scheduler": _scheduler(now),
        "line_webhook": _webhook(now),
        "outbox": _outbox(now),
    }
    status = _worst(*(part["status"] for part in parts.values()))
    return {
        "status": status,
        "checked_at": now.isoformat(timespec="seconds"),
        **parts,
    }, 503 if status == ERROR else 200
