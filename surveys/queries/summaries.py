"""Read logic for the staff pages (counts by mode, response rates)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from surveys.models import Invitation, Mode, Response, Survey


def survey_summaries(survey_id: int | None = None) -> list[dict[str, Any]]:
    """Every survey (or one) with submitted responses by mode and invitations sent/used."""
    surveys = Survey.objects.all()
    if survey_id is not None:
        surveys = surveys.filter(pk=survey_id)
    by_mode: dict[int, dict[str, int]] = {}
    for row in (
        Response.objects.submitted()
        .filter(survey__in=surveys)
        .values("survey_id", "mode")
        .annotate(n=Count("id"))
    ):
        by_mode.setdefault(row["survey_id"], {})[row["mode"]] = row["n"]
    invitations: dict[int, Any] = {
        row["survey_id"]: row
        for row in Invitation.objects.filter(survey__in=surveys)
        .values("survey_id")
        .annotate(sent=Count("id"), used=Count("id", filter=Q(used_at__isnull=False)))
    }
    out = []
    for survey in surveys.order_by("-created_at"):
        modes = by_mode.get(survey.pk, {})
        sent = invitations.get(survey.pk, {}).get("sent", 0)
        used = invitations.get(survey.pk, {}).get("used", 0)
        out.append(
            {
                "survey": survey,
                "total": sum(modes.values()),
                "sample": sum(n for m, n in modes.items() if m != Mode.OPEN_WEB),
                "open_web": modes.get(Mode.OPEN_WEB, 0),
                "by_mode": [(label, modes.get(value, 0)) for value, label in Mode.choices],
                "sent": sent,
                "used": used,
                "rate": (100 * used / sent) if sent else None,
            }
        )
    return out
