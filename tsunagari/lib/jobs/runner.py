"""Queueing, running and reporting imports (``ImportJob``) in the task worker.

An app registers what a kind of job does (``register("directory.sheet", handler)`` from its
``AppConfig.ready()``); its page queues a job with ``queue(...)`` and then shows the job's
progress, reloading itself until the job is finished. The handler runs in the worker inside
the job's platform scope and reports through ``Progress``: ``start(phase, total)``,
``advance(n)`` and ``error(row, column, message)``; it raises ``JobFailed`` to fail the job
with the errors it reported. A handler validates everything before it writes and writes in
short transactions (a batch of rows each), so that the LINE webhook and the staff pages never
wait long for SQLite's write lock; a handler that dies mid-apply leaves the job "running"
without a heartbeat, which the page shows as failed (``ImportJob.stalled``) and which can be
run again: handlers write by stable ids (upserts), so a second run completes the first.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled
from django_tasks import task

from tsunagari.lib.jobs.models import ImportJob

logger = logging.getLogger(__name__)

QUEUE = "imports"
MAX_ERRORS = 200  # errors kept with their row and column; the rest are counted
FLUSH_SECONDS = 0.5  # progress is written at most this often

Handler = Callable[[ImportJob, "Progress"], dict[str, Any]]
HANDLERS: dict[str, Handler] = {}


class JobFailed(Exception):
    """Raised by a handler: the job failed with the errors it reported (nothing was applied)."""


class StageRefused(ValueError):
    """The upload is larger than the limit (counted on its bytes, not on what it declares)."""


def register(kind: str, handler: Handler) -> None:
    HANDLERS[kind] = handler


def staging_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stage(upload: Any, *, max_bytes: int, suffix: str = "") -> tuple[str, int]:
    """Copy an uploaded file (any object with ``chunks()`` or ``read()``) into the staging folder,
    counting its real bytes; ``StageRefused`` beyond ``max_bytes`` (the partial copy is removed).
    Returns the staged path and its size."""
    path = staging_dir() / f"{uuid.uuid4().hex}{suffix}"
    size = 0
    chunks = upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(1 << 20), b"")
    try:
        with path.open("wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise StageRefused(
                        _("ファイルが大きすぎます（%(limit)s MB まで）。")
                        % {"limit": f"{max_bytes / (1 << 20):,.0f}"}
                    )
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return str(path), size


def queue(
    platform: Any,
    kind: str,
    *,
    key: str,
    target: str = "",
    filename: str = "",
    staged: str = "",
    size: int = 0,
    user: Any = None,
) -> ImportJob:
    """The job of this idempotency key, created and handed to the worker the first time (call in
    the caller's transaction: the task row commits with the job)."""
    with scopes_disabled():
        job, created = ImportJob.objects.get_or_create(
            key=key,
            defaults={
                "platform": platform,
                "kind": kind,
                "target": target,
                "filename": filename[:200],
                "staged": staged,
                "size": size,
                "created_by": user,
            },
        )
    if created:
        run_job.enqueue(job.pk)
    elif staged and staged != job.staged:
        Path(staged).unlink(missing_ok=True)  # a double submit: the first staged copy is the job's
    return job


def requeue(job: ImportJob) -> bool:
    """Run a failed (or stalled) job again; False if it is not failed."""
    if not job.failed:
        return False
    with scopes_disabled():
        updated = ImportJob.objects.filter(pk=job.pk, state=job.state, attempts=job.attempts).update(
            state=ImportJob.State.QUEUED, finished_at=None
        )
    if updated:
        run_job.enqueue(job.pk)
    return bool(updated)


class Progress:
    """What the handler reports; written to the job row in its own short statement."""

    def __init__(self, job: ImportJob) -> None:
        self.job_id = job.pk
        self.phase = ""
        self.total = 0
        self.done = 0
        self.errors: list[dict[str, Any]] = []
        self.error_count = 0
        self._flushed = 0.0

    def start(self, phase: str, total: int = 0) -> None:
        self.phase, self.total, self.done = phase, total, 0
        self.flush(force=True)

    def advance(self, n: int = 1) -> None:
        self.done += n
        self.flush()

    def error(self, row: int | None, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"row": row, "column": column, "message": str(message)})

    def flush(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._flushed < FLUSH_SECONDS:
            return
        self._flushed = now
        with scopes_disabled():
            ImportJob.objects.filter(pk=self.job_id).update(
                phase=self.phase,
                total=self.total,
                done=self.done,
                errors=self.errors,
                error_count=self.error_count,
                heartbeat_at=timezone.now(),
            )


def run(job_id: int) -> str:
    """Claim the job (queued → running, one conditional UPDATE) and run its handler."""
    now = timezone.now()
    with scopes_disabled():
        claimed = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.QUEUED).update(
            state=ImportJob.State.RUNNING,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            done=0,
            total=0,
            phase="",
            errors=[],
            error_count=0,
        )
        if not claimed:
            return "not queued"
        job = ImportJob.objects.select_related("platform").get(pk=job_id)
    progress = Progress(job)
    state, result = ImportJob.State.FAILED, {}
    try:
        handler = HANDLERS[job.kind]
        with scope(platform=job.platform):
            result = handler(job, progress) or {}
        state = ImportJob.State.DONE
    except JobFailed:
        pass
    except Exception:
        logger.exception("import job %s (%s) failed", job.uuid, job.kind)
        progress.error(
            None,
            "",
            _("取り込みの途中で内部エラーが起きました。もう一度実行するか、管理者に連絡してください。"),
        )
    progress.flush(force=True)
    with scopes_disabled(), transaction.atomic():
        ImportJob.objects.filter(pk=job_id).update(state=state, result=result, finished_at=timezone.now())
    if state == ImportJob.State.DONE and job.staged:
        Path(job.staged).unlink(missing_ok=True)
    return state


@task(queue_name=QUEUE)
def run_job(job_id: int) -> str:
    """The task the worker runs for one job (``manage.py db_worker``)."""
    return run(job_id)
