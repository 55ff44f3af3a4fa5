"""Privacy of consultation content: audited reads, retention, export of one person's data.

Every read of a conversation's content by staff goes through ``read_conversation`` (an
audit entry of kind READ_SENSITIVE per read). Retention erases the content of consultations
closed longer ago than the platform's ``retention_months`` and keeps only what the
statistics need (who-less counts: channel, times, kinds, states). Export gives one person
everything stored about them, as JSON, for a disclosure request (個人情報保護法).
"""

from __future__ import annotations

import base64
import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import log_action
from consultations.models import (
    Consulter,
    Conversation,
    ConversationState,
    EventState,
    InboundEvent,
    Message,
)
from consultations.services.cases import erase_casework_content
from consultations.services.channels import desk_settings
from platforms.models import Platform

# Raw webhook payloads are needed only to process (and, rarely, re-process) an event.
RAW_EVENT_DAYS = 30


def read_conversation(conversation: Conversation, *, user: Any, request: Any = None) -> QuerySet[Message]:
    """The messages a counsellor may see (unsent ones hidden), with the read written to the audit log."""
    messages = Message.objects.filter(conversation=conversation, hidden_at__isnull=True).order_by(
        "created_at", "id"
    )
    log_action(
        AuditEntry.READ_SENSITIVE,
        actor=user,
        obj=conversation,
        request=request,
        data={"what": "conversation", "messages": messages.count()},
    )
    return messages


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    year, month = divmod(moment.month - 1 - months, 12)
    day = min(moment.day, 28)
    return moment.replace(year=moment.year + year, month=month + 1, day=day)


def do_apply_retention(platform: Platform, *, now: datetime.datetime | None = None) -> dict[str, int]:
    """Erase content past the platform's retention period. Safe to run daily and re-run."""
    now = now or timezone.now()
    months = desk_settings(platform).retention_months
    cutoff = months_before(now, months)
    with transaction.atomic():
        expired = Conversation.objects.filter(
            platform=platform,
            state=ConversationState.CLOSED,
            closed_at__lt=cutoff,
            content_deleted_at__isnull=True,
        )
        ids = list(expired.values_list("pk", flat=True))
        erased = Message.objects.filter(conversation_id__in=ids).update(
            text="", image=None, meta={}, line_message_id=""
        )
        Conversation.objects.filter(pk__in=ids).update(content_deleted_at=now, urgent_reason="")
        casework = erase_casework_content(ids)  # notes, consent wording, referral and case texts
        # People with nothing left but erased consultations and no contact within the period:
        # forget how to reach them (the keyed hash stays, so a returning person is counted once).
        idle = (
            Consulter.objects.filter(
                platform=platform, content_deleted_at__isnull=True, first_contact_at__lt=cutoff
            )
            .exclude(conversations__content_deleted_at__isnull=True)
            .exclude(conversations__last_message_at__gte=cutoff)
        )
        people = idle.update(line_user_id="", reply_token="", reply_token_at=None, content_deleted_at=now)
        raw = InboundEvent.objects.filter(
            platform=platform,
            state=EventState.DONE,
            received_at__lt=now - datetime.timedelta(days=RAW_EVENT_DAYS),
        ).exclude(payload="")
        payloads = raw.update(payload="")
        counts = {
            "consultations": len(ids),
            "messages": erased,
            "casework": casework,
            "people": people,
            "raw_events": payloads,
        }
        log_action(
            "consultation.retention_applied",
            platform=platform,
            label="retention",
            data={"months": months, **counts},
        )
    return counts


def export_person(consulter: Consulter, *, user: Any = None, request: Any = None) -> dict[str, Any]:
    """Everything stored about one person, for a disclosure request; the export is audited."""
    conversations = Conversation.objects.filter(consulter=consulter).order_by("opened_at")
    data = {
        "person": {
            "label": consulter.label,
            "channel": consulter.channel.kind,
            "first_contact_at": consulter.first_contact_at.isoformat(),
            "following": consulter.following,
            "came_from": consulter.source.label if consulter.source else None,
            "content_deleted_at": consulter.content_deleted_at.isoformat()
            if consulter.content_deleted_at
            else None,
        },
        "consultations": [
            {
                "opened_at": c.opened_at.isoformat(),
                "closed_at": c.closed_at.isoformat() if c.closed_at else None,
                "state": c.state,
                "messages": [
                    _message(m)
                    for m in c.messages.filter(hidden_at__isnull=True).order_by("created_at", "id")
                ],
            }
            for c in conversations
        ],
    }
    log_action(
        AuditEntry.EXPORT,
        actor=user,
        platform=consulter.platform,
        obj=consulter,
        request=request,
        label="" if user else "command",
        data={"what": "person", "consultations": len(data["consultations"])},
    )
    return data


def _message(message: Message) -> dict[str, Any]:
    item: dict[str, Any] = {
        "at": message.created_at.isoformat(),
        "direction": message.direction,
        "kind": message.kind,
        "text": message.text,
    }
    if message.image:
        item["image"] = {
            "type": message.image_type,
            "base64": base64.b64encode(bytes(message.image)).decode(),
        }
    if message.meta.get("sticker_id"):
        item["sticker"] = {
            "package_id": message.meta.get("package_id"),
            "sticker_id": message.meta["sticker_id"],
        }
    return item
