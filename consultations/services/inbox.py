"""The counsellors' shared inbox: assigning, states, internal notes, the counsellor's record,
replies and canned replies. What the inbox lists and counts is in ``consultations.queries``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import Actor
from audit.services import log_action
from consultations.models import (
    CannedReply,
    Conversation,
    ConversationRecord,
    ConversationState,
    ConversationTopic,
    InternalNote,
    Message,
    ReadMarker,
    RiskLevel,
    Topic,
)
from consultations.services.conversations import do_send
from consultations.services.privacy import read_conversation
from platforms.models import Platform

URGENT_RISKS = (RiskLevel.HIGH, RiskLevel.EMERGENCY)


# --- writes --------------------------------------------------------------------------------------


def do_open_conversation(conversation: Conversation, *, actor: Actor) -> list[Message]:
    """A staff read: audited (READ_SENSITIVE, through privacy.read_conversation), unsent messages
    left out, and the conversation marked read for this user."""
    user = actor.user
    with transaction.atomic():
        messages = list(read_conversation(conversation, actor=actor).select_related("sent_by"))
        if user is not None:
            ReadMarker.objects.update_or_create(
                platform=conversation.platform,
                conversation=conversation,
                user=user,
                defaults={"read_at": timezone.now()},
            )
    return messages


def do_assign(conversation: Conversation, assignee: User | None, *, actor: Actor) -> None:
    with transaction.atomic():
        conversation.assigned_to = assignee
        fields = ["assigned_to"]
        if assignee is not None and conversation.state == ConversationState.NEW:
            conversation.state = ConversationState.OPEN
            fields.append("state")
        conversation.save(update_fields=fields)
        log_action(
            "conversation.assigned",
            by=actor,
            platform=conversation.platform,
            obj=conversation,
            data={"assignee": assignee.email if assignee else None},
        )


def do_set_state(conversation: Conversation, state: str, *, actor: Actor) -> None:
    if state not in ConversationState.values:
        raise ValidationError(_("状態を選んでください。"))
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.is_closed and state != ConversationState.CLOSED:
            newer = Conversation.objects.active().filter(consulter_id=conversation.consulter_id).exists()
            if newer:
                raise ValidationError(_("この相談者には新しい相談があります。終了した相談は再開できません。"))
        previous = conversation.state
        conversation.state = state
        conversation.closed_at = timezone.now() if state == ConversationState.CLOSED else None
        conversation.save(update_fields=["state", "closed_at"])
        log_action(
            "conversation.state",
            by=actor,
            platform=conversation.platform,
            obj=conversation,
            data={"from": previous, "to": state},
        )


def do_add_note(conversation: Conversation, body: str, *, actor: Actor) -> InternalNote:
    body = body.strip()
    if not body:
        raise ValidationError(_("メモを入力してください。"))
    with transaction.atomic():
        note = InternalNote.objects.create(
            platform=conversation.platform, conversation=conversation, author=actor.user, body=body
        )
        log_action(
            "conversation.note",
            by=actor,
            platform=conversation.platform,
            obj=conversation,
        )
    return note


def do_update_record(
    conversation: Conversation,
    *,
    age_band: str,
    topics: Iterable[str],
    risk_level: str,
    outcome: str,
    actor: Actor,
) -> ConversationRecord:
    """Save the counsellor's record; a high risk level flags the conversation urgent."""
    wanted = [topic for topic in Topic.values if topic in set(topics)]
    with transaction.atomic():
        record, _created = ConversationRecord.objects.get_or_create(
            conversation=conversation, defaults={"platform": conversation.platform}
        )
        record.age_band = age_band
        record.risk_level = risk_level
        record.outcome = outcome
        record.full_clean(exclude=["conversation", "platform"])
        record.save()
        ConversationTopic.objects.filter(record=record).exclude(topic__in=wanted).delete()
        have = set(ConversationTopic.objects.filter(record=record).values_list("topic", flat=True))
        ConversationTopic.objects.bulk_create(
            [
                ConversationTopic(platform=conversation.platform, record=record, topic=t)
                for t in wanted
                if t not in have
            ]
        )
        if risk_level in URGENT_RISKS and not conversation.urgent:
            conversation.urgent = True
            conversation.urgent_reason = str(_("相談員がリスク「高」以上を記録"))[:120]
            conversation.save(update_fields=["urgent", "urgent_reason"])
        log_action(
            "conversation.record",
            by=actor,
            platform=conversation.platform,
            obj=conversation,
            data={"age_band": age_band, "topics": wanted, "risk": risk_level, "outcome": outcome},
        )
    return record


def do_clear_urgent(conversation: Conversation, *, actor: Actor) -> None:
    with transaction.atomic():
        conversation.urgent = False
        conversation.save(update_fields=["urgent"])
        log_action(
            "conversation.urgent_cleared",
            by=actor,
            platform=conversation.platform,
            obj=conversation,
        )


def do_reply(conversation: Conversation, text: str, *, actor: Actor) -> Message:
    """Send a counsellor's reply back through the conversation's own channel."""
    text = text.strip()
    if not text:
        raise ValidationError(_("返信を入力してください。"))
    if conversation.is_closed:
        raise ValidationError(_("終了した相談には返信できません。"))
    return do_send(conversation, text, actor=actor)


# --- canned replies ------------------------------------------------------------------------------


def do_save_canned(
    platform: Platform,
    data: dict[str, Any],
    *,
    canned: CannedReply | None = None,
    actor: Actor,
) -> CannedReply:
    duplicate = CannedReply.objects.filter(title=data["title"]).exclude(pk=canned.pk if canned else 0)
    if duplicate.exists():
        raise ValidationError(_("同じ見出しの定型文が既にあります。"))
    with transaction.atomic():
        canned = canned or CannedReply(platform=platform)
        for field in ("title", "body", "order"):
            setattr(canned, field, data[field])
        canned.save()
        log_action("canned_reply.saved", by=actor, platform=platform, obj=canned)
    return canned


def do_delete_canned(canned: CannedReply, *, actor: Actor) -> None:
    with transaction.atomic():
        log_action(
            "canned_reply.deleted",
            by=actor,
            platform=canned.platform,
            obj=canned,
        )
        canned.delete()
