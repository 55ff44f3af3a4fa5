"""Reads of membership applications: what the platform already knows about an applicant (the
rules of seed 001: Gifu's 一般団体入会規則 第2条 and 第5条), the application a form stored before,
the members that may recommend, and the possible duplicates of an application."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from partnership.dates import japanese_date, today_in_tokyo
from partnership.models import Application, MemberOrganisation, OrgType
from platforms.models import Platform
from tsunagari.lib.text import normalise_name

# Members that may recommend an applicant besides tiers with can_recommend (Gifu 入会規則第2条).
RECOMMENDING_ORG_TYPES = (OrgType.PREFECTURE, OrgType.MUNICIPALITY)


@dataclass
class ApplicantCheck:
    """What the platform already knows about an applicant (by normalised name and e-mail)."""

    errors: dict[str, list[str]] = field(default_factory=dict)
    previous_member: MemberOrganisation | None = None

    def refuse(self, field_name: str, message: str) -> None:
        self.errors.setdefault(field_name, []).append(message)


def check_applicant(platform: Platform, *, name: str, email: str, rejoin_reason: str = "") -> ApplicantCheck:
    """Apply the membership rules to a would-be applicant; call inside the platform's scope.

    Refuses an organisation that is already an active member, one with an
    application still under screening, and a former member whose rejoin ban
    has not ended; a former member outside the ban must give a reason.
    """
    check = ApplicantCheck()
    norm = normalise_name(name)
    email = (email or "").strip()
    if not norm:
        return check
    if MemberOrganisation.objects.active().filter(normalised_name=norm).exists():
        check.refuse("name", _("この団体名は既に会員として登録されています。"))
        return check
    same = Q(normalised_name=norm)
    if email:
        same |= Q(email__iexact=email)
    pending = Application.objects.filter(same, status=Application.Status.PENDING).first()
    if pending is not None:
        target = "name" if pending.normalised_name == norm else "email"
        check.refuse(
            target,
            _(
                "同じ団体名またはメールアドレスの入会申込を審査中です。重ねて申し込む必要はありません。"
                "内容を変更したい場合は事務局にご連絡ください。"
            ),
        )
        return check
    former = (
        MemberOrganisation.objects.exclude(status=MemberOrganisation.Status.ACTIVE)
        .filter(same)
        .order_by("-rejoin_banned_until", "-left_on", "-id")
    )
    previous = former.first()
    if previous is None:
        return check
    check.previous_member = previous
    banned_until = previous.rejoin_banned_until
    if banned_until is not None and banned_until > today_in_tokyo():
        check.refuse("name", ban_message(platform, previous))
    elif not (rejoin_reason or "").strip():
        check.refuse(
            "rejoin_reason",
            _("以前に会員だった団体からの申込です。再入会の理由を記入してください（入会規則第5条）。"),
        )
    return check


def ban_message(platform: Platform, member: MemberOrganisation) -> str:
    until = member.rejoin_banned_until
    assert until is not None
    years = platform.rejoin_ban_years
    if member.left_on is not None:
        years = max(1, round((until - member.left_on).days / 365.25))
    how = _("除名") if member.status == MemberOrganisation.Status.EXPELLED else _("退会")
    return _("%(how)sから%(years)d年間は再入会できません。%(date)s以降に申し込んでください。") % {
        "how": how,
        "years": years,
        "date": japanese_date(until),
    }


def submitted_application(token: Any, name: str) -> Application | None:
    """The application stored from this very form before (same token, same organisation), if any.

    A form page reused for another organisation (browser back) carries the same
    token but another name: that is a new application, not a repeated submit.
    """
    try:
        value = uuid.UUID(str(token))
    except (TypeError, ValueError):
        return None
    application = Application.objects.filter(submission_token=value).first()
    if application is None or application.normalised_name != normalise_name(name or ""):
        return None
    return application


def recommenders() -> QuerySet[MemberOrganisation]:
    """Active members who may recommend an applicant: can_recommend tiers, prefecture, municipalities."""
    return (
        MemberOrganisation.objects.active()
        .filter(Q(tier__can_recommend=True) | Q(org_type__in=RECOMMENDING_ORG_TYPES))
        .select_related("tier")
        .order_by("name_kana", "id")
    )


@dataclass
class Duplicates:
    applications: list[Application]
    members: list[MemberOrganisation]

    def __bool__(self) -> bool:
        return bool(self.applications or self.members)


def possible_duplicates(application: Application) -> Duplicates:
    """Other applications and members with the same normalised name, e-mail or phone."""
    same = Q(normalised_name=application.normalised_name) | Q(email__iexact=application.email)
    if application.phone:
        same |= Q(phone=application.phone)
    apps = Application.objects.filter(same).exclude(pk=application.pk).order_by("-submitted_at")[:20]
    members = MemberOrganisation.objects.filter(same)
    if application.previous_member_id:
        members = members.exclude(pk=application.previous_member_id)
    if application.organisation_id:
        members = members.exclude(pk=application.organisation_id)
    return Duplicates(applications=list(apps), members=list(members[:20]))
