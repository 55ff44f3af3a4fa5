"""The surveys' block on the secretariat's and the viewer's home (platforms.homes)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from platforms.homes import Block, Line
from platforms.models import Platform
from surveys.models import Invitation, Response, Survey


def rate_note(answered: int, invited: int, responses: int) -> str:
    """「回答 86 / 招待 88（97.7%）」, or the number of answers of a survey without invitations."""
    if invited:
        return _("回答 %(a)d / 招待 %(i)d（%(r).1f%%）") % {
            "a": answered,
            "i": invited,
            "r": 100 * answered / invited,
        }
    return _("回答 %(n)d件") % {"n": responses}


def _count(rows: QuerySet[Any]) -> Coalesce:
    """A correlated count per survey (a subquery: joining both tables would multiply the rows)."""
    counted = (
        rows.filter(survey=OuterRef("pk")).order_by().values("survey").annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(counted), 0)


def surveys_home(platform: Platform, role: Any, now: datetime.datetime) -> Iterator[Block]:
    if not (role.is_secretariat or role.kind == "viewer"):
        return
    surveys = list(
        Survey.objects.filter(status=Survey.Status.OPEN)
        .annotate(
            invited=_count(Invitation.objects.all()),
            answered=_count(Invitation.objects.filter(used_at__isnull=False)),
            submitted=_count(Response.objects.submitted()),
        )
        .order_by("title")
    )
    yield Block(
        _("回答受付中の調査と回収率"),
        count=len(surveys),
        url=reverse("surveys:list", args=[platform.slug]),
        lines=[
            Line(
                survey.title,
                url=reverse("surveys:survey", args=[platform.slug, survey.uuid]),
                note=rate_note(survey.answered, survey.invited, survey.submitted),
            )
            for survey in surveys
        ],
        empty=_("回答受付中の調査はありません。"),
        order=40,
    )
