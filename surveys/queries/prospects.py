"""Organisations that are not members, listed for a survey (issue 20): who may be added (from the
directory or another platform's shared register), the letters to print, the list with its answers
and applications, response rates by type and area, and who is due a reminder."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet
from django_scopes import scope, scopes_disabled

from partnership.models import Application, MemberOrganisation
from surveys.models import Prospect, Survey
from surveys.prospect_lists import STOP_SALT, fold
from tsunagari.lib.text import normalise_name


def directory_candidates(survey: Survey) -> QuerySet[Any]:
    """Organisations of the platform's directory that may be added to the list: not a member,
    with an e-mail address, not listed in this survey yet."""
    from directory.models import Organization

    listed = set(Prospect.objects.filter(survey=survey).values_list("folded_name", flat=True))
    members = {fold(name) for name in MemberOrganisation.objects.values_list("name", flat=True)}
    candidates = Organization.objects.filter(member__isnull=True).exclude(email="").order_by("name")
    keep = [org.pk for org in candidates if fold(org.name) not in listed and fold(org.name) not in members]
    return candidates.filter(pk__in=keep)


def letter_prospects(survey: Survey) -> QuerySet[Prospect]:
    """Organisations invited by letter that have not answered yet (the batch to print)."""
    return (
        Prospect.objects.filter(
            survey=survey, invited_by_letter=True, invitation__isnull=False, invitation__used_at__isnull=True
        )
        .select_related("invitation")
        .order_by("area", "name", "id")
    )


@dataclass
class ProspectRow:
    prospect: Prospect
    application: Application | None
    join_intent: Any
    portal_consent: Any = None
    directory_draft: bool = False


def listing(survey: Survey) -> list[ProspectRow]:
    """Every listed organisation with its answers' 入会の意向 and the application it sent."""
    applications: dict[str, Application] = {}
    for application in Application.objects.order_by("submitted_at"):
        applications[application.normalised_name] = application
    rows = []
    for prospect in Prospect.objects.filter(survey=survey).select_related("invitation", "response"):
        response = getattr(prospect, "response", None)
        rows.append(
            ProspectRow(
                prospect,
                applications.get(normalise_name(prospect.name)[:120]),
                response.answers.get("join_intent") if response is not None else None,
                response.answers.get("portal_consent") if response is not None else None,
                response is not None and response.exported_service_uuid is not None,
            )
        )
    return rows


def rates(survey: Survey) -> dict[str, list[tuple[str, int, int]]]:
    """Response rates of the invited prospects by type and by area: (label, answered, invited)."""
    by: dict[str, dict[str, list[int]]] = {
        "type": defaultdict(lambda: [0, 0]),
        "area": defaultdict(lambda: [0, 0]),
    }
    for prospect in Prospect.objects.filter(survey=survey, invitation__isnull=False).select_related(
        "invitation"
    ):
        for dimension, label in (("type", prospect.org_type), ("area", prospect.area)):
            by[dimension][label][1] += 1
            by[dimension][label][0] += int(prospect.answered)
    return {dimension: sorted((k, a, i) for k, (a, i) in rows.items()) for dimension, rows in by.items()}


def prospect_for_stop(token: str) -> Prospect | None:
    try:
        key = signing.loads(token, salt=STOP_SALT)
    except signing.BadSignature:
        return None
    return Prospect.objects.filter(uuid=key).first()


REMINDER_INTERVAL_DAYS = 7
MAX_REMINDERS = 2


def due_for_reminder(survey: Survey, now: datetime.datetime) -> QuerySet[Prospect]:
    """Invited, not answered, not stopped, a week since the request or the last reminder."""
    week_ago = now - datetime.timedelta(days=REMINDER_INTERVAL_DAYS)
    return (
        Prospect.objects.filter(
            survey=survey,
            invitation__isnull=False,
            invitation__used_at__isnull=True,
            invited_by_letter=False,
            opted_out_at__isnull=True,
            invited_at__lte=week_ago,
            reminders_sent__lt=MAX_REMINDERS,
        )
        .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=week_ago))
        .select_related("invitation")
    )


def application_of(prospect: Prospect) -> Application | None:
    """The membership application this organisation sent (same name, as the join form folds it)."""
    return (
        Application.objects.filter(normalised_name=normalise_name(prospect.name)[:120])
        .order_by("-submitted_at")
        .first()
    )


# --- other platforms' member registers, where shared ----------------------------------------------


def shares_register(platform: Any) -> bool:
    from surveys.models import RegisterSharing

    with scope(platform=platform):
        return RegisterSharing.objects.filter(platform=platform, shares_register=True).exists()


@dataclass
class SharedMember:
    """What another platform's register shows of one member: only what it consented to publish."""

    platform: Any
    uuid: str
    name: str
    org_type: str
    area: str
    email: str
    postal_code: str
    address: str


def sharing_platforms(platform: Any) -> list[Any]:
    """Other platforms whose secretariat chose to share their member register (default: none)."""
    from platforms.models import Platform
    from surveys.models import RegisterSharing

    with scopes_disabled():
        ids = list(
            RegisterSharing.objects.filter(shares_register=True)
            .exclude(platform=platform)
            .values_list("platform_id", flat=True)
        )
    return list(Platform.objects.filter(pk__in=ids).order_by("code"))


def shared_register(survey: Survey, source: Any) -> list[SharedMember]:
    """The active members of ``source``'s register that can be invited to ``survey``: on its public
    register (they consented to their name being published), with an e-mail address or a postal
    address they consented to publish, not members here, not listed in this survey yet.

    Empty for a platform that does not share its register (or for the survey's own platform);
    nothing but the published fields leaves the other platform.
    """
    if source.pk == survey.platform_id or not shares_register(source):
        return []
    listed = set(Prospect.objects.filter(survey=survey).values_list("folded_name", flat=True))
    members_here = {fold(name) for name in MemberOrganisation.objects.values_list("name", flat=True)}
    out = []
    with scope(platform=source):
        for member in MemberOrganisation.objects.on_public_register().order_by("name_kana", "id"):
            key = fold(member.name)
            if key in listed or key in members_here:
                continue
            email = member.email if member.is_published("email") else ""
            published_address = member.is_published("address")
            if not email and not published_address:
                continue
            out.append(
                SharedMember(
                    platform=source,
                    uuid=str(member.uuid),
                    name=member.name,
                    org_type=str(member.get_org_type_display()),
                    area=member.area if member.is_published("area") else "",
                    email=email,
                    postal_code=member.postal_code if published_address else "",
                    address=member.address if published_address else "",
                )
            )
    return out
