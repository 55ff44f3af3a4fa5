"""Conversations and messages, whatever the channel: the writes every other service builds on.

``do_receive`` takes one message from a person (LINE or web chat): it opens a consultation
when none is open (a message after closing opens a new one), flags crisis words urgent and
answers them at once with 24-hour lines, and outside business hours says when a counsellor
will answer. ``do_send`` records a counsellor's (or the desk's automatic) message and hands
LINE messages to the delivery task.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.permissions import Actor
from audit.services import log_action
from consultations.crisis import URGENT_REASON, crisis_reply, recognise
from consultations.hours import Schedule, format_slot
from consultations.models import (
    ChannelKind,
    Consulter,
    Conversation,
    ConversationState,
    Delivery,
    Direction,
    Message,
    MessageKind,
)
from consultations.services.delivery import deliver_line_messages

# Do not repeat the same automatic answer within this time in one consultation.
AUTO_REPLY_QUIET = datetime.timedelta(hours=6)
CRISIS_REPLY_QUIET = datetime.timedelta(minutes=30)

OUT_OF_HOURS = (
    "メッセージありがとうございます。ただいま相談員の対応時間外です。\n"
    "メッセージは24時間受け付けています。{slot}から、相談員が順番にお返事します。"
)
NO_HOURS = "メッセージありがとうございます。相談員が確認してお返事します。"
IN_HOURS = "メッセージありがとうございます。相談員がお返事しますので、少しお待ちください。"


@dataclass
class Received:
    message: Message
    conversation: Conversation
    opened: bool
    auto_replies: list[Message] = field(default_factory=list)


def open_conversation(consulter: Consulter, at: datetime.datetime) -> tuple[Conversation, bool]:
    """The consulter's consultation that is not closed, or a new one."""
    current = Conversation.objects.filter(consulter=consulter).exclude(state=ConversationState.CLOSED).first()
    if current is not None:
        return current, False
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(
                platform=consulter.platform,
                consulter=consulter,
                channel=consulter.channel,
                opened_at=at,
                arrived_in_hours=Schedule.for_platform(consulter.platform).is_open(at),
            )
    except IntegrityError:  # another process opened it a moment ago
        return Conversation.objects.exclude(state=ConversationState.CLOSED).get(consulter=consulter), False
    return conversation, True


def do_receive(
    consulter: Consulter,
    *,
    kind: str = MessageKind.TEXT,
    text: str = "",
    image: bytes | None = None,
    image_type: str = "",
    meta: dict[str, Any] | None = None,
    line_message_id: str = "",
    at: datetime.datetime | None = None,
) -> Received:
    at = at or timezone.now()
    with transaction.atomic():
        conversation, opened = open_conversation(consulter, at)
        message = Message.objects.create(
            platform=consulter.platform,
            conversation=conversation,
            direction=Direction.INBOUND,
            kind=kind,
            text=text,
            image=image,
            image_type=image_type,
            meta=meta or {},
            line_message_id=line_message_id,
            created_at=at,
        )
        conversation.last_message_at = at
        conversation.last_inbound_at = at
        if conversation.state == ConversationState.WAITING:
            conversation.state = ConversationState.OPEN
        received = Received(message, conversation, opened)
        found = (
            recognise(text, consulter.platform) if kind in (MessageKind.TEXT, MessageKind.POSTBACK) else None
        )
        if found is not None and found.crisis:
            if not conversation.urgent:
                conversation.urgent = True
                # The category in clear, the words as written only encrypted (urgent_words).
                conversation.urgent_reason = URGENT_REASON
                conversation.urgent_words = "、".join(found.matched[:3])
                log_action(
                    "consultation.flagged_urgent",
                    platform=consulter.platform,
                    obj=conversation,
                    label="auto",
                    data={"words": len(found.matched)},
                )
            if not _said_recently(conversation, "crisis", CRISIS_REPLY_QUIET, at):
                received.auto_replies.append(
                    _auto(conversation, crisis_reply(consulter.platform), "crisis", at)
                )
        conversation.save()
        auto = _hours_reply(conversation, opened, at)
        if auto is not None:
            received.auto_replies.append(auto)
    return received


def _hours_reply(conversation: Conversation, opened: bool, at: datetime.datetime) -> Message | None:
    schedule = Schedule.for_platform(conversation.platform)
    if schedule.is_open(at):
        return _auto(conversation, IN_HOURS, "in_hours", at) if opened else None
    if _said_recently(conversation, "out_of_hours", AUTO_REPLY_QUIET, at):
        return None
    slot = schedule.next_open(at)
    text = OUT_OF_HOURS.format(slot=format_slot(slot, language="ja")) if slot else NO_HOURS
    return _auto(conversation, text, "out_of_hours", at)


def _said_recently(conversation: Conversation, reason: str, quiet: datetime.timedelta, at) -> bool:
    return Message.objects.filter(
        conversation=conversation, direction=Direction.AUTO, meta__auto=reason, created_at__gt=at - quiet
    ).exists()


def _auto(conversation: Conversation, text: str, reason: str, at: datetime.datetime) -> Message:
    return _outbound(conversation, text, direction=Direction.AUTO, meta={"auto": reason}, at=at)


def _outbound(
    conversation: Conversation,
    text: str,
    *,
    direction: str,
    meta: dict[str, Any] | None = None,
    user: Any = None,
    at: datetime.datetime | None = None,
) -> Message:
    at = at or timezone.now()
    is_line = conversation.channel.kind == ChannelKind.LINE
    message = Message.objects.create(
        platform=conversation.platform,
        conversation=conversation,
        direction=direction,
        kind=MessageKind.TEXT,
        text=text,
        meta=meta or {},
        sent_by=user,
        created_at=at,
        delivery=Delivery.PENDING if is_line else Delivery.NONE,
    )
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=at)
    if is_line:
        # The database task backend writes the task row in this same transaction: the
        # delivery exists exactly when the message does (no lost or orphaned sends).
        deliver_line_messages.enqueue(str(conversation.uuid))
    return message


def do_send(conversation: Conversation, text: str, *, actor: Actor) -> Message:
    """A counsellor's answer. The consultation is then waiting for the person."""
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.is_closed:
            raise ValueError("closed")
        now = timezone.now()
        message = _outbound(conversation, text, direction=Direction.OUTBOUND, user=actor.user, at=now)
        conversation.state = ConversationState.WAITING
        conversation.first_response_at = conversation.first_response_at or now
        conversation.last_message_at = now
        conversation.save(update_fields=["state", "first_response_at", "last_message_at"])
        log_action("consultation.message_sent", by=actor, platform=conversation.platform, obj=conversation)
    return message


def do_close(conversation: Conversation, *, actor: Actor) -> None:
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(
            state=ConversationState.CLOSED, closed_at=timezone.now()
        )
        log_action("consultation.closed", by=actor, platform=conversation.platform, obj=conversation)


def do_hide_unsent(consulter: Consulter, line_message_id: str) -> int:
    """LINE 送信取消: hide the message from counsellors and erase its content for good."""
    with transaction.atomic():
        hidden = Message.objects.filter(
            conversation__consulter=consulter, line_message_id=line_message_id, hidden_at__isnull=True
        ).update(hidden_at=timezone.now(), text="", image=None, meta={"unsent": True})
        if hidden:
            log_action(
                "consultation.message_unsent", platform=consulter.platform, obj=consulter, label="line"
            )
    return hidden
