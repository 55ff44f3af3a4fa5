"""Reads of the operations app."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from operations.models import JobRun
from operations.schedule import JOBS, Job


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
