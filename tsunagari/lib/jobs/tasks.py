"""The import jobs' background task (django-tasks; ``manage.py db_worker`` runs it)."""

from __future__ import annotations

from django_tasks import task

from tsunagari.lib.jobs import runner

QUEUE = "imports"


@task(queue_name=QUEUE)
def run_job(job_id: int) -> str:
    """Run one import job (``tsunagari.lib.jobs.runner.run``)."""
    return runner.run(job_id)
