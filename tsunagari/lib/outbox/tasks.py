"""The outbox's background task (django-tasks; ``manage.py db_worker`` runs it)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from tsunagari.lib.outbox.sending import due_ids, next_due, retry_delay, send_mails

QUEUE = "mail"


@task(queue_name=QUEUE)
def deliver_mail(ids: list[int]) -> None:
    """Send the named mails (queued by a transaction that committed), then whatever else is due.

    After an outage (a mail put back for a retry) one task is scheduled for the retry; the
    mails the outage kept from being tried go with it.
    """
    outcome = send_mails(ids)
    while outcome.retrying == 0 and (due := due_ids()):
        outcome = send_mails(due)
        if outcome.sent == 0 and outcome.failed == 0:
            break  # everything due is in another worker's hands
    if outcome.retrying:
        schedule_retry()


def schedule_retry() -> None:
    now = timezone.now()
    when = next_due()
    if when is None:
        return
    deliver_mail.using(run_after=max(when, now + retry_delay(1))).enqueue([])
