"""Open surveys that any resident may answer, as the platform's own desks (platforms.desks).

Only surveys for residents, in the field, that take answers without an invitation code
(Tsuruoka's オープン調査): a survey that needs a code is reached through its letter.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _

from platforms.desks import Desk
from platforms.models import Platform
from surveys.models import Audience, Survey

KEYWORDS = ("アンケート", "調査", "回答", "意見")


def _short(text: str, limit: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def platform_desks(platform: Platform, at: datetime.datetime) -> Iterable[Desk]:
    surveys = Survey.objects.filter(
        platform=platform, status=Survey.Status.OPEN, audience=Audience.RESIDENTS, allow_open_web=True
    ).order_by("-opened_at", "title")
    return [
        Desk(
            kind="survey",
            title=survey.title,
            url=reverse("surveys:start", args=[platform.slug, survey.slug]),
            link_text=_("アンケートに答える"),
            description=_short(survey.description) or _("アンケートへのご協力をお願いします。"),
            keywords=(*KEYWORDS, survey.title),
            order=40,
        )
        for survey in surveys[:3]
    ]
