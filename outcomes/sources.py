"""KPI sources: figures tsunagari already counts, which a KPI can be measured from.

A source is registered once, by the app that owns the figure, from its ``AppConfig.ready()``;
outcomes never imports that app (events may import outcomes, not the other way round)::

    from outcomes import sources

    def attendance(platform, start, end, parameter):
        return Decimal(Attendance.objects.filter(event__starts_at__date__range=(start, end)).count())

    sources.register(
        sources.Source(
            key="events.attendance",   # stored in Kpi.source: "<app>.<figure>", at most 40 characters
            label=_("イベント参加者数"),  # shown in the KPI form, the dashboard and the comparison
            unit=_("人"),
            measure=attendance,
        )
    )

``measure(platform, start, end, parameter)`` is called inside ``platform``'s scope (the scoped
managers return that platform's rows) and returns a ``Decimal`` for the days ``start`` to ``end``
inclusive, or ``None`` when there is nothing to measure. It returns an aggregate only: never a
row, a name or a case. ``parameter`` is ``""`` unless the source has ``choices``:
``choices(platform) -> [(value, label)]`` lists what a KPI may pick (a survey, a tracked link),
stored in ``Kpi.parameter``.

``kind`` is ``COUNT`` (people, conversations: values from 1 to ``SMALL - 1`` are suppressed on
pages shown outside the secretariat and in the prefecture's comparison) or ``RATE`` (a share in
percent; suppressed when ``measure`` says so by returning ``None``). ``dashboard=True`` puts the
source's fiscal-year figure on the platform dashboard; ``comparable=True`` puts it in the
prefecture's side-by-side comparison of its municipal platforms (measured in each one's scope, only
the number crosses platforms).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django_scopes import scope

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from platforms.models import Platform

COUNT = "count"
RATE = "rate"
SMALL = 5  # counts from 1 to 4 are shown as "5未満" outside the secretariat

Measure = Callable[["Platform", datetime.date, datetime.date, str], Decimal | None]
Choices = Callable[["Platform"], list[tuple[str, str]]]


@dataclass(frozen=True)
class Source:
    key: str
    label: str | Promise
    measure: Measure
    unit: str | Promise = ""
    kind: str = COUNT
    choices: Choices | None = None
    dashboard: bool = True
    comparable: bool = True
    order: int = 100


_REGISTRY: dict[str, Source] = {}


def register(*new: Source) -> None:
    """Add sources (a key registered twice replaces the first: ``ready()`` may run again in tests)."""
    for source in new:
        if not source.key or len(source.key) > 40:
            raise ValueError(f"KPI source key must be 1-40 characters: {source.key!r}")
        if source.kind not in (COUNT, RATE):
            raise ValueError(f"KPI source kind must be COUNT or RATE: {source.kind!r}")
        _REGISTRY[source.key] = source


def get(key: str) -> Source | None:
    return _REGISTRY.get(key)


def all_sources() -> list[Source]:
    return sorted(_REGISTRY.values(), key=lambda s: (s.order, s.key))


def measure(
    source: Source, platform: Platform, start: datetime.date, end: datetime.date, parameter: str = ""
) -> Decimal | None:
    """The source's figure for ``platform`` (entering its scope, so a prefecture can ask for a town)."""
    with scope(platform=platform):
        return source.measure(platform, start, end, parameter)


def suppressed(source: Source | None, value: Decimal | None) -> bool:
    """Whether a count is too small to show outside the secretariat (1 to SMALL - 1)."""
    kind = source.kind if source else COUNT
    return kind == COUNT and value is not None and 0 < value < SMALL
