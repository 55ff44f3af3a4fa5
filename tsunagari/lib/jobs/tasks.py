"""The import jobs' background task (django-tasks; ``manage.py db_worker`` runs it); it lives
beside the runner that queues it (``tsunagari.lib.jobs.runner.run_job``), named here too."""

from __future__ import annotations

from tsunagari.lib.jobs.runner import QUEUE, run_job

__all__ = ["QUEUE", "run_job"]
