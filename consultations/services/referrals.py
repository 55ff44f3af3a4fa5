"""Consent and closed-loop referrals: every write is one transaction with an audit entry.

The path (Yamagata, seed 000): the counsellor records the person's consent →
sends a referral (through the secretariat when the platform says so, as
Yamagata routes every case through 生活福祉課) → the receiver accepts, declines
or wait-lists within N business days → records contact made and a required
outcome, with an answer for the person → the counsellor relays the answer
through the channel the person used. Statuses are FHIR Task.status values.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import Actor
from audit.services import log_action
from consultations.models import (
    Case,
    CaseworkSettings,
    Consent,
    Conversation,
    ConversationRecord,
    ConversationState,
    DeclineReason,
    MemberConsent,
    Referral,
    ReferralEvent,
    ReferralOutcome,
    ReferralStatus,
    ShareItem,
)
from consultations.services.conversations import do_send
from directory.models import Service
from partnership.models import MemberOrganisation
from platforms.models import Platform
from tsunagari.lib import mail
from tsunagari.lib.jpcalendar import add_business_days


def _locked(referral: Referral) -> Referral:
    # Lock only the referral row: the receiver joins are outer joins, which PostgreSQL cannot lock.
    locked = Referral.objects.select_for_update(of=("self",))
    return locked.select_related("consent", "receiver_member", "receiver_service", "case").get(pk=referral.pk)


def _event(referral: Referral, kind: str, actor: Actor, note: str = "") -> ReferralEvent:
    role = actor.role
    organisation = role.organisation.name if role is not None and role.organisation is not None else ""
    event = ReferralEvent(
        platform=referral.platform,
        referral=referral,
        actor=actor.user,
        actor_organisation=organisation,
        kind=kind,
        status=referral.status,
    )
    event.note = note
    event.save()
    log_action(
        f"referral.{kind}",
        by=actor,
        platform=referral.platform,
        obj=referral,
        data={"status": referral.status},
    )
    return event


# --- consent -------------------------------------------------------------------------------------


def checked_consent_terms(
    items: Iterable[str],
    organisations: Iterable[MemberOrganisation],
    city_divisions: bool,
    valid_until: datetime.date,
) -> tuple[list[str], list[MemberOrganisation]]:
    """The terms every consent needs (the person's or a household member's): at least one item,
    someone to share with, a date not past. Returns the items in their canonical order."""
    chosen = set(items)
    ordered = [item for item in ShareItem.values if item in chosen]
    bodies = list(organisations)
    if not ordered:
        raise ValidationError(_("共有してよい情報を1つ以上選んでください。"))
    if not bodies and not city_divisions:
        raise ValidationError(_("共有してよい団体か市役所内の関係課を選んでください。"))
    if valid_until < timezone.localdate():
        raise ValidationError(_("同意の期限は今日以降の日付にしてください。"))
    return ordered, bodies


def save_consent(
    platform: Platform,
    conversation: Conversation | None,
    *,
    items: list[str],
    organisations: Iterable[MemberOrganisation],
    city_divisions: bool,
    valid_until: datetime.date,
    statement: str,
    actor: Actor,
) -> Consent:
    """Save a consent whose terms the caller checked, inside the caller's transaction: the
    person's in a consultation, or a household's recorded with its case (``conversation=None``)."""
    consent = Consent(
        platform=platform,
        conversation=conversation,
        items=items,
        city_divisions=city_divisions,
        valid_until=valid_until,
        recorded_by=actor.user,
    )
    consent.statement = statement
    consent.save()
    consent.organisations.set(organisations)
    return consent


def do_record_consent(
    conversation: Conversation,
    *,
    items: Iterable[str],
    organisations: Iterable[MemberOrganisation],
    city_divisions: bool,
    valid_until: datetime.date,
    statement: str,
    actor: Actor,
) -> Consent:
    items, organisations = checked_consent_terms(items, organisations, city_divisions, valid_until)
    with transaction.atomic():
        consent = save_consent(
            conversation.platform,
            conversation,
            items=items,
            organisations=organisations,
            city_divisions=city_divisions,
            valid_until=valid_until,
            statement=statement,
            actor=actor,
        )
        log_action(
            "consent.recorded",
            by=actor,
            platform=conversation.platform,
            obj=consent,
            data={"items": items, "organisations": len(organisations), "until": valid_until.isoformat()},
        )
    return consent


def do_withdraw_consent(consent: Consent, *, actor: Actor) -> int:
    """Withdraw: sharing stops at once (receivers lose the shared content); open referrals are cancelled."""
    with transaction.atomic():
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
        if consent.withdrawn_at is not None:
            raise ValidationError(_("この同意は既に撤回されています。"))
        consent.withdrawn_at = timezone.now()
        consent.withdrawn_by = actor.user
        consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
        cancelled = 0
        for referral in Referral.objects.filter(consent=consent).select_for_update().open():
            referral.status = ReferralStatus.CANCELLED
            referral.save(update_fields=["status"])
            _event(referral, "consent_withdrawn", actor)
            cancelled += 1
        log_action(
            "consent.withdrawn",
            by=actor,
            platform=consent.platform,
            obj=consent,
            data={"referrals_cancelled": cancelled},
        )
    return cancelled


def cancel_referrals_of_withdrawn_member(consent: MemberConsent, *, actor: Actor) -> int:
    """A household member at the centre of a case withdrew their consent: cancel the case's open
    referrals whose receiver that consent named (inside the caller's transaction).

    Each gets a 「世帯員の同意の撤回により取消」 step with a note to its receiver (the member is not
    named) and an audit entry; a receiver that was sent the referral hears of it by mail.
    """
    member = consent.member
    case = member.case
    household = list(case.household.all())
    concerns = [m for m in household if m.is_concern] or household
    if member.pk not in {m.pk for m in concerns}:
        return 0
    named = set(consent.organisations.values_list("pk", flat=True))
    note = _(
        "世帯員の一人が情報共有への同意を撤回したため、この紹介を取り消しました。"
        "共有された内容はこれ以降表示されません。手元の記録の扱いは事務局にご相談ください。"
    )
    cancelled = 0
    for referral in Referral.objects.filter(case=case).select_for_update(of=("self",)).open():
        if referral.receiver_member_id is not None:
            covered = referral.receiver_member_id in named
        else:
            covered = consent.city_divisions
        if not covered:
            continue
        referral.status = ReferralStatus.CANCELLED
        referral.save(update_fields=["status"])
        _event(referral, "member_withdrawn", actor, note)
        if referral.receiver_member_id and (not referral.via_secretariat or referral.sent_to_receiver_at):
            _notify(referral, "cancelled")
        cancelled += 1
    return cancelled


# --- referrals -----------------------------------------------------------------------------------


def _check_receiver(consent: Consent, member: MemberOrganisation | None, division: Service | None) -> None:
    if member is not None and division is not None:
        raise ValidationError(_("紹介先は会員団体か市の窓口のどちらか一方にしてください。"))
    if member is not None and not consent.organisations.filter(pk=member.pk).exists():
        raise ValidationError(
            _("「%(name)s」への共有には本人の同意がありません。同意を記録し直してください。")
            % {"name": member.name}
        )
    if division is not None and not consent.city_divisions:
        raise ValidationError(_("市役所内の関係課への共有には本人の同意がありません。"))
    if member is not None and member.status != MemberOrganisation.Status.ACTIVE:
        raise ValidationError(_("「%(name)s」は現在会員ではありません。") % {"name": member.name})


def _due(platform: Platform, start: datetime.datetime) -> datetime.date:
    days = CaseworkSettings.for_platform(platform).response_business_days
    return add_business_days(timezone.localtime(start).date(), days)


def do_create_referral(
    conversation: Conversation,
    consent: Consent,
    *,
    receiver_member: MemberOrganisation | None,
    receiver_service: Service | None,
    summary: str,
    actor: Actor,
) -> Referral:
    """Send a referral. No consent (or a withdrawn/expired one, or one not naming the receiver) → refused."""
    platform = conversation.platform
    rules = CaseworkSettings.for_platform(platform)
    with transaction.atomic():
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
        if consent.conversation_id != conversation.pk:
            raise ValidationError(_("この相談の同意ではありません。"))
        referral = _save_new_referral(
            Referral(platform=platform, conversation=conversation),
            consent=consent,
            receiver_member=receiver_member,
            receiver_service=receiver_service,
            via=rules.referrals_via_secretariat,
            summary=summary,
            actor=actor,
        )
        _mark_conversation_referred(conversation)
        _notify(referral, "new")
    return referral


def _save_new_referral(
    referral: Referral,
    *,
    consent: Consent,
    receiver_member: MemberOrganisation | None,
    receiver_service: Service | None,
    via: bool,
    summary: str,
    actor: Actor,
    household: Case | None = None,
) -> Referral:
    """Check, fill and save a new referral (from a chat or from a case), with its "created" event.

    Refused: a consent withdrawn or expired, no receiver (unless the secretariat routes
    referrals), a receiver the consent does not name, for a case (``household``) a receiver some
    member at its centre did not consent to, a summary the person did not agree to share.
    The topics are those the counsellor recorded on the consultation, if any.
    """
    if not consent.is_active():
        raise ValidationError(_("同意が撤回されたか期限が切れています。紹介はできません。"))
    if not via and receiver_member is None and receiver_service is None:
        raise ValidationError(_("紹介先を選んでください。"))
    _check_receiver(consent, receiver_member, receiver_service)
    if household is not None and (receiver_member is not None or receiver_service is not None):
        _check_household(household, receiver_member)
    if summary.strip() and ShareItem.SUMMARY not in consent.items:
        raise ValidationError(_("本人は相談内容の要約の共有に同意していません。要約は空にしてください。"))
    conversation_id = household.conversation_id if household is not None else referral.conversation_id
    record = ConversationRecord.objects.filter(conversation_id=conversation_id or 0).first()
    topics = record.topics if record is not None else []
    now = timezone.now()
    referral.consent = consent
    referral.receiver_member = receiver_member
    referral.receiver_service = receiver_service
    referral.via_secretariat = via
    referral.topics = topics
    referral.created_by = actor.user
    referral.created_at = now
    referral.sent_to_receiver_at = None if via else now
    referral.due_on = _due(referral.platform, now)
    referral.summary = summary.strip()
    referral.save()
    _event(referral, "created", actor)
    return referral


def do_create_case_referral(
    case: Case,
    *,
    receiver_member: MemberOrganisation | None,
    receiver_service: Service | None,
    summary: str,
    actor: Actor,
) -> Referral:
    """Refer a case (a household case opened from a phone call, a visit or an agency) onwards.

    The case's consent gates it as the person's consent gates a chat referral; for a household
    case, every member at the centre of the case must also have consented to the receiver
    (their own consent naming the organisation, or the city's divisions).
    """
    platform = case.platform
    rules = CaseworkSettings.for_platform(platform)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if not case.is_open:
            raise ValidationError(_("このケースは終結しています。紹介はできません。"))
        consent = Consent.objects.select_for_update().get(pk=case.consent_id)
        referral = _save_new_referral(
            Referral(platform=platform, case=case),
            consent=consent,
            receiver_member=receiver_member,
            receiver_service=receiver_service,
            via=rules.referrals_via_secretariat,
            summary=summary,
            actor=actor,
            household=case,
        )
        _notify(referral, "new")
    return referral


def _check_household(case: Case, member: MemberOrganisation | None) -> None:
    """Every household member at the centre of the case consented to this receiver."""
    household = list(case.household.all())
    if not household:
        return
    concerns = [row for row in household if row.is_concern] or household
    in_force = MemberConsent.objects.active()
    if member is not None:
        in_force = in_force.filter(organisations=member)
        name = member.name
    else:
        in_force = in_force.filter(city_divisions=True)
        name = _("市役所内の関係課")
    missing = [row.label for row in concerns if not in_force.filter(member=row).exists()]
    if missing:
        raise ValidationError(
            _("「%(name)s」への紹介に、支援の中心となる世帯員（%(who)s）の同意がありません。")
            % {"name": name, "who": "、".join(missing)}
        )


def _mark_conversation_referred(conversation: Conversation) -> None:
    state = ConversationState.REFERRED
    if conversation.state != state:
        conversation.state = state
        conversation.save(update_fields=["state"])


def do_forward_referral(
    referral: Referral,
    *,
    receiver_member: MemberOrganisation | None,
    receiver_service: Service | None,
    note: str = "",
    actor: Actor,
) -> Referral:
    """The secretariat passes a referral on to the receiver it chose (within the consent)."""
    with transaction.atomic():
        referral = _locked(referral)
        if not referral.at_secretariat:
            raise ValidationError(_("この紹介は既に紹介先へ送付されています。"))
        if not referral.consent.is_active():
            raise ValidationError(_("同意が撤回されたか期限が切れています。紹介はできません。"))
        if receiver_member is None and receiver_service is None:
            raise ValidationError(_("紹介先を選んでください。"))
        _check_receiver(referral.consent, receiver_member, receiver_service)
        if (case := referral.case) is not None:
            _check_household(case, receiver_member)
        now = timezone.now()
        referral.receiver_member = receiver_member
        referral.receiver_service = receiver_service
        referral.sent_to_receiver_at = now
        referral.due_on = _due(referral.platform, now)
        referral.overdue_flagged_at = None
        referral.save()
        _event(referral, "forwarded", actor, note)
        _notify(referral, "new")
    return referral


def do_mark_received(referral: Referral, *, actor: Actor) -> None:
    """The receiver opened it (FHIR ``received``); idempotent."""
    if referral.status != ReferralStatus.REQUESTED or referral.at_secretariat:
        return
    with transaction.atomic():
        referral = _locked(referral)
        if referral.status != ReferralStatus.REQUESTED:
            return
        referral.status = ReferralStatus.RECEIVED
        referral.received_at = timezone.now()
        referral.save(update_fields=["status", "received_at"])
        _event(referral, "received", actor)


RESPONSES = {
    "accept": (ReferralStatus.ACCEPTED, "accepted"),
    "decline": (ReferralStatus.REJECTED, "rejected"),
    "hold": (ReferralStatus.ON_HOLD, "on_hold"),
}


def do_respond(
    referral: Referral,
    decision: str,
    *,
    decline_reason: str = "",
    answer: str = "",
    note: str = "",
    actor: Actor,
) -> Referral:
    """Accept, decline (with a reason) or wait-list a referral awaiting a response."""
    status, kind = RESPONSES[decision]
    with transaction.atomic():
        referral = _locked(referral)
        allowed = (ReferralStatus.REQUESTED, ReferralStatus.RECEIVED, ReferralStatus.ON_HOLD)
        if referral.status not in allowed or referral.at_secretariat:
            raise ValidationError(
                _("この紹介には今は応答できません（状態: %(s)s）。") % {"s": referral.get_status_display()}
            )
        if decision == "decline" and decline_reason not in DeclineReason.values:
            raise ValidationError(_("辞退の理由を選んでください。"))
        if decision == "hold" and referral.status == ReferralStatus.ON_HOLD:
            raise ValidationError(_("この紹介は既に待機中です。"))
        now = timezone.now()
        referral.status = status
        referral.responded_at = referral.responded_at or now
        referral.received_at = referral.received_at or now
        referral.decline_reason = decline_reason if decision == "decline" else ""
        if answer.strip():
            referral.answer = answer.strip()
            referral.answered_at = now
        referral.save()
        _event(referral, kind, actor, note)
        if answer.strip():
            _event(referral, "answered", actor)
        _notify(referral, "answered" if answer.strip() else "status")
    return referral


def do_record_contact(
    referral: Referral, *, contacted_at: datetime.datetime, note: str = "", actor: Actor
) -> Referral:
    with transaction.atomic():
        referral = _locked(referral)
        if referral.status not in (
            ReferralStatus.ACCEPTED,
            ReferralStatus.ON_HOLD,
            ReferralStatus.IN_PROGRESS,
        ):
            raise ValidationError(_("受諾または待機中の紹介にだけ連絡を記録できます。"))
        if contacted_at > timezone.now() + datetime.timedelta(minutes=5):
            raise ValidationError(_("連絡した日時に未来の日時は入力できません。"))
        referral.status = ReferralStatus.IN_PROGRESS
        referral.contact_made_at = contacted_at
        referral.save(update_fields=["status", "contact_made_at"])
        _event(referral, "contacted", actor, note)
    return referral


def do_complete(referral: Referral, *, outcome: str, answer: str, note: str = "", actor: Actor) -> Referral:
    """Close the loop: an outcome is required, and so is an answer the counsellor can relay."""
    if outcome not in ReferralOutcome.values:
        raise ValidationError(_("結果を選んでください。"))
    with transaction.atomic():
        referral = _locked(referral)
        if referral.status not in (
            ReferralStatus.ACCEPTED,
            ReferralStatus.IN_PROGRESS,
            ReferralStatus.ON_HOLD,
        ):
            raise ValidationError(_("受諾した紹介だけを完了にできます。"))
        if not answer.strip() and not referral.answer:
            raise ValidationError(_("相談員が本人へ伝える回答を入力してください。"))
        now = timezone.now()
        referral.status = ReferralStatus.COMPLETED
        referral.outcome = outcome
        if answer.strip():
            referral.answer = answer.strip()
            referral.answered_at = now
        referral.save()
        _event(referral, "completed", actor, note)
        _notify(referral, "answered")
    return referral


def do_cancel(referral: Referral, *, note: str = "", actor: Actor) -> Referral:
    with transaction.atomic():
        referral = _locked(referral)
        if not referral.is_open:
            raise ValidationError(_("この紹介は既に終了しています。"))
        referral.status = ReferralStatus.CANCELLED
        referral.save(update_fields=["status"])
        _event(referral, "cancelled", actor, note)
    return referral


def do_relay_answer(referral: Referral, text: str, *, actor: Actor) -> Referral:
    """Send the receiver's answer to the person through the channel of the conversation."""
    text = text.strip()
    if not text:
        raise ValidationError(_("返信する内容を入力してください。"))
    with transaction.atomic():
        referral = _locked(referral)
        if not referral.answer:
            raise ValidationError(_("紹介先からの回答がまだありません。"))
        if referral.conversation is None:
            raise ValidationError(_("この紹介はケースからのもので、チャットで返信する相手がいません。"))
        do_send(_reachable(referral.conversation), text, actor=actor)
        referral.answer_relayed_at = timezone.now()
        referral.save(update_fields=["answer_relayed_at"])
        _event(referral, "relayed", actor)
    return referral


def _reachable(conversation: Conversation) -> Conversation:
    """Where an answer reaches the person: this consultation, or their current one if it was closed.

    With no other consultation open, the closed one is reopened (waiting), so the answer still
    goes out through the same channel.
    """
    if not conversation.is_closed:
        return conversation
    current = Conversation.objects.active().filter(consulter_id=conversation.consulter_id).first()
    if current is not None:
        return current
    conversation.state = ConversationState.WAITING
    conversation.closed_at = None
    conversation.save(update_fields=["state", "closed_at"])
    return conversation


# --- overdue referrals ---------------------------------------------------------------------------


def do_chase_overdue(platform: Platform, *, today: datetime.date | None = None) -> int:
    """Flag every overdue referral and mail its receiver (or the secretariat) once a day."""
    day = today or timezone.localdate()
    chased = 0
    for referral in Referral.objects.overdue(day).select_related("receiver_member"):
        if referral.last_reminded_on == day:
            continue
        with transaction.atomic():
            referral = _locked(referral)
            if not referral.is_overdue(day) or referral.last_reminded_on == day:
                continue
            referral.overdue_flagged_at = referral.overdue_flagged_at or timezone.now()
            referral.reminders_sent += 1
            referral.last_reminded_on = day
            referral.save(update_fields=["overdue_flagged_at", "reminders_sent", "last_reminded_on"])
            _event(referral, "reminded", Actor(user=None, role=None, platform=platform))
            _notify(referral, "overdue")
        chased += 1
    return chased


# --- mail ----------------------------------------------------------------------------------------


def _recipients(referral: Referral, event: str) -> list[str]:
    """Who hears about it: the receiver's staff for new/overdue, the desk for answers."""
    roles = Role.objects.filter(platform=referral.platform).select_related("user")
    if event == "cancelled":  # only called for a receiver that was sent the referral
        member = referral.receiver_member
        assert member is not None, "a cancellation is only mailed to a member organisation"
    elif event in ("new", "overdue") and not referral.at_secretariat:
        member = referral.receiver_member
    else:
        member = None
    if member is not None:
        staff = roles.filter(kind=Role.MEMBER_STAFF, organisation_id=member.pk)
        emails = [role.user.email for role in staff if role.user.is_active]
        return emails or [member.email]
    if event in ("new", "overdue") or referral.case_id is not None:
        # A case's referral is followed up by the secretariat that runs the case.
        staff = roles.filter(kind__in=sorted(Role.SECRETARIAT))
    else:
        staff = roles.filter(kind=Role.COUNSELLOR)
    emails = [role.user.email for role in staff if role.user.is_active]
    if not emails and referral.platform.contact_email:
        emails = [referral.platform.contact_email]
    return emails


def _notify(referral: Referral, event: str) -> None:
    """Mail the link and what needs attention; never the summary or the conversation.

    The note of the step that sent the mail (the secretariat's 紹介先へのメモ, the receiver's
    相談員へのメモ) goes with it as a message of the referral's thread, to the receiver only
    while the person's consent is in force (the same rule as the referral page).
    """
    to = _recipients(referral, event)
    if not to:
        return
    platform = referral.platform
    step = referral.events.order_by("-pk").first()
    to_receiver = event in ("new", "overdue", "cancelled")
    note = ""
    if step is not None and step.in_thread and (not to_receiver or referral.consent.is_active()):
        note = step.note
    context = {
        "platform": platform,
        "referral": referral,
        "event": event,
        "note": note,
        "url": settings.SITE_URL.rstrip("/")
        + reverse("consultations:referral", args=[platform.slug, referral.uuid]),
    }
    subject = " ".join(render_to_string("consultations/email/referral_subject.txt", context).split())
    body = render_to_string("consultations/email/referral.txt", context)
    # One mail per step of the referral: the key names the event row the step wrote.
    step_id = step.pk if step is not None else None
    mail.queue(
        to=to,
        subject=subject,
        body=body,
        platform=platform,
        key=f"referral.{event}:{referral.uuid}:{step_id}",
        kind=f"referral.{event}",
    )
