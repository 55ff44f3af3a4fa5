"""Tasks of the operations app, run by the django-tasks worker."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from operations.models import Heartbeat


@task()
def heartbeat() -> None:
    """Record that a worker picked up a task (the scheduler enqueues this every minute)."""
    Heartbeat.objects.update_or_create(name="worker", defaults={"beat_at": timezone.now()})


@task(queue_name="imports")
def heartbeat_imports() -> None:
    """The same for the imports worker (``db_worker --queue-name imports``)."""
    Heartbeat.objects.update_or_create(name="imports", defaults={"beat_at": timezone.now()})
