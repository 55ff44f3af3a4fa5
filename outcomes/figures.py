"""The KPI sources outcomes registers itself (``sources.register`` in ``OutcomesConfig.ready``).

Figures of the apps below outcomes that it may read: conversations opened and first contacts at the
consultation desk, tracked-link clicks, referrals completed, active members, matches delivered on
the network, and the national loneliness question of a resident survey (the share answering
「しばしばある・常にある」 with its 95% confidence interval, beside the national R5 figure).
Apps above outcomes (events) register their own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from consultations.models import Consulter, Conversation, LinkClickDay, Referral, TrackedLink
from directory.models import Service
from network.models import Match
from outcomes.sources import COUNT, RATE, Source, register
from partnership.models import MemberOrganisation
from platforms.models import Platform
from surveys.models import Response, Survey
from surveys.reports import Analysis, benchmark_shares
from surveys.stats.estimation import EstimationError
from surveys.wellbeing import LONELINESS_OFTEN, LONELINESS_QUESTION

MIN_RESPONSES = 30  # a survey share from fewer answers is not shown


def _conversations(platform: Platform, start: datetime.date, end: datetime.date, parameter: str) -> Decimal:
    return Decimal(Conversation.objects.filter(opened_at__date__gte=start, opened_at__date__lte=end).count())


def _first_contacts(platform: Platform, start: datetime.date, end: datetime.date, parameter: str) -> Decimal:
    people = Consulter.objects.filter(first_contact_at__date__gte=start, first_contact_at__date__lte=end)
    if parameter:
        people = people.filter(source__uuid=parameter)
    return Decimal(people.count())


def _link_clicks(platform: Platform, start: datetime.date, end: datetime.date, parameter: str) -> Decimal:
    days = LinkClickDay.objects.filter(day__gte=start, day__lte=end)
    if parameter:
        days = days.filter(link__uuid=parameter)
    return Decimal(days.aggregate(total=Sum("clicks"))["total"] or 0)


def _links(platform: Platform) -> list[tuple[str, str]]:
    return [(str(link.uuid), link.label) for link in TrackedLink.objects.all()]


def _referrals(platform: Platform, start: datetime.date, end: datetime.date, parameter: str) -> Decimal:
    done = Referral.objects.filter(status="completed", created_at__date__gte=start, created_at__date__lte=end)
    return Decimal(done.count())


def _members(platform: Platform, start: datetime.date, end: datetime.date, parameter: str) -> Decimal:
    """Members on ``end``: joined by then and not gone before it."""
    on_roll = MemberOrganisation.objects.filter(joined_on__lte=end).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=end)
    )
    return Decimal(on_roll.count())


def _services(platform: Platform, start: datetime.date, end: datetime.date, parameter: str) -> Decimal:
    """Consultation windows and services the directory lists (today's count; the directory keeps no history)."""
    return Decimal(Service.objects.filter(status=Service.Status.ACTIVE).count())


def _matches(platform: Platform, start: datetime.date, end: datetime.date, parameter: str) -> Decimal:
    done = Match.objects.filter(
        status__in=[Match.Status.DELIVERED, Match.Status.THANKED],
        updated_at__date__gte=start,
        updated_at__date__lte=end,
    )
    return Decimal(done.count())


# --- the national loneliness question ----------------------------------------------------------


@dataclass(frozen=True)
class LonelinessShare:
    survey: Survey
    n: int
    share: float  # fraction
    ci_low: float
    ci_high: float
    national: float | None  # fraction, the national R5 benchmark


def _national_surveys() -> list[Survey]:
    return list(Survey.objects.filter(template="national").exclude(status=Survey.Status.DRAFT))


def _surveys(platform: Platform) -> list[tuple[str, str]]:
    return [(str(s.uuid), s.title) for s in _national_surveys()]


def loneliness_share(survey: Survey) -> LonelinessShare | None:
    """The weighted share answering 「しばしばある・常にある」, or None with fewer than 30 answers."""
    if Response.objects.submitted().filter(survey=survey).count() < MIN_RESPONSES:
        return None
    analysis = Analysis(survey, codes=[LONELINESS_QUESTION])
    variable = analysis.variables.get(LONELINESS_QUESTION)
    if variable is None:
        return None
    try:
        row = analysis.table(variable).row(None, str(LONELINESS_OFTEN))
    except EstimationError:
        return None
    if row is None or row.suppressed:
        return None
    benchmark = analysis.benchmark(variable)
    national = benchmark_shares(benchmark).get(str(LONELINESS_OFTEN)) if benchmark is not None else None
    return LonelinessShare(survey, analysis.n, row.estimate, row.ci_low, row.ci_high, national)


def latest_loneliness() -> LonelinessShare | None:
    for survey in _national_surveys():
        found = loneliness_share(survey)
        if found is not None:
            return found
    return None


def _loneliness(
    platform: Platform, start: datetime.date, end: datetime.date, parameter: str
) -> Decimal | None:
    """Percent (4.8 = 4.8%) of the chosen survey, or of the latest one when none is chosen."""
    if parameter:
        survey = Survey.objects.filter(uuid=parameter).first()
        found = loneliness_share(survey) if survey is not None else None
    else:
        found = latest_loneliness()
    if found is None:
        return None
    return (Decimal(str(found.share)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def register_builtin() -> None:
    register(
        Source(
            "consultations",
            _("相談件数（期間内に始まった相談）"),
            _conversations,
            pgettext_lazy("unit", "件"),
            COUNT,
            order=10,
        ),
        Source(
            "first_contacts",
            _("新規相談者数（初回接触）"),
            _first_contacts,
            pgettext_lazy("unit", "人"),
            COUNT,
            order=20,
        ),
        Source(
            "link_clicks",
            _("計測リンクのクリック数"),
            _link_clicks,
            pgettext_lazy("unit of clicks", "回"),
            COUNT,
            choices=_links,
            comparable=False,
            order=30,
        ),
        Source(
            "referrals_completed",
            _("つなぎ（紹介）の完了件数"),
            _referrals,
            pgettext_lazy("unit", "件"),
            COUNT,
            order=40,
        ),
        Source("members", _("会員団体数（期末）"), _members, pgettext_lazy("unit", "団体"), COUNT, order=50),
        Source(
            "directory.services",
            _("相談窓口・支援の掲載数（現在）"),
            _services,
            pgettext_lazy("unit of listed services", "件"),
            COUNT,
            order=55,
        ),
        Source(
            "matches_delivered",
            _("マッチングによる支援の提供件数"),
            _matches,
            pgettext_lazy("unit", "件"),
            COUNT,
            order=60,
        ),
        Source(
            "surveys.loneliness",
            _("孤独感「しばしばある・常にある」の割合（住民調査）"),
            _loneliness,
            "%",
            RATE,
            choices=_surveys,
            order=70,
        ),
    )
