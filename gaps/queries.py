"""Reads of the gap analysis: the coverage matrix and the touch-point matrix.

Coverage: 棚卸し・ギャップ分析: how many services cover each taxonomy term × target group × area.

Rows are taxonomy terms; the columns are one of three dimensions (対象者, 対象年齢層 or
地域 = municipality by 全国地方公共団体コード); the other two are filters. An empty cell
is a gap: nothing in the directory serves that need for that group or place.

Which areas a service covers, from its HSDS service areas:
- a municipality code covers that municipality;
- a prefecture code covers every municipality of the prefecture ("広域", on by default);
- a service with no service area is taken to cover the platform's own area (the city for a
  municipal platform, the whole prefecture for a prefectural one);
- national services (``is_national``) cover everywhere, only when asked for: otherwise the
  national hotlines would fill every cell and hide the local gaps.

Touch points: which department meets which sign of isolation, and where it hands over.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from directory import taxonomy
from directory.models import AgeBand, Attribute, Service, ServiceArea, TargetGroup, TaxonomyTerm
from gaps.models import Department, IsolationSignal, TouchPoint
from partnership.models import MemberOrganisation, OrgType
from platforms.models import Platform
from tsunagari.lib import jiscode

TARGET, AGE, AREA = "target", "age", "area"


UNSPECIFIED = ""  # the column of services that do not say (対象者の指定なし)


CATEGORIES = "categories"


TOPICS = "topics"


OWN = "own"


TAXONOMIES = {CATEGORIES: taxonomy.CATEGORIES_ID, TOPICS: taxonomy.TOPICS_ID}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    is_gap_column: bool = True  # 指定なし columns are shown but never flagged as gaps


@dataclass
class Row:
    term: TaxonomyTerm
    columns: list[Column]
    service_ids: list[list[int]]  # per column, the services counted there
    total: int

    @property
    def counts(self) -> list[int]:
        return [len(ids) for ids in self.service_ids]

    @property
    def cells(self) -> list[tuple[Column, int]]:
        return list(zip(self.columns, self.counts, strict=True))

    def cell_key(self, column: Column) -> str:
        """The ``cell`` query value that opens the list of services of one cell."""
        return f"{self.term.uuid.hex}:{column.key}"

    @property
    def gaps(self) -> list[Column]:
        return [column for column, n in self.cells if column.is_gap_column and n == 0]


@dataclass
class Matrix:
    dimension: str
    columns: list[Column]
    rows: list[Row]
    services: int
    filters: dict[str, str] = field(default_factory=dict)

    @property
    def gap_count(self) -> int:
        return sum(len(row.gaps) for row in self.rows)

    @property
    def cell_count(self) -> int:
        return len(self.rows) * sum(1 for c in self.columns if c.is_gap_column)


@dataclass(frozen=True)
class Options:
    dimension: str = TARGET
    terms: str = CATEGORIES  # CATEGORIES, TOPICS, OWN (the platform's imported taxonomies) or "" for all
    area: str = ""  # a municipality code, or "" for every area
    target: str = ""
    age: str = ""
    include_wide: bool = True
    include_national: bool = False
    published_only: bool = True


def areas(platform: Platform) -> list[Column]:
    """The municipalities of this platform: itself, or for a prefecture every municipality named
    by a service area or a member organisation; named after the service areas, else after the
    municipality's own member entry, else shown by code."""
    if not platform.is_prefecture:
        return [Column(platform.code, platform.owner_name)]
    prefix = platform.code[:2]
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for code, name in ServiceArea.objects.filter(municipality_code__startswith=prefix).values_list(
        "municipality_code", "name"
    ):
        names[code][name] += 1 if name else 0
    members: dict[str, str] = {}
    for code, org_type, name in MemberOrganisation.objects.filter(
        municipality_code__startswith=prefix
    ).values_list("municipality_code", "org_type", "name"):
        names[code]  # noqa: B018 -- make sure the municipality has a column
        if org_type == OrgType.MUNICIPALITY:
            members.setdefault(code, name)  # the municipality itself is a member: 大垣市
    columns = []
    for code in sorted(names):
        if jiscode.is_prefecture(code) or not jiscode.is_valid(code):
            continue
        common = [n for n, count in names[code].most_common() if n and count]
        columns.append(Column(code, common[0] if common else members.get(code, code)))
    return columns


def _covered_areas(
    codes: set[str], is_national: bool, platform: Platform, all_areas: list[str], options: Options
) -> set[str]:
    if is_national:
        return set(all_areas) if options.include_national else set()
    if not codes:
        codes = {platform.code}
    covered = {c for c in codes if c in all_areas}
    if options.include_wide:
        for code in codes:
            if jiscode.is_prefecture(code):
                covered.update(a for a in all_areas if a[:2] == code[:2])
    return covered


def row_terms(platform: Platform, which: str) -> QuerySet[TaxonomyTerm]:
    terms = TaxonomyTerm.objects.available_to(platform)
    if which in TAXONOMIES:
        terms = terms.filter(platform=None, taxonomy_ref=TAXONOMIES[which])
    elif which == OWN:
        terms = terms.filter(platform=platform)
    return terms.order_by("platform_id", "taxonomy", "order", "name", "id")


def _columns(platform: Platform, dimension: str) -> list[Column]:
    if dimension == AREA:
        return areas(platform)
    choices = TargetGroup.choices if dimension == TARGET else AgeBand.choices
    none = _("対象者の指定なし") if dimension == TARGET else _("年齢層の指定なし")
    return [Column(value, str(label)) for value, label in choices] + [Column(UNSPECIFIED, none, False)]


def coverage(platform: Platform, options: Options) -> Matrix:
    """Count distinct services per (term, column) after the filters; call inside the platform scope."""
    services = Service.objects.exclude(status=Service.Status.DEFUNCT)
    if options.published_only:
        services = services.public()
    if not options.include_national:
        services = services.filter(is_national=False)
    rows = list(row_terms(platform, options.terms))
    columns = _columns(platform, options.dimension)
    area_codes = [c.key for c in (columns if options.dimension == AREA else areas(platform))]
    info = {
        pk: (set(targets or []), set(ages or []), national)
        for pk, targets, ages, national in services.values_list(
            "pk", "target_groups", "age_bands", "is_national"
        )
    }
    service_areas: dict[int, set[str]] = defaultdict(set)
    for service_id, code in ServiceArea.objects.filter(service_id__in=info).values_list(
        "service_id", "municipality_code"
    ):
        if code:
            service_areas[service_id].add(code)
    by_term: dict[int, set[int]] = defaultdict(set)
    for service_id, term_id in Attribute.objects.filter(
        service_id__in=info, taxonomy_term__in=rows
    ).values_list("service_id", "taxonomy_term_id"):
        by_term[term_id].add(service_id)

    def column_keys(service_id: int) -> set[str]:
        targets, ages, national = info[service_id]
        covered = _covered_areas(service_areas[service_id], national, platform, area_codes, options)
        if options.area and options.area not in covered:
            return set()
        if options.target and options.target not in targets:
            return set()
        if options.age and options.age not in ages:
            return set()
        if options.dimension == AREA:
            return covered
        values = targets if options.dimension == TARGET else ages
        return set(values) or {UNSPECIFIED}

    keys = {service_id: column_keys(service_id) for service_id in info}
    result = []
    counted: set[int] = set()
    for term in rows:
        members = [s for s in by_term.get(term.pk, ()) if keys[s]]
        counted.update(members)
        ids = [[s for s in members if column.key in keys[s]] for column in columns]
        result.append(Row(term, columns, ids, len(members)))
    return Matrix(options.dimension, columns, result, len(counted))


def cell_services(matrix: Matrix, cell: str) -> tuple[Row, Column, QuerySet[Service]] | None:
    """The services counted in one cell (``term-uuid-hex:column-key``), or None if there is no such cell."""
    term_hex, _sep, key = cell.partition(":")
    for row in matrix.rows:
        if row.term.uuid.hex == term_hex:
            for column, ids in zip(row.columns, row.service_ids, strict=True):
                if column.key == key:
                    services = Service.objects.filter(pk__in=ids).select_related("organization")
                    return row, column, services.order_by("name_kana", "name", "id")
    return None


# --- touch points --------------------------------------------------------------------------------


@dataclass
class MatrixRow:
    department: Department
    cells: list[TouchPoint | None]

    @property
    def count(self) -> int:
        return sum(1 for cell in self.cells if cell is not None)


@dataclass
class TouchMatrix:
    signals: list[IsolationSignal]
    rows: list[MatrixRow]

    def signal_counts(self) -> list[int]:
        return [sum(1 for row in self.rows if row.cells[i] is not None) for i in range(len(self.signals))]

    @property
    def uncovered_signals(self) -> list[IsolationSignal]:
        """Signals that no department watches for."""
        return [s for s, n in zip(self.signals, self.signal_counts(), strict=True) if n == 0]

    @property
    def unreferred(self) -> list[TouchPoint]:
        """Touch points without a service to hand over to."""
        return [
            cell for row in self.rows for cell in row.cells if cell is not None and not cell.services.all()
        ]


def touch_points() -> list[TouchPoint]:
    return list(
        TouchPoint.objects.select_related("department", "signal").prefetch_related(
            Prefetch("services", queryset=Service.objects.select_related("organization").order_by("name"))
        )
    )


def touch_matrix() -> TouchMatrix:
    signals = list(IsolationSignal.objects.all())
    points = {(p.department_id, p.signal_id): p for p in touch_points()}
    rows = [
        MatrixRow(department, [points.get((department.pk, s.pk)) for s in signals])
        for department in Department.objects.all()
    ]
    return TouchMatrix(signals, rows)


def handover_choices() -> Any:
    """Services a touch point can hand over to: every service of the platform that is not defunct."""
    return (
        Service.objects.exclude(status=Service.Status.DEFUNCT)
        .select_related("organization")
        .order_by("name_kana", "name")
    )
