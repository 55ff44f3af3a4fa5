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
from django.db.models import Max
from django.utils import timezone

from accounts.permissions import Actor
from audit.services import log_action
from consultations.crisis import URGENT_REASON, Recognition, crisis_reply, platform_words, recognise
from consultations.crisis_rules import PlatformWord
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
from platforms.models import Platform

# Do not repeat the same automatic answer within this time in one consultation.
AUTO_REPLY_QUIET = datetime.timedelta(hours=6)
CRISIS_REPLY_QUIET = datetime.timedelta(minutes=30)

OUT_OF_HOURS = (
    "メッセージありがとうございます。ただいま相談員の対応時間外です。\n"
    "メッセージは24時間受け付けています。{slot}から、相談員が順番にお返事します。"
)
NO_HOURS = "メッセージありがとうございます。相談員が確認してお返事します。"
IN_HOURS = "メッセージありがとうございます。相談員がお返事しますので、少しお待ちください。"


class Desk:
    """What ``do_receive`` reads about a platform's desk, read once for many messages.

    The LINE worker keeps one for a batch of events: the hours and the crisis words are read
    once (the first time they are needed); the open consultation of each person met is
    remembered inside one transaction (``forget_open()`` when it ends: a counsellor may close
    one between two), and when each consultation was last sent each kind of automatic answer
    for the whole batch (only the worker writes those; ``forget()`` after a rolled-back
    savepoint). So a batch costs a few queries per message instead of a dozen.
    """

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self._schedule: Schedule | None = None
        self._words: list[PlatformWord] | None = None
        # consulter pk -> the open consultation (None: none is open)
        self.open: dict[int, Conversation | None] = {}
        # (conversation pk, auto reason) -> the latest automatic answer of that reason (None: none)
        self.said: dict[tuple[int, str], datetime.datetime | None] = {}
        # When a set: the consultations whose automatic LINE answers are to be delivered, for the
        # caller to queue one delivery for all in the same transaction (else one per answer).
        self.deliveries: set[str] | None = None

    @property
    def schedule(self) -> Schedule:
        if self._schedule is None:
            self._schedule = Schedule.for_platform(self.platform)
        return self._schedule

    @property
    def words(self) -> list[PlatformWord]:
        if self._words is None:
            self._words = platform_words(self.platform)
        return self._words

    def recognise(self, kind: str, text: str) -> Recognition | None:
        """Crisis expressions in a person's text or postback (None for other kinds)."""
        if kind not in (MessageKind.TEXT, MessageKind.POSTBACK) or not text.strip():
            return None
        return recognise(text, words=self.words)

    def read_said(self, conversations: list[int]) -> None:
        """Remember the latest automatic answer of each reason of these consultations (one query)."""
        unknown = [pk for pk in conversations if (pk, "crisis") not in self.said]
        if not unknown:
            return
        for pk in unknown:
            self.said[(pk, "crisis")] = self.said[(pk, "out_of_hours")] = None
        latest = (
            Message.objects.filter(conversation__in=unknown, direction=Direction.AUTO)
            .values_list("conversation_id", "meta__auto")
            .annotate(latest=Max("created_at"))
            .order_by()
        )
        for pk, reason, at in latest:
            self.said[(pk, reason)] = at

    def forget_open(self) -> None:
        """The transaction that read the open consultations ended."""
        self.open.clear()

    def forget(self) -> None:
        """Drop everything read or written of rows (a savepoint was rolled back)."""
        self.open.clear()
        self.said.clear()


@dataclass
class Received:
    message: Message
    conversation: Conversation
    opened: bool
    auto_replies: list[Message] = field(default_factory=list)


def open_conversation(
    consulter: Consulter, at: datetime.datetime, desk: Desk | None = None
) -> tuple[Conversation, bool]:
    """The consulter's consultation that is not closed, or a new one."""
    desk = desk or Desk(consulter.platform)
    if consulter.pk in desk.open:
        current = desk.open[consulter.pk]
    else:
        current = (
            Conversation.objects.filter(consulter=consulter).exclude(state=ConversationState.CLOSED).first()
        )
    if current is not None:
        desk.open[consulter.pk] = current
        return current, False
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(
                platform=consulter.platform,
                consulter=consulter,
                channel=consulter.channel,
                opened_at=at,
                arrived_in_hours=desk.schedule.is_open(at),
            )
    except IntegrityError:  # another process opened it a moment ago
        conversation = Conversation.objects.exclude(state=ConversationState.CLOSED).get(consulter=consulter)
        desk.open[consulter.pk] = conversation
        return conversation, False
    desk.open[consulter.pk] = conversation
    # A new consultation has sent no automatic answer yet.
    desk.said.update({(conversation.pk, "crisis"): None, (conversation.pk, "out_of_hours"): None})
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
    desk: Desk | None = None,
    recognition: Recognition | None = None,
) -> Received:
    """``desk``: the platform's hours, crisis words and rows read for earlier messages of the
    same transaction (the LINE worker's batch); read here when not given. ``recognition``: the
    text's crisis expressions (``desk.recognise``) found before the transaction began."""
    at = at or timezone.now()
    desk = desk or Desk(consulter.platform)
    with transaction.atomic():
        conversation, opened = open_conversation(consulter, at, desk)
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
        changed = ["last_message_at", "last_inbound_at"]
        if conversation.state == ConversationState.WAITING:
            conversation.state = ConversationState.OPEN
            changed.append("state")
        received = Received(message, conversation, opened)
        found = recognition if recognition is not None else desk.recognise(kind, text)
        if found is not None and found.crisis:
            if not conversation.urgent:
                conversation.urgent = True
                # The category in clear, the words as written only encrypted (urgent_words).
                conversation.urgent_reason = URGENT_REASON
                conversation.urgent_words = "、".join(found.matched[:3])
                changed += ["urgent", "urgent_reason", "urgent_words"]
                log_action(
                    "consultation.flagged_urgent",
                    platform=consulter.platform,
                    obj=conversation,
                    label="auto",
                    data={"words": len(found.matched)},
                )
            if not _said_recently(conversation, "crisis", CRISIS_REPLY_QUIET, at, desk):
                received.auto_replies.append(
                    _auto(conversation, crisis_reply(consulter.platform), "crisis", at, desk)
                )
        # Only what changed: a counsellor may be assigning or closing it meanwhile (PostgreSQL),
        # and the encrypted words are not encrypted again for every message.
        conversation.save(update_fields=changed)
        auto = _hours_reply(conversation, opened, at, desk)
        if auto is not None:
            received.auto_replies.append(auto)
    return received


class ReceiveBatch:
    """Messages received together in one transaction (the LINE worker's), written in a few
    statements instead of a few each: every message and automatic answer in one INSERT, the
    consultations' times in one UPDATE, those waiting for the person reopened in another.

    Only what ``do_receive`` would do without opening a consultation or flagging one urgent
    goes here (``accepts``): the person's consultation is open (``desk.open``) and the text has
    no crisis expression. Anything else goes through ``do_receive`` after ``flush()``, so that
    what it reads is written. Answers are collected in ``desk.deliveries`` (required).
    """

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.messages: list[Message] = []
        self.touched: dict[int, Conversation] = {}
        self.reopened: set[int] = set()

    def __len__(self) -> int:
        return len(self.messages)

    def accepts(self, consulter: Consulter, kind: str, text: str, recognition: Recognition | None) -> bool:
        """``recognition``: the text's crisis expressions, when already looked for."""
        if self.desk.open.get(consulter.pk) is None or self.desk.deliveries is None:
            return False  # do_receive opens a consultation (and answers as for a new one)
        found = recognition if recognition is not None else self.desk.recognise(kind, text)
        # A crisis: do_receive flags it urgent, audits it and answers with the 24-hour lines.
        return found is None or not found.crisis

    def add(
        self,
        consulter: Consulter,
        *,
        kind: str,
        text: str = "",
        image: bytes | None = None,
        image_type: str = "",
        meta: dict[str, Any] | None = None,
        line_message_id: str = "",
        at: datetime.datetime | None = None,
    ) -> None:
        """What do_receive does for a person whose consultation is open, the writes kept for
        ``flush()``."""
        at = at or timezone.now()
        conversation = self.desk.open[consulter.pk]
        assert conversation is not None and self.desk.deliveries is not None  # noqa: S101 (see accepts)
        self.messages.append(
            Message(
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
        )
        conversation.last_message_at = at
        conversation.last_inbound_at = at
        if conversation.state == ConversationState.WAITING:
            conversation.state = ConversationState.OPEN
            self.reopened.add(conversation.pk)
        self.touched[conversation.pk] = conversation
        auto = _hours_reply(conversation, False, at, self.desk, save=False)
        if auto is not None:
            self.messages.append(auto)

    def flush(self) -> None:
        messages, touched, reopened = self.messages, self.touched, self.reopened
        self.messages, self.touched, self.reopened = [], {}, set()
        if not messages:
            return
        Message.objects.bulk_create(messages)
        # Only these fields, as do_receive's save(update_fields=...): a counsellor may be
        # assigning or closing one meanwhile (PostgreSQL).
        Conversation.objects.bulk_update(list(touched.values()), ["last_message_at", "last_inbound_at"])
        if reopened:
            Conversation.objects.filter(pk__in=reopened).update(state=ConversationState.OPEN)


def _hours_reply(
    conversation: Conversation, opened: bool, at: datetime.datetime, desk: Desk, *, save: bool = True
) -> Message | None:
    """``save=False``: the answer is returned unsaved (``ReceiveBatch`` inserts it with others)."""
    schedule = desk.schedule
    if schedule.is_open(at):
        return _auto(conversation, IN_HOURS, "in_hours", at, desk, save=save) if opened else None
    if _said_recently(conversation, "out_of_hours", AUTO_REPLY_QUIET, at, desk):
        return None
    slot = schedule.next_open(at)
    text = OUT_OF_HOURS.format(slot=format_slot(slot, language="ja")) if slot else NO_HOURS
    return _auto(conversation, text, "out_of_hours", at, desk, save=save)


def _said_recently(
    conversation: Conversation, reason: str, quiet: datetime.timedelta, at: datetime.datetime, desk: Desk
) -> bool:
    """Whether the consultation was sent the automatic answer ``reason`` within ``quiet`` before ``at``."""
    key = (conversation.pk, reason)
    if key not in desk.said:
        desk.said[key] = (
            Message.objects.filter(conversation=conversation, direction=Direction.AUTO, meta__auto=reason)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
    latest = desk.said[key]
    return latest is not None and latest > at - quiet


def _auto(
    conversation: Conversation,
    text: str,
    reason: str,
    at: datetime.datetime,
    desk: Desk,
    *,
    save: bool = True,
) -> Message:
    # do_receive sets the consultation's last_message_at to ``at`` itself (the same moment).
    message = _outbound(
        conversation,
        text,
        direction=Direction.AUTO,
        meta={"auto": reason},
        at=at,
        touch=False,
        deliveries=desk.deliveries,
        save=save,
    )
    key = (conversation.pk, reason)
    if key in desk.said:
        latest = desk.said[key]
        desk.said[key] = at if latest is None or latest < at else latest
    return message


def _outbound(
    conversation: Conversation,
    text: str,
    *,
    direction: str,
    meta: dict[str, Any] | None = None,
    user: Any = None,
    at: datetime.datetime | None = None,
    touch: bool = True,
    deliveries: set[str] | None = None,
    save: bool = True,
) -> Message:
    """``touch``: set the consultation's last_message_at (the caller does not). ``deliveries``:
    collect the consultation there for the caller to queue its delivery (else queued here).
    ``save=False`` (with ``deliveries`` and not ``touch``): the message is returned unsaved, for
    the caller to insert in the same transaction."""
    at = at or timezone.now()
    is_line = conversation.channel.kind == ChannelKind.LINE
    if not save:
        assert deliveries is not None and not touch  # noqa: S101 (a programming error)
    message = Message(
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
    if save:
        message.save(force_insert=True)
    if touch:
        Conversation.objects.filter(pk=conversation.pk).update(last_message_at=at)
    if is_line and deliveries is not None:
        deliveries.add(str(conversation.uuid))
    elif is_line:
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
