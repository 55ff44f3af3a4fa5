"""Reads of outcomes: project costs, KPI values (some counted from tsunagari's own data), campaign reports."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from outcomes import sources
from outcomes.metrics import Figures, StatedTotal, report
from outcomes.models import Campaign, CostLine, Kpi, Measurement, TrialProject


def actual_cost(project: TrialProject) -> int:
    return int(CostLine.objects.filter(project=project).aggregate(total=Sum("amount"))["total"] or 0)


@dataclass
class ProjectRow:
    project: TrialProject
    cost: int


def projects(fiscal_year: int | None = None) -> tuple[list[ProjectRow], int]:
    """Every project with its actual cost, and the sum of them."""
    qs = TrialProject.objects.all()
    if fiscal_year is not None:
        qs = qs.filter(fiscal_year=fiscal_year)
    totals = dict(
        CostLine.objects.values_list("project").annotate(total=Sum("amount")).values_list("project", "total")
    )
    rows = [ProjectRow(p, int(totals.get(p.pk, 0) or 0)) for p in qs]
    return rows, sum(r.cost for r in rows)


def measure_kpi(kpi: Kpi, *, until: datetime.date) -> Decimal | None:
    """A KPI counted from a registered source between its start and ``until`` (inclusive)."""
    source = sources.get(kpi.source)
    if source is None:
        raise ValueError(kpi.source)
    start = kpi.starts_on or datetime.date(1900, 1, 1)
    end = min(until, kpi.ends_on) if kpi.ends_on else until
    return sources.measure(source, kpi.platform, start, end, kpi.source_parameter)


@dataclass
class KpiRow:
    kpi: Kpi
    latest: Measurement | None
    history: list[Measurement]

    @property
    def achieved(self) -> bool | None:
        if self.latest is None or self.kpi.target is None:
            return None
        return self.latest.value >= self.kpi.target


def kpis(project: TrialProject) -> list[KpiRow]:
    rows = []
    for kpi in Kpi.objects.filter(project=project).select_related("tracked_link"):
        history = list(Measurement.objects.filter(kpi=kpi))
        rows.append(KpiRow(kpi, history[-1] if history else None, history))
    return rows


def campaign_report(campaign: Campaign) -> tuple[list[Figures], Figures]:
    rows = [
        Figures(m.name, m.impressions, m.clicks, m.cost, m.stated_ctr, m.stated_cpc)
        for m in campaign.media.all()
    ]
    stated = StatedTotal(
        campaign.stated_impressions,
        campaign.stated_clicks,
        campaign.stated_cost,
        campaign.stated_ctr,
        campaign.stated_cpc,
    )
    has_total = any(
        v not in (None, "")
        for v in (
            campaign.stated_impressions,
            campaign.stated_clicks,
            campaign.stated_cost,
            campaign.stated_ctr,
        )
    )
    return report(rows, stated if has_total else None)
