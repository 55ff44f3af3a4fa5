"""The membership life cycle after admission (Gifu 入会規則第3〜5条, 規約第8条).

変更届 (change requests), 退会届 (withdrawals), 除名 (expulsion after a recorded
hearing opportunity and the platform council's resolution), member tiers.
Every write is one transaction with an audit entry; a refused step raises
ValidationError with a Japanese message and leaves nothing written. Mail to
the organisation goes out only after the commit.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import Actor
from audit.models import AuditEntry
from audit.services import log_action
from partnership.hooks import expulsion_refusal, tier_change_refusal
from partnership.models import (
    PUBLISHABLE_FIELD_NAMES,
    ActivityField,
    ChangeRequest,
    Expulsion,
    MemberOrganisation,
    MemberTier,
    Withdrawal,
)
from partnership.queries import CHANGEABLE_FIELDS, add_years, field_label, open_expulsion
from platforms.models import Platform
from tsunagari.lib import mail
from tsunagari.lib.review import pending_for_decision

# ---------------------------------------------------------------------------
# Helpers


def _mail(member: MemberOrganisation, event: str, context: dict[str, Any]) -> None:
    """Queue ``email/lifecycle_<event>`` to the organisation (the outbox sends it after commit).

    The idempotency key is the event and the change, withdrawal or expulsion it is about.
    """
    if not member.email:
        return
    platform = member.platform
    about = next(value for value in context.values() if hasattr(value, "uuid"))
    context = {"member": member, "platform": platform, "site_url": settings.SITE_URL, **context}
    mail.queue_template(
        f"partnership/email/lifecycle_{event}",
        context,
        to=[member.email],
        reply_to=[platform.contact_email] if platform.contact_email else None,
        platform=platform,
        key=f"member.{event}:{about.uuid}",
        kind=f"member.{event}",
    )


def _locked(model: Any, obj: Any) -> Any:
    """Re-read ``obj`` with a row lock so two clicks cannot decide the same thing twice."""
    return model.objects.select_for_update().get(pk=obj.pk)


def _require_active(member: MemberOrganisation) -> None:
    if member.status != MemberOrganisation.Status.ACTIVE:
        raise ValidationError(
            _("%(name)s は現在「%(status)s」のため、この手続はできません。")
            % {"name": member.name, "status": member.get_status_display()}
        )


def _submitted(
    model: type[ChangeRequest] | type[Withdrawal],
    member: MemberOrganisation,
    *,
    refusal: str,
    audit_action: str,
    data: dict[str, Any],
    actor: Actor,
    **fields: Any,
) -> Any:
    """A 変更届 or 退会届 of ``member`` (locked, active): refused with ``refusal`` while one of the
    same kind awaits the secretariat; otherwise created and audited as ``audit_action``."""
    if model.objects.filter(organisation=member, status=model.Status.PENDING).exists():
        raise ValidationError(refusal)
    record = model.objects.create(
        platform=member.platform, organisation=member, submitted_by=actor.user, **fields
    )
    log_action(audit_action, actor=actor.user, obj=record, data=data, by=actor)
    return record


def _pending_withdrawal(withdrawal: Withdrawal) -> Withdrawal:
    """``withdrawal`` locked; refused when the secretariat processed it already."""
    withdrawal = _locked(Withdrawal, withdrawal)
    if withdrawal.status != Withdrawal.Status.PENDING:
        raise ValidationError(_("この退会届は既に処理されています。"))
    return withdrawal


def _process(withdrawal: Withdrawal, status: str, actor: Actor) -> None:
    withdrawal.status = status
    withdrawal.processed_by = actor.user
    withdrawal.processed_at = timezone.now()
    withdrawal.save(update_fields=["status", "processed_by", "processed_at"])


def _ban_until(platform: Platform, left_on: datetime.date, *, applies: bool) -> datetime.date | None:
    years = platform.rejoin_ban_years
    return add_years(left_on, years) if applies and years > 0 else None


def _close_pending(member: MemberOrganisation, reason: str, user: Any) -> None:
    """A member who leaves has no pending change requests or withdrawals any more."""
    now = timezone.now()
    ChangeRequest.objects.filter(organisation=member, status=ChangeRequest.Status.PENDING).update(
        status=ChangeRequest.Status.REJECTED, decision_reason=reason, decided_at=now, decided_by=user
    )
    Withdrawal.objects.filter(organisation=member, status=Withdrawal.Status.PENDING).update(
        status=Withdrawal.Status.CANCELLED, processed_at=now, processed_by=user
    )
    # Its staff lose their access to the platform with it.
    for role in Role.objects.filter(organisation=member, kind=Role.MEMBER_STAFF).select_related("user"):
        log_action(
            AuditEntry.ROLE_REVOKED,
            actor=user,
            platform=member.platform,
            obj=role,
            data={"email": role.user.email, "kind": role.kind, "reason": reason},
        )
        role.delete()


def _leave(
    member: MemberOrganisation, status: str, left_on: datetime.date, ban: datetime.date | None
) -> None:
    member.status = status
    member.left_on = left_on
    member.rejoin_banned_until = ban
    member.save(update_fields=["status", "left_on", "rejoin_banned_until", "updated_at"])


# ---------------------------------------------------------------------------
# Tiers


@transaction.atomic
def do_change_tier(member: MemberOrganisation, tier: MemberTier, *, actor: Actor) -> None:
    """Move ``member`` to ``tier``; refused where the bylaws fill that tier by the body's election."""
    if member.tier_id == tier.pk:
        return
    refusal = tier_change_refusal(member, tier)
    if refusal:
        raise ValidationError(refusal)
    before = member.tier.name if member.tier else ""
    member.tier = tier
    member.save(update_fields=["tier", "updated_at"])
    log_action(
        "member.tier_changed",
        actor=actor.user,
        obj=member,
        data={"from": before, "to": tier.name},
        by=actor,
    )


@transaction.atomic
def do_save_tiers(formset: Any, platform: Platform, *, actor: Actor) -> None:
    """Create, rename, reorder and delete tiers from a validated tiers formset."""
    for form in formset.deleted_forms:
        tier = form.instance
        if tier.pk is None:
            continue
        if MemberOrganisation.objects.filter(tier=tier).exists():
            raise ValidationError(_("区分「%(name)s」は使用中のため削除できません。") % {"name": tier.name})
        log_action("tier.deleted", actor=actor.user, obj=tier, data={"name": tier.name}, by=actor)
        tier.delete()
    tiers = formset.save(commit=False)
    changed = {f.instance.pk: f.changed_data for f in formset.forms if f.instance.pk}
    try:
        for tier in tiers:
            tier.platform = platform
            created = tier.pk is None
            tier.save()
            action = "tier.created" if created else "tier.changed"
            data = {"name": tier.name}
            if not created:
                data["changed"] = sorted(changed.get(tier.pk, []))
            log_action(action, actor=actor.user, obj=tier, data=data, by=actor)
    except IntegrityError as exc:
        raise ValidationError(_("同じ名前の区分が既にあります。区分名を変えてください。")) from exc


# ---------------------------------------------------------------------------
# 変更届


@transaction.atomic
def do_submit_change(
    member: MemberOrganisation, changes: dict[str, Any], previous: dict[str, Any], *, actor: Actor
) -> ChangeRequest:
    member = _locked(MemberOrganisation, member)
    _require_active(member)
    if not changes:
        raise ValidationError(_("変更された項目がありません。変更する項目を書き換えてから提出してください。"))
    change: ChangeRequest = _submitted(
        ChangeRequest,
        member,
        refusal=_("事務局の確認待ちの変更届があります。確認が終わってから、改めて提出してください。"),
        audit_action="change_request.submitted",
        data={"fields": sorted(changes)},
        actor=actor,
        changes=changes,
        previous=previous,
    )
    return change


def _apply_values(member: MemberOrganisation, changes: dict[str, Any]) -> list[ActivityField] | None:
    """Set the new values on ``member`` (unsaved) and validate; returns the new activity fields."""
    unknown = sorted(set(changes) - set(CHANGEABLE_FIELDS))
    if unknown:
        raise ValidationError(_("変更できない項目が含まれています: %(f)s") % {"f": "、".join(unknown)})
    if not set(changes.get("published_fields", [])) <= set(PUBLISHABLE_FIELD_NAMES):
        raise ValidationError(_("公開に同意した項目に、公開できない項目が含まれています。"))
    activity_fields = None
    for name, value in changes.items():
        if name == "fields":
            activity_fields = list(ActivityField.objects.filter(code__in=value))
            if len(activity_fields) != len(set(value)) or not activity_fields:
                raise ValidationError(_("活動分野に存在しない分野が含まれています。"))
        else:
            setattr(member, name, value)
    try:
        member.full_clean(exclude=["fields", "tier", "platform"])
    except ValidationError as exc:
        messages = [
            f"{field_label(f)}: {m}" for f, errs in exc.message_dict.items() for m in errs if f != "__all__"
        ]
        raise ValidationError(messages or exc.messages) from exc
    return activity_fields


@transaction.atomic
def do_apply_change(change: ChangeRequest, *, actor: Actor) -> None:
    change = pending_for_decision(change, _("この変更届は既に処理されています。"))
    member = _locked(MemberOrganisation, change.organisation)
    _require_active(member)
    activity_fields = _apply_values(member, change.changes)
    member.save()
    if activity_fields is not None:
        member.fields.set(activity_fields)
    change.decide(ChangeRequest.Status.APPLIED, by=actor.user)
    log_action(
        "change_request.applied",
        actor=actor.user,
        obj=change,
        data={"member": str(member.uuid), "fields": sorted(change.changes)},
        by=actor,
    )
    _mail(member, "change_applied", {"change": change, "fields": _field_labels(change.changes)})


@transaction.atomic
def do_return_change(change: ChangeRequest, reason: str, *, actor: Actor) -> None:
    change = pending_for_decision(change, _("この変更届は既に処理されています。"))
    change.decide(ChangeRequest.Status.REJECTED, by=actor.user, reason=reason)
    log_action("change_request.returned", actor=actor.user, obj=change, by=actor)
    _mail(change.organisation, "change_returned", {"change": change, "fields": _field_labels(change.changes)})


def _field_labels(changes: dict[str, Any]) -> list[str]:
    return [field_label(name) for name in CHANGEABLE_FIELDS if name in changes]


# ---------------------------------------------------------------------------
# 退会届


@transaction.atomic
def do_submit_withdrawal(
    member: MemberOrganisation, *, effective_on: datetime.date, reason: str, actor: Actor
) -> Withdrawal:
    member = _locked(MemberOrganisation, member)
    _require_active(member)
    withdrawal: Withdrawal = _submitted(
        Withdrawal,
        member,
        refusal=_("退会届は既に提出されています。事務局の受理をお待ちください。"),
        audit_action="withdrawal.submitted",
        data={"effective_on": effective_on.isoformat()},
        actor=actor,
        effective_on=effective_on,
        reason=reason,
    )
    return withdrawal


@transaction.atomic
def do_accept_withdrawal(withdrawal: Withdrawal, *, actor: Actor) -> MemberOrganisation:
    """退会: the member leaves the register on the effective date (入会規則第4条)."""
    withdrawal = _pending_withdrawal(withdrawal)
    member = _locked(MemberOrganisation, withdrawal.organisation)
    _require_active(member)
    if open_expulsion(member) is not None:
        raise ValidationError(
            _("除名の手続中のため受理できません。先に除名の手続を取りやめるか、決定してください。")
        )
    platform = member.platform
    _process(withdrawal, Withdrawal.Status.ACCEPTED, actor)
    ban = _ban_until(platform, withdrawal.effective_on, applies=platform.ban_after_withdrawal)
    _leave(member, MemberOrganisation.Status.WITHDRAWN, withdrawal.effective_on, ban)
    _close_pending(member, _("退会のため"), actor.user)
    log_action(
        "withdrawal.accepted",
        actor=actor.user,
        obj=withdrawal,
        data={
            "member": str(member.uuid),
            "left_on": member.left_on.isoformat(),
            "rejoin_banned_until": ban.isoformat() if ban else None,
            "on_paper": withdrawal.on_paper,
        },
        by=actor,
    )
    _mail(member, "withdrawal_accepted", {"withdrawal": withdrawal})
    return member


@transaction.atomic
def do_cancel_withdrawal(withdrawal: Withdrawal, *, actor: Actor) -> None:
    withdrawal = _pending_withdrawal(withdrawal)
    _process(withdrawal, Withdrawal.Status.CANCELLED, actor)
    log_action("withdrawal.cancelled", actor=actor.user, obj=withdrawal, by=actor)


@transaction.atomic
def do_record_paper_withdrawal(
    member: MemberOrganisation, *, effective_on: datetime.date, reason: str, actor: Actor
) -> Withdrawal:
    """A 退会届 received on paper: recorded and accepted in one step."""
    member = _locked(MemberOrganisation, member)
    _require_active(member)
    Withdrawal.objects.filter(organisation=member, status=Withdrawal.Status.PENDING).update(
        status=Withdrawal.Status.CANCELLED, processed_by=actor.user, processed_at=timezone.now()
    )
    withdrawal = Withdrawal.objects.create(
        platform=member.platform,
        organisation=member,
        effective_on=effective_on,
        reason=reason,
        on_paper=True,
        submitted_by=actor.user,
    )
    log_action(
        "withdrawal.recorded",
        actor=actor.user,
        obj=withdrawal,
        data={"effective_on": effective_on.isoformat()},
        by=actor,
    )
    do_accept_withdrawal(withdrawal, actor=actor)
    withdrawal.refresh_from_db()
    return withdrawal


# ---------------------------------------------------------------------------
# 除名 (規約第8条): propose → notify the hearing opportunity → decide, or cancel


@transaction.atomic
def do_propose_expulsion(member: MemberOrganisation, *, ground: str, reason: str, actor: Actor) -> Expulsion:
    member = _locked(MemberOrganisation, member)
    _require_active(member)
    if open_expulsion(member) is not None:
        raise ValidationError(_("この団体の除名の手続は既に始まっています。"))
    expulsion = Expulsion.objects.create(
        platform=member.platform,
        organisation=member,
        ground=ground,
        reason=reason,
        created_by=actor.user,
    )
    log_action("expulsion.proposed", actor=actor.user, obj=expulsion, data={"ground": ground}, by=actor)
    return expulsion


def _open(expulsion: Expulsion, *statuses: str) -> Expulsion:
    expulsion = _locked(Expulsion, expulsion)
    if expulsion.status not in statuses:
        raise ValidationError(
            _("この除名の手続は「%(status)s」のため、この操作はできません。")
            % {"status": expulsion.get_status_display()}
        )
    return expulsion


@transaction.atomic
def do_notify_hearing(
    expulsion: Expulsion, *, notified_on: datetime.date, deadline: datetime.date, actor: Actor
) -> Expulsion:
    """Record that the organisation was given the opportunity to explain itself (弁明の機会)."""
    expulsion = _open(expulsion, Expulsion.Status.PROPOSED)
    if deadline <= notified_on:
        raise ValidationError(_("弁明の期限は通知日より後の日付にしてください。"))
    expulsion.status = Expulsion.Status.HEARING
    expulsion.hearing_notified_on = notified_on
    expulsion.hearing_deadline = deadline
    expulsion.save(update_fields=["status", "hearing_notified_on", "hearing_deadline"])
    log_action(
        "expulsion.hearing_notified",
        actor=actor.user,
        obj=expulsion,
        data={"notified_on": notified_on.isoformat(), "deadline": deadline.isoformat()},
        by=actor,
    )
    _mail(expulsion.organisation, "hearing_notice", {"expulsion": expulsion})
    return expulsion


@transaction.atomic
def do_decide_expulsion(
    expulsion: Expulsion,
    *,
    no_hearing: bool,
    hearing_record: str,
    resolution: str,
    decided_on: datetime.date,
    actor: Actor,
) -> MemberOrganisation:
    """除名: only after a recorded hearing notification and the council's resolution."""
    expulsion = _locked(Expulsion, expulsion)
    if expulsion.status == Expulsion.Status.PROPOSED or expulsion.hearing_notified_on is None:
        raise ValidationError(
            _("弁明の機会の通知が記録されていないため、除名を決定できません（規約第8条）。")
        )
    expulsion = _open(expulsion, Expulsion.Status.HEARING)
    if not resolution.strip():
        raise ValidationError(_("プラットフォーム会議の議決を記録してください。"))
    refusal = expulsion_refusal(expulsion)
    if refusal:
        raise ValidationError(refusal)
    if no_hearing and expulsion.hearing_deadline and decided_on <= expulsion.hearing_deadline:
        raise ValidationError(_("弁明の期限が過ぎるまでは「弁明なし」として決定できません。"))
    if not no_hearing and not hearing_record.strip():
        raise ValidationError(_("弁明の内容を記録してください。"))
    member = _locked(MemberOrganisation, expulsion.organisation)
    _require_active(member)
    expulsion.status = Expulsion.Status.DECIDED
    expulsion.no_hearing = no_hearing
    expulsion.hearing_record = hearing_record if not no_hearing else (hearing_record or _("弁明なし"))
    expulsion.resolution = resolution
    expulsion.decided_on = decided_on
    expulsion.save(update_fields=["status", "no_hearing", "hearing_record", "resolution", "decided_on"])
    ban = _ban_until(member.platform, decided_on, applies=True)
    _leave(member, MemberOrganisation.Status.EXPELLED, decided_on, ban)
    _close_pending(member, _("除名のため"), actor.user)
    log_action(
        "expulsion.decided",
        actor=actor.user,
        obj=expulsion,
        data={
            "member": str(member.uuid),
            "ground": expulsion.ground,
            "no_hearing": no_hearing,
            "decided_on": decided_on.isoformat(),
            "rejoin_banned_until": ban.isoformat() if ban else None,
        },
        by=actor,
    )
    _mail(member, "expelled", {"expulsion": expulsion})
    return member


@transaction.atomic
def do_cancel_expulsion(expulsion: Expulsion, *, reason: str, actor: Actor) -> None:
    expulsion = _open(expulsion, Expulsion.Status.PROPOSED, Expulsion.Status.HEARING)
    was_notified = expulsion.status == Expulsion.Status.HEARING
    expulsion.status = Expulsion.Status.CANCELLED
    expulsion.cancel_reason = reason
    expulsion.save(update_fields=["status", "cancel_reason"])
    log_action("expulsion.cancelled", actor=actor.user, obj=expulsion, by=actor)
    if was_notified:
        _mail(expulsion.organisation, "expulsion_cancelled", {"expulsion": expulsion})
