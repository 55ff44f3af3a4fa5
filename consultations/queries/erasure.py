"""What erasing a person or a household's case would touch, shown before the staff confirm
(counts, no content), and the rows the erasure itself finds (``consultations.services.privacy``).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from consultations.crypto import blind_index
from consultations.models import (
    Case,
    CaseStatus,
    ChannelKind,
    Consent,
    Consulter,
    Conversation,
    InboundEvent,
    MemberConsent,
    Message,
    Referral,
)


def with_content(messages: QuerySet[Message]) -> QuerySet[Message]:
    return messages.filter(~Q(text="") | Q(image__isnull=False) | ~Q(line_message_id="") | ~Q(meta={}))


@dataclass
class ErasurePreview:
    """What erasing one person would touch (shown before confirming; no content)."""

    consultations: int
    open_consultations: int
    messages: int
    referrals: int
    referrals_sent: int
    open_referrals: int
    active_consents: int
    cases: int
    open_cases: int
    raw_events: int
    erased_at: datetime.datetime | None

    @property
    def nothing_left(self) -> bool:
        return not (
            self.open_consultations
            or self.messages
            or self.active_consents
            or self.open_cases
            or self.raw_events
            or self.erased_at is None
        )


def erasure_preview(consulter: Consulter) -> ErasurePreview:
    conversations = Conversation.objects.filter(consulter=consulter)
    referrals = Referral.objects.filter(conversation__consulter=consulter)
    cases = Case.objects.filter(conversation__consulter=consulter)
    return ErasurePreview(
        consultations=conversations.count(),
        open_consultations=conversations.active().count(),
        messages=with_content(Message.objects.filter(conversation__consulter=consulter)).count(),
        referrals=referrals.count(),
        referrals_sent=referrals.filter(sent_to_receiver_at__isnull=False).count(),
        open_referrals=referrals.open().count(),
        active_consents=Consent.objects.filter(
            conversation__consulter=consulter, withdrawn_at__isnull=True
        ).count(),
        cases=cases.count(),
        open_cases=cases.filter(status=CaseStatus.OPEN).count(),
        raw_events=len(raw_events_of(consulter)),
        erased_at=consulter.erased_at,
    )


def raw_events_of(consulter: Consulter) -> list[int]:
    """The stored LINE webhook events that came from this person (whose payload is still kept).

    An event is tied to nobody in the schema; its (encrypted) payload names the LINE user, and
    the person's keyed hash of that user id identifies them exactly. Web chat has no events.
    """
    if consulter.channel.kind != ChannelKind.LINE or consulter.erased_at is not None:
        return []
    found = []
    events = InboundEvent.objects.filter(channel_id=consulter.channel_id).exclude(payload="")
    for pk, payload in events.values_list("pk", "payload").iterator(chunk_size=500):
        try:
            user_id = (json.loads(payload).get("source") or {}).get("userId")
        except (ValueError, AttributeError):
            continue
        if isinstance(user_id, str) and blind_index(user_id, "line") == consulter.identity_hash:
            found.append(pk)
    return found


@dataclass
class CaseErasurePreview:
    """What erasing a household's case would touch (shown before confirming; no content)."""

    members: int
    contacts: int
    tasks: int
    entries: int
    is_open: bool
    active_consents: int
    organisations: int
    erased_at: datetime.datetime | None

    @property
    def nothing_left(self) -> bool:
        return self.erased_at is not None and not (self.is_open or self.active_consents)


def case_erasure_preview(case: Case) -> CaseErasurePreview:
    return CaseErasurePreview(
        members=case.household.count(),
        contacts=case.contacts.count(),
        tasks=case.tasks.count(),
        entries=case.entries.count(),
        is_open=case.is_open,
        active_consents=Consent.objects.filter(pk=case.consent_id, withdrawn_at__isnull=True).count()
        + MemberConsent.objects.filter(member__case=case, withdrawn_at__isnull=True).count(),
        organisations=case.participants.count(),
        erased_at=case.erased_at,
    )
