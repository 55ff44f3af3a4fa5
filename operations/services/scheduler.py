"""Running the jobs of ``operations.schedule``: each slot once, missed slots caught up once."""

from __future__ import annotations

import datetime
import io
import logging
import socket

from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from operations.models import JobRun
from operations.queries import Due, due_jobs
from operations.schedule import JOBS, Job

logger = logging.getLogger("tsunagari.scheduler")
OUTPUT_LIMIT = 20_000


def do_run_job(due: Due) -> JobRun | None:
    """Claim the slot (the unique row is the lock) and run it; None when another process has it."""
    try:
        with transaction.atomic():
            run = JobRun.objects.create(
                job=due.job.name, scheduled_for=due.slot, missed=due.missed, host=socket.gethostname()[:120]
            )
    except IntegrityError:
        return None
    out = io.StringIO()
    state = JobRun.SUCCEEDED
    try:
        if due.job.task:
            import_string(due.job.task).enqueue()
            out.write(f"enqueued {due.job.task}\n")
        else:
            call_command(*due.job.command, stdout=out, stderr=out)
    except Exception as exc:  # noqa: BLE001 - a failing job is recorded, the scheduler goes on
        state = JobRun.FAILED
        out.write(f"{exc.__class__.__name__}: {exc}\n")
        logger.exception("scheduled job %s failed", due.job.name)
    JobRun.objects.filter(pk=run.pk).update(
        state=state, finished_at=timezone.now(), output=out.getvalue()[-OUTPUT_LIMIT:]
    )
    run.refresh_from_db()
    return run


def run_due(now: datetime.datetime | None = None, jobs: tuple[Job, ...] = JOBS) -> list[JobRun]:
    """Run every due job once (in declaration order); what ``run_scheduler`` does each tick."""
    runs = []
    for due in due_jobs(now or timezone.now(), jobs):
        run = do_run_job(due)
        if run is not None:
            runs.append(run)
    return runs
