"""Reads of the operations app."""

from __future__ import annotations

from dataclasses import dataclass

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
