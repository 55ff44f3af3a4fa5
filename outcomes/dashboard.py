"""Reads of the outcomes dashboard, the prefecture's comparison and the annual report.

One fiscal year of a platform (4月–3月 unless the platform says otherwise): the registered sources'
figures beside the year before, every KPI against its target with its trend, the projects' cost
per outcome, the campaigns' figures with first contacts through their tracked links, and the
resident survey's loneliness share beside the national figure with its confidence interval.

Small counts (1 to ``sources.SMALL - 1``) are suppressed when ``suppress`` is set: on the pages of
viewers (not the secretariat) and always in the prefecture's comparison.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultations.models import Consulter
from outcomes import charts, sources
from outcomes.figures import LonelinessShare, latest_loneliness
from outcomes.metrics import Figures
from outcomes.models import Campaign, CampaignMedium, CostLine, Kpi, Measurement, TrialProject
from outcomes.queries import campaign_report
from platforms.models import Platform
from tsunagari.lib.jpcalendar import wareki_year

HIDDEN = gettext_lazy("5未満")  # what a suppressed count (1 to 4) reads, in the language of the page


def fiscal_year_bounds(platform: Platform, year: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, platform.fiscal_year_start_month, 1)
    end = datetime.date(year + 1, platform.fiscal_year_start_month, 1) - datetime.timedelta(days=1)
    return start, end


def fiscal_year_label(year: int) -> str:
    """令和8年度 (2026年度)."""
    return _("%(wareki)s年度（%(year)s年度）") % {"wareki": wareki_year(year), "year": year}


def show(value: Decimal | None, unit: str, *, source: sources.Source | None, suppress: bool) -> str:
    if value is None:
        return "-"
    if suppress and sources.suppressed(source, value):
        return str(HIDDEN)
    number = value.quantize(Decimal("0.1")) if value != value.to_integral() else value.to_integral()
    if unit[:1].isascii() and unit[:1].isalpha():  # a translated unit is a word: "12 cases", not "12件"
        return f"{number:,} {unit}"
    return f"{number:,}{unit}"


@dataclass
class FigureRow:
    source: sources.Source
    previous: Decimal | None
    current: Decimal | None
    previous_text: str
    current_text: str
    hidden: bool  # the current value is suppressed


@dataclass
class KpiLine:
    kpi: Kpi
    history: list[Measurement]
    latest: Measurement | None
    chart: str

    @property
    def achieved(self) -> bool | None:
        if self.latest is None or self.kpi.target is None:
            return None
        return self.latest.value >= self.kpi.target

    @property
    def progress(self) -> Decimal | None:
        """Latest value as a share of the target (percent, one decimal)."""
        if self.latest is None or not self.kpi.target:
            return None
        return (self.latest.value / self.kpi.target * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class ProjectLine:
    project: TrialProject
    cost: int
    outcome: Kpi | None
    outcome_value: Decimal | None

    @property
    def cost_per_outcome(self) -> Decimal | None:
        if not self.outcome_value or not self.cost:
            return None
        return (Decimal(self.cost) / self.outcome_value).quantize(Decimal(1), rounding=ROUND_HALF_UP)


@dataclass
class MediumLine:
    name: str
    clicks: int
    cost: int
    first_contacts: int | None  # None: no tracked link joined

    @property
    def cost_per_first_contact(self) -> Decimal | None:
        if not self.first_contacts:
            return None
        return (Decimal(self.cost) / self.first_contacts).quantize(Decimal(1), rounding=ROUND_HALF_UP)


@dataclass
class CampaignLine:
    campaign: Campaign
    total: Figures
    media: list[MediumLine]
    flags: int

    @property
    def first_contacts(self) -> int | None:
        joined = [m.first_contacts for m in self.media if m.first_contacts is not None]
        return sum(joined) if joined else None


@dataclass
class Dashboard:
    platform: Platform
    fiscal_year: int
    start: datetime.date
    end: datetime.date
    suppress: bool
    figures: list[FigureRow] = field(default_factory=list)
    kpis: list[KpiLine] = field(default_factory=list)
    projects: list[ProjectLine] = field(default_factory=list)
    campaigns: list[CampaignLine] = field(default_factory=list)
    loneliness: LonelinessShare | None = None

    @property
    def label(self) -> str:
        return fiscal_year_label(self.fiscal_year)

    @property
    def wareki(self) -> str:
        """令和8年度."""
        return _("%(wareki)s年度") % {"wareki": wareki_year(self.fiscal_year)}

    @property
    def project_cost(self) -> int:
        return sum(p.cost for p in self.projects)

    @property
    def has_figures(self) -> bool:
        """Whether any count is above zero (a chart of zeros says nothing)."""
        return any(r.current or r.previous for r in self.figures if r.source.kind == sources.COUNT)

    def figures_chart(self) -> str:
        rows = [
            charts.BarRow(
                str(r.source.label),
                None if r.hidden or r.current is None else float(r.current),
                r.current_text,
                None
                if r.previous is None or (self.suppress and sources.suppressed(r.source, r.previous))
                else float(r.previous),
                r.previous_text,
            )
            for r in self.figures
            if r.source.kind == sources.COUNT
        ]
        return charts.bars(
            rows,
            title=_("主な数字（%(year)s）") % {"year": self.wareki},
            first_label=_("今年度"),
            second_label=_("前年度"),
        )

    def projects_chart(self) -> str:
        rows = [
            charts.BarRow(p.project.name, float(p.cost), _("%(amount)s円") % {"amount": f"{p.cost:,}"})
            for p in self.projects
        ]
        return charts.bars(rows, title=_("実証事業の実費"))

    def loneliness_chart(self) -> str:
        found = self.loneliness
        if found is None:
            return ""
        rows = [
            charts.BarRow(
                found.survey.title,
                found.share,
                f"{found.share * 100:.1f}%",
                found.national,
                f"{found.national * 100:.1f}%" if found.national is not None else "",
            )
        ]
        return charts.bars(
            rows,
            title=_("孤独感「しばしばある・常にある」の割合"),
            first_label=_("本調査"),
            second_label=_("全国（令和5年）"),
        )


def figure_rows(platform: Platform, year: int, today: datetime.date, *, suppress: bool) -> list[FigureRow]:
    start, end = fiscal_year_bounds(platform, year)
    end = min(end, today)
    before_start, before_end = fiscal_year_bounds(platform, year - 1)
    rows = []
    for source in sources.all_sources():
        if not source.dashboard or source.key == "surveys.loneliness":
            continue
        current = sources.measure(source, platform, start, end)
        previous = sources.measure(source, platform, before_start, before_end)
        unit = str(source.unit)
        rows.append(
            FigureRow(
                source,
                previous,
                current,
                show(previous, unit, source=source, suppress=suppress),
                show(current, unit, source=source, suppress=suppress),
                suppress and sources.suppressed(source, current),
            )
        )
    return rows


def kpi_lines(project: TrialProject | None = None) -> list[KpiLine]:
    kpis = Kpi.objects.select_related("project", "tracked_link")
    if project is not None:
        kpis = kpis.filter(project=project)
    by_kpi: dict[int, list[Measurement]] = {}
    for m in Measurement.objects.filter(kpi__in=kpis).order_by("measured_on", "id"):
        by_kpi.setdefault(m.kpi_id, []).append(m)
    lines = []
    for kpi in kpis.order_by("project__fiscal_year", "project__created_at", "created_at"):
        history = by_kpi.get(kpi.pk, [])
        chart = charts.trend(
            [(m.measured_on.strftime("%Y/%m/%d"), float(m.value)) for m in history],
            title=_("%(kpi)s の推移") % {"kpi": kpi.name},
            target=float(kpi.target) if kpi.target is not None else None,
        )
        lines.append(KpiLine(kpi, history, history[-1] if history else None, chart))
    return lines


def project_lines(year: int | None, kpis: list[KpiLine]) -> list[ProjectLine]:
    projects = TrialProject.objects.all()
    if year is not None:
        projects = projects.filter(fiscal_year=year)
    costs = dict(
        CostLine.objects.values_list("project").annotate(total=Sum("amount")).values_list("project", "total")
    )
    outcome: dict[int, KpiLine] = {}
    for line in kpis:  # the first outcome KPI with a value, else the first output KPI with one
        if line.latest is None:
            continue
        held = outcome.get(line.kpi.project_id)
        if held is None or (held.kpi.stage != Kpi.Stage.OUTCOME and line.kpi.stage == Kpi.Stage.OUTCOME):
            if line.kpi.stage in (Kpi.Stage.OUTCOME, Kpi.Stage.OUTPUT):
                outcome[line.kpi.project_id] = line
    lines = []
    for project in projects:
        held = outcome.get(project.pk)
        lines.append(
            ProjectLine(
                project,
                int(costs.get(project.pk) or 0),
                held.kpi if held else None,
                held.latest.value if held and held.latest else None,
            )
        )
    return lines


def campaign_lines(year: int | None, platform: Platform) -> list[CampaignLine]:
    campaigns = list(Campaign.objects.all())
    if year is not None:
        start, end = fiscal_year_bounds(platform, year)
        campaigns = [c for c in campaigns if c.starts_on is None or start <= c.starts_on <= end]
    links = {
        row["source"]: row["n"]
        for row in Consulter.objects.filter(source__isnull=False).values("source").annotate(n=Count("id"))
    }
    media_by_campaign: dict[int, list[CampaignMedium]] = {}
    for medium in CampaignMedium.objects.filter(campaign__in=campaigns):
        media_by_campaign.setdefault(medium.campaign_id, []).append(medium)
    lines = []
    for campaign in campaigns:
        rows, total = campaign_report(campaign)
        media = [
            MediumLine(
                m.name,
                m.clicks,
                m.cost,
                links.get(m.tracked_link_id, 0) if m.tracked_link_id else None,
            )
            for m in media_by_campaign.get(campaign.pk, [])
        ]
        flags = sum(len(r.flags) for r in rows) + len(total.flags)
        lines.append(CampaignLine(campaign, total, media, flags))
    return lines


def build(
    platform: Platform,
    year: int | None = None,
    *,
    suppress: bool,
    today: datetime.date | None = None,
    only_year: bool = False,
) -> Dashboard:
    """The dashboard; ``only_year`` keeps the projects, KPIs and campaigns of that year (the report)."""
    today = today or timezone.localdate()
    year = year if year is not None else platform.fiscal_year_of(today)
    start, end = fiscal_year_bounds(platform, year)
    board = Dashboard(platform, year, start, end, suppress)
    board.figures = figure_rows(platform, year, today, suppress=suppress)
    board.kpis = kpi_lines()
    if only_year:
        board.kpis = [k for k in board.kpis if k.kpi.project.fiscal_year == year]
    board.projects = project_lines(year if only_year else None, board.kpis)
    board.campaigns = campaign_lines(year if only_year else None, platform)
    board.loneliness = latest_loneliness()
    return board


def years(platform: Platform, today: datetime.date | None = None) -> list[int]:
    """Fiscal years with projects, and the current one, newest first."""
    today = today or timezone.localdate()
    found = set(TrialProject.objects.values_list("fiscal_year", flat=True))
    found.add(platform.fiscal_year_of(today))
    return sorted(found, reverse=True)


# --- the prefecture's comparison ------------------------------------------------------------------


@dataclass
class ComparisonRow:
    platform: Platform
    values: list[tuple[Decimal | None, str]]  # per source: (value or None when hidden, text)


@dataclass
class Comparison:
    prefecture: Platform
    fiscal_year: int
    columns: list[sources.Source]
    rows: list[ComparisonRow]

    def sort(self, key: str, descending: bool) -> None:
        index = next((i for i, s in enumerate(self.columns) if s.key == key), None)
        if index is None:
            self.rows.sort(key=lambda r: r.platform.code)
            return

        present = [r for r in self.rows if r.values[index][0] is not None]
        missing = [r for r in self.rows if r.values[index][0] is None]
        present.sort(key=lambda r: r.values[index][0] or Decimal(0), reverse=descending)
        self.rows = present + missing

    def map(self, key: str) -> charts.MunicipalMap | None:
        """The choropleth of the prefecture's municipalities for one source (None without any)."""
        if not self.columns:
            return None
        index = next((i for i, s in enumerate(self.columns) if s.key == key), 0)
        source = self.columns[index]
        cells = [
            charts.MapCell(
                r.platform.code,
                r.platform.owner_name,
                _float(r.values[index][0]),
                r.values[index][1],
            )
            for r in sorted(self.rows, key=lambda r: r.platform.code)
        ]
        return charts.municipal_map(
            self.prefecture.code, cells, title=str(source.label), unit=str(source.unit)
        )


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def comparison(prefecture: Platform, year: int, today: datetime.date | None = None) -> Comparison:
    """The prefecture's municipal platforms side by side: one number per source, small ones hidden.

    Each municipal platform is measured in its own scope by the registered sources (aggregates
    only); nothing but the numbers leaves it, and counts under ``sources.SMALL`` read 「5未満」.
    """
    today = today or timezone.localdate()
    columns = [s for s in sources.all_sources() if s.comparable]
    rows = []
    for municipality in Platform.objects.in_prefecture_of(prefecture).order_by("code"):
        start, end = fiscal_year_bounds(municipality, year)
        end = min(end, today)
        values: list[tuple[Decimal | None, str]] = []
        for source in columns:
            value = sources.measure(source, municipality, start, end)
            text = show(value, str(source.unit), source=source, suppress=True)
            values.append((None if text in (str(HIDDEN), "-") else value, text))
        rows.append(ComparisonRow(municipality, values))
    return Comparison(prefecture, year, columns, rows)
