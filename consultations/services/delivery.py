"""Delivery of answers to LINE (worker): the reply token while it is fresh, then pushes with
``X-Line-Retry-Key`` so a retried push is delivered exactly once.

Conversations queue ``deliver_line_messages`` after commit; this module imports neither the
conversation services nor the LINE event processing, so the three form no loop.
"""

from __future__ import annotations

import datetime
import logging
from contextlib import ExitStack

from django.db.models import F
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from django_tasks import task
from linebot.v3.messaging import ApiClient

from audit.services import log_action
from consultations import line_api
from consultations.models import Channel, Consulter, Conversation, Delivery, Message

log = logging.getLogger(__name__)

QUEUE = "consultations"
MAX_DELIVERY_ATTEMPTS = 5


@task(queue_name=QUEUE)
def deliver_line_messages(conversation_uuid: str) -> None:
    with scopes_disabled():
        conversation = Conversation.objects.select_related("platform", "channel").get(uuid=conversation_uuid)
    with scope(platform=conversation.platform):
        if deliver(conversation):
            later = timezone.now() + datetime.timedelta(seconds=30)
            deliver_line_messages.using(run_after=later).enqueue(conversation_uuid)


@task(queue_name=QUEUE)
def deliver_line_batch(conversation_uuids: list[str]) -> None:
    """Deliver the pending LINE messages of several consultations (the automatic answers written
    by one transaction of the LINE worker): one task and one connection to LINE per channel
    instead of one of each per answer. A consultation that cannot be finished now gets its own
    retry, as ``deliver_line_messages`` does."""
    with scopes_disabled():
        conversations = list(
            Conversation.objects.select_related("platform", "channel")
            .filter(uuid__in=conversation_uuids)
            .order_by("pk")
        )
    later = timezone.now() + datetime.timedelta(seconds=30)
    with ExitStack() as stack:
        clients: dict[int, ApiClient] = {}
        for conversation in conversations:
            channel = conversation.channel
            if channel.pk not in clients:
                clients[channel.pk] = stack.enter_context(line_api.session(channel))
            with scope(platform=conversation.platform):
                try:
                    retry = deliver(conversation, client=clients[channel.pk])
                except Exception:  # noqa: BLE001 (the others are still delivered; this one retried)
                    log.exception("delivery of a LINE answer failed; retried later")
                    retry = True
                if retry:
                    deliver_line_messages.using(run_after=later).enqueue(str(conversation.uuid))


def deliver(conversation: Conversation, *, client: ApiClient | None = None) -> bool:
    """Send the conversation's pending LINE messages. True when something is left to retry.

    ``client``: a LINE API client to share between several calls (``line_api.session``)."""
    channel = conversation.channel
    consulter = Consulter.objects.get(pk=conversation.consulter_id)
    pending = list(
        Message.objects.filter(conversation=conversation, delivery=Delivery.PENDING).order_by(
            "created_at", "id"
        )
    )
    if not pending:
        return False
    token = _take_reply_token(consulter)
    if token:
        batch = pending[: line_api.MAX_MESSAGES_PER_CALL]
        try:
            line_api.reply(channel, token, [m.text for m in batch], client=client)
        except line_api.LineApiError as exc:
            log.info("reply token refused (%s); pushing instead", exc.status)
        else:
            Message.objects.filter(pk__in=[m.pk for m in batch]).update(delivery=Delivery.REPLIED)
            pending = pending[len(batch) :]
    retry = False
    for message in pending:
        retry = _push(channel, consulter, message, client) or retry
    return retry


def _take_reply_token(consulter: Consulter) -> str:
    """Claim the single-use reply token if it is still fresh (clears it either way)."""
    if not consulter.reply_token or consulter.reply_token_at is None:
        return ""
    claimed = Consulter.objects.filter(pk=consulter.pk, reply_token_at=consulter.reply_token_at).update(
        reply_token="", reply_token_at=None
    )
    fresh = timezone.now() - consulter.reply_token_at < datetime.timedelta(
        seconds=line_api.REPLY_TOKEN_TTL_SECONDS
    )
    return consulter.reply_token if claimed and fresh else ""


def _push(channel: Channel, consulter: Consulter, message: Message, client: ApiClient | None) -> bool:
    if not consulter.following:
        Message.objects.filter(pk=message.pk).update(delivery=Delivery.FAILED, delivery_error="unfollowed")
        return False
    try:
        line_api.push(channel, consulter.line_user_id, message.text, str(message.retry_key), client=client)
    except line_api.LineApiError as exc:
        attempts = message.delivery_attempts + 1
        final = attempts >= MAX_DELIVERY_ATTEMPTS or 400 <= exc.status < 500 and exc.status != 429
        Message.objects.filter(pk=message.pk).update(
            delivery_attempts=attempts,
            delivery_error=f"{exc.status} {exc.reason}"[:200],
            delivery=Delivery.FAILED if final else Delivery.PENDING,
        )
        if final:
            log_action(
                "consultation.delivery_failed",
                platform=message.platform,
                obj=message.conversation,
                label="line",
            )
        return not final
    # Sent now, or LINE had already accepted this retry key (409): delivered exactly once.
    Message.objects.filter(pk=message.pk).update(
        delivery=Delivery.PUSHED, delivery_attempts=F("delivery_attempts") + 1
    )
    return False
