"""Event figures as KPI sources of the outcomes dashboards (``outcomes.sources``), registered in
``EventsConfig.ready()``. Each measures the events held (published, not cancelled) on the days
``start`` to ``end``; a KPI may pick one event (``parameter`` = its uuid) or take them all.
Aggregates only: counts and shares, never a name.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.queries import PeriodFigures, events_between, period_figures
from outcomes.sources import COUNT, RATE, Source, register
from platforms.models import Platform

# A satisfaction share from fewer answers is not shown (one person's answer could be read off it).
MIN_ANSWERS = 5


def _figures(start: datetime.date, end: datetime.date, parameter: str) -> PeriodFigures:
    figures = period_figures(start, end)
    if parameter:
        figures.events = [line for line in figures.events if str(line.event.uuid) == parameter]
    return figures


def _percent(numerator: int, denominator: int) -> Decimal:
    return (Decimal(100) * numerator / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _registrations(platform: Platform, start: datetime.date, end: datetime.date, parameter: str) -> Decimal:
    return Decimal(_figures(start, end, parameter).total("registered"))


def _attended(platform: Platform, start: datetime.date, end: datetime.date, parameter: str) -> Decimal:
    return Decimal(_figures(start, end, parameter).total("attended"))


def _attendance_rate(
    platform: Platform, start: datetime.date, end: datetime.date, parameter: str
) -> Decimal | None:
    figures = _figures(start, end, parameter)
    confirmed = figures.total("confirmed")
    return _percent(figures.total("attended"), confirmed) if confirmed else None


def _waiting(platform: Platform, start: datetime.date, end: datetime.date, parameter: str) -> Decimal:
    return Decimal(_figures(start, end, parameter).total("waiting"))


def _satisfaction(
    platform: Platform, start: datetime.date, end: datetime.date, parameter: str
) -> Decimal | None:
    figures = _figures(start, end, parameter)
    answers = figures.total("answers")
    return _percent(figures.total("satisfied"), answers) if answers >= MIN_ANSWERS else None


def _events(platform: Platform) -> list[tuple[str, str]]:
    today = timezone.localdate()
    held = events_between(today - datetime.timedelta(days=3 * 366), today + datetime.timedelta(days=366))
    return [
        (str(event.uuid), f"{event.starts_at:%Y-%m-%d} {event.title}")
        for event in held.order_by("-starts_at")
    ]


def register_sources() -> None:
    register(
        Source(
            "events.registrations",
            _("イベントの申込者数"),
            _registrations,
            _("人"),
            COUNT,
            choices=_events,
            order=80,
        ),
        Source(
            "events.attended", _("イベントの来場者数"), _attended, _("人"), COUNT, choices=_events, order=81
        ),
        Source(
            "events.attendance_rate",
            _("イベントの参加率（来場÷参加確定）"),
            _attendance_rate,
            "%",
            RATE,
            choices=_events,
            order=82,
        ),
        Source(
            "events.waiting",
            _("イベントのキャンセル待ちの人数"),
            _waiting,
            _("人"),
            COUNT,
            choices=_events,
            dashboard=False,
            comparable=False,
            order=83,
        ),
        Source(
            "events.satisfaction",
            _("イベントの満足度（満足・やや満足の割合）"),
            _satisfaction,
            "%",
            RATE,
            choices=_events,
            order=84,
        ),
    )
