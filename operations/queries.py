"""Reads of the operations app: the scheduler's jobs and runs, what the operator and the load
balancer are told about this instance's health, whether the configured keys read the stored data,
and a digest of every table (to compare a restored database with its original).

``cheap_status()`` answers from memory (migrations are checked once, at the first call, and
again only while some are pending); ``full_status()`` asks every part: the database, the keys,
the task worker, the imports worker, the scheduler, the LINE webhook's backlog and the outbox.

Key custody: restoring a database without its keys used to go unnoticed: new keys were generated
in var/, ``check`` passed and every consultation then failed to decrypt. The database now records
a fingerprint of each key that encrypted data (never the key, ``operations.fingerprints``), and
``key_problems()`` compares the configured keys against it and against one stored value of every
encrypted column.
"""

from __future__ import annotations

import datetime
import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, Max, Min, OuterRef, Subquery
from django.utils import timezone
from django_scopes import scopes_disabled
from django_tasks_db.models import DBTaskResult

from consultations.crypto import ENCRYPTED_FIELD_TYPES, EncryptedBinaryField
from consultations.models import EventState, InboundEvent
from operations.fingerprints import configured_fingerprints
from operations.models import Heartbeat, JobRun, KeyFingerprint
from operations.schedule import JOBS, Job
from tsunagari.lib.jobs.models import STALLED_AFTER, ImportJob
from tsunagari.lib.jobs.runner import QUEUE as IMPORTS_QUEUE
from tsunagari.lib.outbox.models import OutboxMail

# The scheduler's jobs


@dataclass(frozen=True)
class JobRow:
    job: Job
    last: JobRun | None
    recent_failures: int


def job_table(recent: int = 20) -> list[JobRow]:
    """Every declared job with its latest run and how many of its recent runs failed."""
    rows = []
    for job in JOBS:
        runs = list(JobRun.objects.filter(job=job.name).order_by("-scheduled_for")[:recent])
        rows.append(JobRow(job, runs[0] if runs else None, sum(run.state == JobRun.FAILED for run in runs)))
    return rows


def latest_runs() -> dict[str, JobRun]:
    """Each job's latest run, in one query."""
    newest = JobRun.objects.filter(job=OuterRef("job")).order_by("-scheduled_for").values("pk")[:1]
    return {run.job: run for run in JobRun.objects.filter(pk=Subquery(newest))}


@dataclass(frozen=True)
class Due:
    job: Job
    slot: datetime.datetime
    missed: int


def due_jobs(now: datetime.datetime, jobs: tuple[Job, ...] = JOBS) -> list[Due]:
    """The jobs whose latest slot has no run yet, with how many earlier slots were missed."""
    latest = dict(
        JobRun.objects.filter(job__in=[job.name for job in jobs])
        .values("job")
        .annotate(last=Max("scheduled_for"))
        .values_list("job", "last")
    )
    due = []
    for job in jobs:
        slot = job.latest_slot(now)
        last = latest.get(job.name)
        if last is not None and last >= slot:
            continue
        missed = max(0, job.slots_between(last, slot) - 1) if last is not None else 0
        due.append(Due(job, slot, missed))
    return due


# Key custody


def recorded_fingerprints() -> dict[str, set[str]]:
    recorded: dict[str, set[str]] = {KeyFingerprint.CONSULTATION: set(), KeyFingerprint.INDEX: set()}
    for purpose, print_ in KeyFingerprint.objects.values_list("purpose", "fingerprint"):
        recorded.setdefault(purpose, set()).add(print_)
    return recorded


def _encrypted_columns() -> Iterator[tuple[str, str, bool]]:
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, ENCRYPTED_FIELD_TYPES) and field.column:
                yield model._meta.db_table, field.column, isinstance(field, EncryptedBinaryField)


def _sample_tokens() -> Iterator[tuple[str, bytes]]:
    """One stored token of every encrypted column that holds any (read raw, not decrypted)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, column, binary in _encrypted_columns():
            name = quote(column)
            # Table and column names come from the model registry, never from input.
            sql = f"SELECT {name} FROM {quote(table)} WHERE {name} IS NOT NULL AND LENGTH({name}) > 0 LIMIT 1"  # noqa: S608
            cursor.execute(sql)
            row = cursor.fetchone()
            if row is None:
                continue
            value = row[0]
            token = bytes(value) if binary else str(value).encode("ascii", "replace")
            yield f"{table}.{column}", token


def key_problems() -> list[str]:
    """Why the configured keys cannot read this database's data (empty when they can)."""
    try:
        recorded = recorded_fingerprints()
    except DatabaseError:
        return []  # not migrated yet: nothing stored, nothing to read
    configured = configured_fingerprints()
    problems = []
    index_known = recorded.get(KeyFingerprint.INDEX, set())
    if index_known and not index_known.intersection(configured[KeyFingerprint.INDEX]):
        problems.append(
            "CONSULTATION_INDEX_KEY is not the key this database was written with "
            "(LINE users and web chat codes would no longer be found)."
        )
    consultation_known = recorded.get(KeyFingerprint.CONSULTATION, set())
    if consultation_known and not consultation_known.intersection(configured[KeyFingerprint.CONSULTATION]):
        problems.append("None of CONSULTATION_KEYS is a key this database's data was encrypted with.")
    try:
        fernet = MultiFernet([Fernet(key) for key in settings.CONSULTATION_KEYS])
    except ValueError:
        return [*problems, "CONSULTATION_KEYS holds a value that is not a Fernet key."]
    try:
        samples = list(_sample_tokens())
    except DatabaseError:
        return problems
    for where, token in samples:
        try:
            fernet.decrypt(token)
        except InvalidToken:
            problems.append(f"CONSULTATION_KEYS cannot decrypt the stored {where}.")
    return problems


# Health

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


# Comparing databases


def table_digests() -> dict[str, tuple[int, str]]:
    """Row count and a digest of the ordered rows of every table (to compare two databases)."""
    digests = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - names from introspection
            rows = sorted(repr(tuple(_plain(v) for v in row)) for row in cursor.fetchall())
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            digests[table] = (len(rows), digest)
    return digests


def _plain(value: Any) -> Any:
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(datetime.UTC).replace(tzinfo=None)
    return value
