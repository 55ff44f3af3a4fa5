"""The task that sends an issue at the list's rate (``manage.py db_worker`` runs it)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_scopes import scope, scopes_disabled
from django_tasks import task

from mailings.models import Delivery, Issue
from mailings.services.issues import finish_if_done, queue_batch

QUEUE = "mail"
PAUSE = datetime.timedelta(minutes=1)


@task(queue_name=QUEUE)
def send_issue(issue_id: int) -> None:
    """Queue one minute's worth of the issue's mails in the outbox (its worker sends them), then
    come back a minute later, until every delivery has its mail; then mark the issue sent once
    the outbox has sent or failed them all."""
    with scopes_disabled():
        issue = Issue.objects.select_related("mailing_list", "platform").get(pk=issue_id)
    with scope(platform=issue.platform):
        if issue.status != Issue.Status.SENDING:
            return
        queue_batch(issue, issue.mailing_list.rate_per_minute)
        if finish_if_done(issue):
            return
        more = Delivery.objects.filter(issue=issue, mail__isnull=True, skipped=False).exists()
        send_issue.using(run_after=timezone.now() + (PAUSE if more else PAUSE * 5)).enqueue(issue_id)
