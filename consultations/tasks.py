"""Background tasks of the consultation desk (django-tasks; `manage.py db_worker` runs them)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_scopes import scope, scopes_disabled
from django_tasks import task

from consultations.models import Channel, Conversation

QUEUE = "consultations"


@task(queue_name=QUEUE)
def drain_line_events(channel_id: int) -> None:
    """Process every stored LINE event of the channel not tried yet (queued by the webhook)."""
    from consultations.services.line import drain_events

    with scopes_disabled():
        channel = Channel.objects.select_related("platform").get(pk=channel_id)
    with scope(platform=channel.platform):
        drain_events(channel)


@task(queue_name=QUEUE)
def process_line_events(channel_id: int, event_ids: list[str]) -> None:
    """Process the named events (retries after a failure, ``manage.py line_events --retry``)."""
    from consultations.services.line import process_events

    with scopes_disabled():
        channel = Channel.objects.select_related("platform").get(pk=channel_id)
    with scope(platform=channel.platform):
        process_events(channel, event_ids)


@task(queue_name=QUEUE)
def deliver_line_messages(conversation_uuid: str) -> None:
    from consultations.services.line import deliver

    with scopes_disabled():
        conversation = Conversation.objects.select_related("platform", "channel").get(uuid=conversation_uuid)
    with scope(platform=conversation.platform):
        if deliver(conversation):
            later = timezone.now() + datetime.timedelta(seconds=30)
            deliver_line_messages.using(run_after=later).enqueue(conversation_uuid)
