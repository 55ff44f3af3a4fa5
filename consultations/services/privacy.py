"""Privacy of consultation content: audited reads, retention, export and erasure of one person's data.

Every read of a conversation's content by staff goes through ``read_conversation`` (an
audit entry of kind READ_SENSITIVE per read). Retention erases the content of consultations
closed longer ago than the platform's ``retention_months`` and keeps only what the
statistics need (who-less counts: channel, times, kinds, states). Export gives one person
everything stored about them, as JSON, for a disclosure request (個人情報保護法); erasure
removes it on their request (利用停止・消去等の請求) with the same erase step as retention.
"""

from __future__ import annotations

import base64
import datetime
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from audit.models import AuditEntry
from audit.services import log_action
from consultations.models import (
    Case,
    CaseStatus,
    Consent,
    Consulter,
    Conversation,
    ConversationState,
    Delivery,
    EventState,
    InboundEvent,
    Message,
)
from consultations.queries import raw_events_of, with_content
from consultations.services.cases import (
    do_close_case,
    erase_case_content,
    erase_casework_content,
    withdraw_member_consents,
)
from consultations.services.channels import desk_settings
from consultations.services.referrals import do_withdraw_consent
from platforms.models import Platform

# Raw webhook payloads are needed only to process (and, rarely, re-process) an event.
RAW_EVENT_DAYS = 30


def read_conversation(conversation: Conversation, *, actor: Actor) -> QuerySet[Message]:
    """The messages a counsellor may see (unsent ones hidden), with the read written to the audit log."""
    messages = Message.objects.filter(conversation=conversation, hidden_at__isnull=True).order_by(
        "created_at", "id"
    )
    log_action(
        AuditEntry.READ_SENSITIVE,
        by=actor,
        platform=conversation.platform,
        obj=conversation,
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
        erased = erase_conversations(list(expired.values_list("pk", flat=True)), now)
        # Cases, including those that began outside a chat (a phone call, a counter or home
        # visit, an agency's referral), by their own closing date: a case closed after its
        # consultation was erased, or one with no consultation at all, is reached too.
        expired_cases = Case.objects.filter(
            platform=platform, status=CaseStatus.CLOSED, closed_at__lt=cutoff, content_deleted_at__isnull=True
        )
        case_ids = list(expired_cases.values_list("pk", flat=True))
        erased["casework"] += erase_case_content(case_ids, now)
        # People with nothing left but erased consultations and no contact within the period:
        # forget how to reach them (the keyed hash stays, so a returning person is counted once).
        idle = (
            Consulter.objects.filter(
                platform=platform, content_deleted_at__isnull=True, first_contact_at__lt=cutoff
            )
            .exclude(conversations__content_deleted_at__isnull=True)
            .exclude(conversations__last_message_at__gte=cutoff)
        )
        people = _forget_contact(idle, now)
        raw = InboundEvent.objects.filter(
            platform=platform,
            state=EventState.DONE,
            received_at__lt=now - datetime.timedelta(days=RAW_EVENT_DAYS),
        ).exclude(payload="")
        payloads = raw.update(payload="")
        counts = {**erased, "cases": len(case_ids), "people": people, "raw_events": payloads}
        log_action(
            "consultation.retention_applied",
            platform=platform,
            label="retention",
            data={"months": months, **counts},
        )
    return counts


def erase_conversations(ids: list[int], now: datetime.datetime) -> dict[str, int]:
    """The one erase step of retention and of a person's erasure request.

    Message text, images, sticker/size facts and LINE message ids, the urgent reason, and the
    casework texts (notes, consent wording, referral and case texts) of these consultations
    are erased; the rows stay, with their times, directions, kinds, channel and the
    counsellor's codes (age band, topics, risk, outcome), so the statistics do not change.
    Answers not yet delivered are not sent any more. Returns what still had content.
    """
    if not ids:
        return {"consultations": 0, "messages": 0, "casework": 0}
    messages = with_content(Message.objects.filter(conversation_id__in=ids)).update(
        text="", image=None, meta={}, line_message_id=""
    )
    Message.objects.filter(conversation_id__in=ids, delivery=Delivery.PENDING).update(
        delivery=Delivery.FAILED, delivery_error="erased"
    )
    Conversation.objects.filter(pk__in=ids).exclude(urgent_reason="", urgent_words="").update(
        urgent_reason="", urgent_words=""
    )
    consultations = Conversation.objects.filter(pk__in=ids, content_deleted_at__isnull=True).update(
        content_deleted_at=now
    )
    casework = erase_casework_content(ids, now)  # notes, consent wording, referral and case texts
    return {"consultations": consultations, "messages": messages, "casework": casework}


def _forget_contact(people: QuerySet[Consulter], now: datetime.datetime, **also: Any) -> int:
    """Forget how to reach these people: the LINE user id and the latest reply token."""
    return people.update(
        line_user_id="",
        reply_token="",
        reply_token_at=None,
        content_deleted_at=Coalesce("content_deleted_at", Value(now)),
        **also,
    )


# --- erasure on request (個人情報保護法 利用停止・消去等の請求) -----------------------------------


def do_erase_person(consulter: Consulter, *, actor: Actor, reason: str) -> dict[str, int]:
    """Erase one person's data on their request, keeping only what the statistics need.

    In one transaction: open consultations are closed (a later message opens a new one),
    consents are withdrawn (receivers stop seeing anything shared, open referrals are
    cancelled), open case conferences are closed (leaving their anonymous record), every
    consultation's content is erased exactly as retention does, the person's raw LINE events
    lose their payload, and the ways to reach or recognise them are forgotten: the LINE user
    id, the reply token, and the keyed hash of the LINE id or web chat code (so the code no
    longer resumes anything, and a returning LINE user is a new person). Counts, channel,
    times, age band, topics and outcome codes stay. Erasing again erases nothing and says so.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("消去の理由を入力してください。"))
    now = timezone.now()
    with transaction.atomic():
        consulter = Consulter.objects.select_for_update().select_related("channel").get(pk=consulter.pk)
        conversations = Conversation.objects.filter(consulter=consulter)
        ids = list(conversations.values_list("pk", flat=True))
        closed = conversations.active().update(state=ConversationState.CLOSED, closed_at=now)
        consents = Consent.objects.filter(conversation_id__in=ids, withdrawn_at__isnull=True)
        withdrawn = cancelled = 0
        for consent in consents:
            cancelled += do_withdraw_consent(consent, actor=actor)
            withdrawn += 1
        open_cases = Case.objects.filter(conversation_id__in=ids, status=CaseStatus.OPEN)
        cases = 0
        for case in open_cases:
            do_close_case(case, actor=actor)
            cases += 1
        erased = erase_conversations(ids, now)
        events = raw_events_of(consulter)
        InboundEvent.objects.filter(pk__in=events).update(payload="")
        # An identified event not processed yet never will be: nothing of it is left to process.
        InboundEvent.objects.filter(pk__in=events, state__in=[EventState.PENDING, EventState.FAILED]).update(
            state=EventState.DONE, processed_at=now, error="erased"
        )
        conversations.exclude(web_code_hash="").update(web_code_hash="")
        forgotten = _forget_contact(
            Consulter.objects.filter(pk=consulter.pk, erased_at__isnull=True),
            now,
            identity_hash="erased:" + secrets.token_hex(24),
            erased_at=now,
        )
        counts = {
            **erased,
            "closed": closed,
            "consents_withdrawn": withdrawn,
            "referrals_cancelled": cancelled,
            "cases_closed": cases,
            "raw_events": len(events),
            "contact": forgotten,
        }
        log_action(
            "consultation.person_erased",
            by=actor,
            platform=consulter.platform,
            obj=consulter,
            label="" if actor.user else "command",
            data={"reason": reason[:200], "nothing_left": not any(counts.values()), **counts},
        )
    return counts


def export_person(consulter: Consulter, *, actor: Actor) -> dict[str, Any]:
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
            "erased_at": consulter.erased_at.isoformat() if consulter.erased_at else None,
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
        by=actor,
        platform=consulter.platform,
        obj=consulter,
        label="" if actor.user else "command",
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


# --- a household's case (one that began outside a chat) -----------------------------------------


def do_erase_case(case: Case, *, actor: Actor, reason: str) -> dict[str, int]:
    """Erase a household's case on their request (個人情報保護法 利用停止・消去等の請求).

    The same steps as a person's erasure, for a case that began with a phone call, a counter
    or home visit or an agency's referral: in one transaction the household's consent is
    withdrawn (in the middle of its period too: the invited organisations lose access at
    once), the case is closed if it is open (leaving its anonymous record), and its texts are
    erased exactly as retention erases them: every household member's name, the contact log,
    the 見立て and plan, tasks, notes, the referring contact and the consent's wording.
    A case opened from a chat is erased with its person (``do_erase_person``).
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("消去の理由を入力してください。"))
    now = timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.conversation_id is not None:
            raise ValidationError(
                _("チャットの相談から開いたケースは、相談者の記録の消去で相談と一緒に消去します。")
            )
        withdrawn = withdraw_member_consents(case, actor)
        consent = Consent.objects.get(pk=case.consent_id)
        if consent.withdrawn_at is None:
            do_withdraw_consent(consent, actor=actor)
            withdrawn += 1
        closed = 0
        if case.is_open:
            do_close_case(case, actor=actor)
            closed = 1
        erased = erase_case_content([case.pk], now)
        marked = Case.objects.filter(pk=case.pk, erased_at__isnull=True).update(erased_at=now)
        counts = {
            "casework": erased,
            "consents_withdrawn": withdrawn,
            "cases_closed": closed,
            "marked": marked,
        }
        log_action(
            "case.erased",
            by=actor,
            platform=case.platform,
            obj=case,
            label="" if actor.user else "command",
            data={"reason": reason[:200], "nothing_left": not any(counts.values()), **counts},
        )
    return counts


def export_case(case: Case, *, actor: Actor) -> dict[str, Any]:
    """Everything stored about a household's case, for a disclosure request; audited."""
    consent = case.consent
    data = {
        "case": {
            "reference": case.reference,
            "origin": case.origin,
            "referring_body": case.referring_body,
            "referring_contact": case.referring_contact,
            "watch_only": case.watch_only,
            "status": case.status,
            "opened_at": case.opened_at.isoformat(),
            "closed_at": case.closed_at.isoformat() if case.closed_at else None,
            "next_review_on": case.next_review_on.isoformat() if case.next_review_on else None,
            "assessment": case.assessment,
            "plan": case.plan,
            "content_deleted_at": case.content_deleted_at.isoformat() if case.content_deleted_at else None,
        },
        "household": [
            {
                "label": m.label,
                "relationship": m.relationship,
                "age_band": m.age_band,
                "is_concern": m.is_concern,
                "is_main_carer": m.is_main_carer,
                "consented": m.consented,
            }
            for m in case.household.all()
        ],
        "consent": {
            "items": consent.items,
            "organisations": sorted(consent.organisations.values_list("name", flat=True)),
            "city_divisions": consent.city_divisions,
            "valid_until": consent.valid_until.isoformat(),
            "statement": consent.statement,
            "withdrawn_at": consent.withdrawn_at.isoformat() if consent.withdrawn_at else None,
        },
        "contacts": [
            {"on": c.occurred_on.isoformat(), "channel": c.channel, "summary": c.summary}
            for c in case.contacts.all()
        ],
        "tasks": [
            {
                "organisation": t.owner_label,
                "description": t.description,
                "due_on": t.due_on.isoformat(),
                "done_at": t.done_at.isoformat() if t.done_at else None,
            }
            for t in case.tasks.select_related("organisation", "guest")
        ],
        "conferences": [
            {"held_on": c.held_on.isoformat(), "outcome": c.outcome} for c in case.conferences.all()
        ],
        "guests": [{"organisation": g.organisation_name, "name": g.name} for g in case.guests.all()],
        "entries": [
            {
                "on": e.occurred_on.isoformat(),
                "kind": e.kind,
                "organisation": e.organisation.name if e.organisation else None,
                "body": e.body,
            }
            for e in case.entries.select_related("organisation")
        ],
    }
    log_action(
        AuditEntry.EXPORT,
        by=actor,
        platform=case.platform,
        obj=case,
        label="" if actor.user else "command",
        data={"what": "case", "members": len(data["household"]), "contacts": len(data["contacts"])},
    )
    return data
