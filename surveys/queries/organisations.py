"""Organisation surveys: which member was invited, answered and reminded; the response rate."""

from __future__ import annotations

from typing import Any

from partnership.models import MemberOrganisation
from surveys.models import Invitation, Reminder, Response, Survey


def tracking(survey: Survey) -> list[dict[str, Any]]:
    """Every active member with its invitation, whether it answered and its last reminder."""
    invitations = {
        i.organisation_id: i for i in Invitation.objects.filter(survey=survey, organisation__isnull=False)
    }
    answered = set(
        Response.objects.submitted()
        .filter(survey=survey, organisation__isnull=False)
        .values_list("organisation_id", flat=True)
    )
    reminders: dict[int, list[Reminder]] = {}
    for reminder in Reminder.objects.filter(survey=survey).order_by("-sent_at"):
        reminders.setdefault(reminder.organisation_id, []).append(reminder)
    rows = []
    for member in MemberOrganisation.objects.active().order_by("name_kana", "id"):
        rows.append(
            {
                "member": member,
                "invitation": invitations.get(member.pk),
                "answered": member.pk in answered,
                "reminders": reminders.get(member.pk, []),
            }
        )
    return rows


def response_rate(survey: Survey) -> tuple[int, int]:
    """(organisations that answered, organisations invited) — Shiga's 86/88."""
    invited = Invitation.objects.filter(survey=survey, organisation__isnull=False).count()
    answered = Response.objects.submitted().filter(survey=survey, organisation__isnull=False).count()
    return answered, invited
