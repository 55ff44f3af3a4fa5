"""Membership applications: submission, recommendation and the secretariat's decision.

Rules come from seed 001: Saitama's application form and consent items,
Gifu's 一般団体入会規則 (第2条 recommendation and screening, 第5条 rejoin with a
reason and the ban after expulsion). Every write is one transaction with an
audit entry; mail goes out only after the commit.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from accounts.permissions import Actor
from audit.services import log_action
from partnership.dates import TOKYO, japanese_date, today_in_tokyo
from partnership.models import (
    CONSENT_FIELDS,
    DETAIL_FIELDS,
    Application,
    MemberOrganisation,
    MemberTier,
    OrgType,
)
from partnership.queries import ban_message, check_applicant, recommenders, submitted_application
from platforms.models import Platform
from tsunagari.lib import mail


class AlreadyDecided(Exception):
    """The application was approved or rejected before; nothing may change."""

    def __init__(self, application: Application) -> None:
        self.application = application
        super().__init__(
            _("この申込は既に審査済みです（%(status)s）。結果は変更できません。")
            % {"status": application.get_status_display()}
        )


# --- writes --------------------------------------------------------------------------------------


@transaction.atomic
def do_submit_application(
    platform: Platform, cleaned: dict[str, Any], *, actor: Actor
) -> tuple[Application, bool]:
    """Store a public application once per form token; returns (application, created).

    The rules are checked again inside the transaction; a breach raises
    ValidationError keyed by field, and nothing is stored.
    """
    token = cleaned["submission_token"]
    existing = submitted_application(token, cleaned["name"])
    if existing is not None:
        return existing, False
    with scopes_disabled():
        if Application.objects.filter(submission_token=token).exists():
            token = uuid.uuid4()  # a reused form page: another organisation or another platform
    check = check_applicant(
        platform, name=cleaned["name"], email=cleaned["email"], rejoin_reason=cleaned.get("rejoin_reason", "")
    )
    if check.errors:
        raise ValidationError(check.errors)
    application = Application(
        platform=platform,
        submission_token=token,
        previous_member=check.previous_member,
        rejoin_reason=cleaned.get("rejoin_reason", "") if check.previous_member else "",
        **{name: cleaned[name] for name in DETAIL_FIELDS + CONSENT_FIELDS},
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        # The same form was submitted twice at the same moment: keep the first.
        existing = submitted_application(token, cleaned["name"])
        if existing is None:
            raise
        return existing, False
    application.fields.set(cleaned["activity_fields"])
    log_action(
        "application.submitted",
        platform=platform,
        obj=application,
        data={
            "org_type": application.org_type,
            "rejoin": application.previous_member_id is not None,
            "previous_member": str(check.previous_member.uuid) if check.previous_member else None,
        },
        by=actor,
        label=_("入会申込フォーム"),
    )
    mail_submission(application)
    return application, True


@transaction.atomic
def do_recommend_application(
    application: Application,
    *,
    recommended_by: MemberOrganisation,
    note: str,
    actor: Actor,
) -> Application:
    """Record the recommendation by an active member allowed to recommend (Gifu 入会規則第2条)."""
    application = _lock_pending(application)
    if not recommenders().filter(pk=recommended_by.pk).exists():
        raise ValidationError(
            {
                "recommended_by": _(
                    "推薦できるのは、推薦できる会員区分の団体・都道府県・市町村の会員だけです。"
                )
            }
        )
    application.recommended_by = recommended_by
    application.recommendation_note = note
    application.recommended_at = timezone.now()
    application.save(update_fields=["recommended_by", "recommendation_note", "recommended_at"])
    log_action(
        "application.recommended",
        actor=actor.user,
        obj=application,
        data={"recommended_by": str(recommended_by.uuid), "recommended_by_name": recommended_by.name},
        by=actor,
    )
    return application


RECOMMENDATION_EXEMPT_TYPES = frozenset({OrgType.PREFECTURE, OrgType.MUNICIPALITY, OrgType.SHAKYO})


@transaction.atomic
def do_approve_application(
    application: Application, *, tier: MemberTier | None, actor: Actor
) -> MemberOrganisation:
    """Approve: create the member (or restore the former member's record) and notify the applicant."""
    application = _lock_pending(application)
    platform = application.platform
    # Gifu 入会規則第1条: the recommendation rule is for 一般団体, not for 行政機関 and 社協.
    exempt = application.org_type in RECOMMENDATION_EXEMPT_TYPES
    if platform.requires_recommendation and not exempt and application.recommended_by_id is None:
        raise ValidationError(
            _("このプラットフォームでは、入会の承認に推薦が必要です。先に推薦団体を記録してください。")
        )
    today = today_in_tokyo()
    member = _member_for(application, today)
    for name in DETAIL_FIELDS:
        setattr(member, name, getattr(application, name))
    member.tier = tier
    member.status = MemberOrganisation.Status.ACTIVE
    member.joined_on = today
    member.left_on = None
    member.rejoin_banned_until = None
    member.save()
    member.fields.set(application.fields.all())
    application.status = Application.Status.APPROVED
    application.organisation = member
    application.decided_at = timezone.now()
    application.decided_by = actor.user
    application.decision_reason = ""
    application.save()
    log_action(
        "application.approved",
        obj=application,
        data={
            "organisation": str(member.uuid),
            "tier": tier.name if tier else None,
            "rejoin": application.previous_member_id is not None,
        },
        by=actor,
    )
    mail_decision(application)
    return member


@transaction.atomic
def do_reject_application(application: Application, *, reason: str, actor: Actor) -> Application:
    """Reject with a reason, which the applicant receives by e-mail."""
    application = _lock_pending(application)
    reason = reason.strip()
    if len(reason) < 5:
        raise ValidationError({"reason": _("理由は5文字以上で入力してください。")})
    application.status = Application.Status.REJECTED
    application.decision_reason = reason
    application.decided_at = timezone.now()
    application.decided_by = actor.user
    application.save(update_fields=["status", "decision_reason", "decided_at", "decided_by"])
    log_action("application.rejected", obj=application, by=actor)
    mail_decision(application)
    return application


def _lock_pending(application: Application) -> Application:
    """Re-read the application under a row lock; refuse if it has been decided meanwhile."""
    fresh = (
        Application.objects.select_for_update(of=("self",))
        .select_related("platform", "previous_member")
        .get(pk=application.pk)
    )
    if fresh.status != Application.Status.PENDING:
        raise AlreadyDecided(fresh)
    return fresh


def _member_for(application: Application, today: datetime.date) -> MemberOrganisation:
    """The record an approval writes to: the former member's (rejoin) or a new one."""
    active = MemberOrganisation.objects.active().filter(normalised_name=application.normalised_name)
    previous = application.previous_member
    if previous is not None:
        previous = MemberOrganisation.objects.select_for_update().get(pk=previous.pk)
        active = active.exclude(pk=previous.pk)
    if (previous is not None and previous.status == MemberOrganisation.Status.ACTIVE) or active.exists():
        raise ValidationError(_("この団体名は既に会員として登録されています。"))
    if previous is None:
        return MemberOrganisation(platform=application.platform)
    if previous.rejoin_banned_until is not None and previous.rejoin_banned_until > today:
        raise ValidationError(ban_message(application.platform, previous))
    return previous


# --- mail ----------------------------------------------------------------------------------------


def _send(name: str, context: dict[str, Any], to: list[str], *, key: str, platform: Platform) -> None:
    """Queue one plain-text mail in the outbox (sent by the worker once the transaction commits)."""
    mail.queue_template(name, context, to=to, platform=platform, key=key, kind=key.split(":")[0])


def _context(application: Application) -> dict[str, Any]:
    platform = application.platform
    return {
        "application": application,
        "platform": platform,
        "fields": [f.name for f in application.fields.all()],
        "submitted_on": japanese_date(timezone.localtime(application.submitted_at, TOKYO).date()),
        "detail_url": settings.SITE_URL.rstrip("/")
        + reverse("partnership:application", args=[platform.slug, application.uuid]),
    }


def mail_submission(application: Application) -> None:
    """Queue the receipt to the applicant and the notice to the secretariat (idempotent per application)."""
    with scope(platform=application.platform):
        context = _context(application)
    platform = application.platform
    _send(
        "partnership/email/application_received",
        context,
        [application.email],
        key=f"application.received:{application.uuid}",
        platform=platform,
    )
    if platform.contact_email:
        _send(
            "partnership/email/application_notify",
            context,
            [platform.contact_email],
            key=f"application.notify:{application.uuid}",
            platform=platform,
        )


def mail_decision(application: Application) -> None:
    """Queue the decision to the applicant (idempotent per application and decision)."""
    with scope(platform=application.platform):
        context = _context(application)
        if application.organisation is not None:
            context["joined_on"] = japanese_date(application.organisation.joined_on)
            context["tier"] = application.organisation.tier
    kind = "approved" if application.status == Application.Status.APPROVED else "rejected"
    _send(
        f"partnership/email/application_{kind}",
        context,
        [application.email],
        key=f"application.{kind}:{application.uuid}",
        platform=application.platform,
    )
