"""Results of a survey: estimates per question, by group, against the benchmark, as charts and tables.

``Analysis`` loads the responses once (``surveys.data.responses_frame``), applies the survey's
weighting settings once (:mod:`surveys.stats.weighting`) and answers every estimate from that weighted
sample. ``published=True`` applies small-cell suppression: everything that leaves the staff
pages (PDF, Excel, open-data CSV) is built with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from surveys.charts import Bar, bar_chart
from surveys.stats.estimation import (
    KIND_MEAN,
    KIND_MULTI,
    KIND_PROP,
    MISSING,
    Comparison,
    EstimateTable,
    EstimationError,
    compare_with_benchmark,
    estimate,
    suppress,
)
from surveys.stats.weighting import WeightedSample, WeightingError, prepare

KIND_TEXT = "text"
GROUP_CODES = ("region", "age_band", "sex")


@dataclass(frozen=True)
class Variable:
    """A column of the response frame as reports see it: question text, kind and option labels."""

    code: str
    text: str
    kind: str
    options: tuple[tuple[str, str], ...] = ()

    def label(self, category: str | None) -> str:
        if category is None:
            return _("平均")
        if category == MISSING:
            return _("無回答")
        return dict(self.options).get(category, category)

    @property
    def short(self) -> str:
        """A short name for headings ("地域別"): the demographic's name, else the question text."""
        names = {"region": _("地域"), "age_band": _("年齢"), "sex": _("性別"), "household": _("世帯")}
        return str(names.get(self.code, self.text))

    @property
    def by_label(self) -> str:
        """The heading of a table by this variable: 地域別, 年齢別, 性別 (not 性別別)."""
        short = self.short
        return short if short.endswith("別") else _("%(group)s別") % {"group": short}

    @property
    def categories(self) -> list[str]:
        return [code for code, _label in self.options]


def variables(survey: Any) -> dict[str, Variable]:
    """Every analysable variable of ``survey`` (answer codes and derived variables), in questionnaire order."""
    from surveys.data import answer_questions
    from surveys.models import QuestionType
    from surveys.national import DERIVED

    out: dict[str, Variable] = {}
    questions = answer_questions(survey)
    for code, q in questions.items():
        options = tuple((str(o["code"]), str(o["label"])) for o in q.options)
        if q.type == QuestionType.SINGLE:
            out[code] = Variable(code, q.text, KIND_PROP, options)
        elif q.type == QuestionType.MATRIX:
            row = next((r for r in q.rows if r["code"] == code), {"label": code})
            out[code] = Variable(code, f"{q.text}　{row['label']}", KIND_PROP, options)
        elif q.type == QuestionType.MULTIPLE:
            out[code] = Variable(code, q.text, KIND_MULTI, options)
        elif q.type == QuestionType.SCALE:
            low, high = int(q.min_value or 0), int(q.max_value or 0)
            if 0 < high - low <= 10:
                scale = tuple((str(v), str(v)) for v in range(low, high + 1))
                out[code] = Variable(code, q.text, KIND_PROP, scale)
            else:
                out[code] = Variable(code, q.text, KIND_MEAN)
        elif q.type == QuestionType.NUMBER:
            out[code] = Variable(code, q.text, KIND_MEAN)
        elif q.type == QuestionType.TEXT:
            out[code] = Variable(code, q.text, KIND_TEXT)
    derived_text = {
        "ucla_score": (_("UCLA孤独感尺度（3項目短縮版）の得点（3〜12）"), KIND_MEAN, ()),
        "hikikomori_broad": (
            _("広義のひきこもり（外出頻度と6か月以上の継続）"),
            KIND_PROP,
            (("1", _("該当")), ("0", _("非該当"))),
        ),
        "young_carer": (
            _("ヤングケアラー（週3日以上の家族の世話）"),
            KIND_PROP,
            (("1", _("該当")), ("0", _("非該当"))),
        ),
    }
    for name, needs in DERIVED.items():
        if name in derived_text and all(code in questions for code in needs):
            text, kind, options = derived_text[name]
            out[name] = Variable(name, text, kind, options)
    return out


@dataclass
class QuestionResult:
    variable: Variable
    overall: EstimateTable
    by: list[tuple[Variable, EstimateTable]]
    benchmark: Any | None = None  # surveys.models.Benchmark
    comparisons: list[Comparison] = field(default_factory=list)

    def chart(self) -> str:
        return chart_for(self.variable, self.overall, self.benchmark_shares())

    def benchmark_shares(self) -> dict[str, float] | None:
        return benchmark_shares(self.benchmark) if self.benchmark is not None else None


def benchmark_shares(benchmark: Any) -> dict[str, float]:
    shares = {str(k): float(v) / 100 for k, v in benchmark.percentages.items()}
    if benchmark.no_answer:
        shares[MISSING] = float(benchmark.no_answer) / 100
    return shares


def chart_for(variable: Variable, table: EstimateTable, national: dict[str, float] | None = None) -> str:
    percent = table.kind != KIND_MEAN
    if table.kind == KIND_MEAN:
        bars = [
            Bar(
                _("全体") if r.group is None else r.group,
                None if r.suppressed else r.estimate,
                r.ci_low,
                r.ci_high,
                n=r.n,
            )
            for r in table.rows
        ]
    else:
        bars = [
            Bar(
                variable.label(r.category),
                None if r.suppressed else r.estimate,
                None if r.suppressed else r.ci_low,
                None if r.suppressed else r.ci_high,
                benchmark=(national or {}).get(r.category or ""),
                n=r.n,
            )
            for r in table.group_rows(None)
        ]
    return bar_chart(bars, title=variable.text, percent=percent, benchmark_label=_("全国"))


# Who answered an organisation survey: "" everyone, or members (and other respondents) apart
# from the listed non-member organisations.
RESPONDENTS = ("members", "non_members")


class Analysis:
    """The responses of one survey under its weighting settings, ready for any number of estimates."""

    def __init__(
        self,
        survey: Any,
        *,
        published: bool = False,
        codes: Iterable[str] | None = None,
        weight: str | None = None,
        strata: str | None = None,
        respondents: str = "",
    ) -> None:
        """``codes`` limits the variables read (default: all); ``weight`` and ``strata`` (columns)
        give the design ``ids=~1, strata=~strata, weights=~weight`` instead of the weighting
        settings, and then a design that cannot be built raises WeightingError."""
        from surveys.data import META_COLUMNS, responses_frame
        from surveys.models import WeightingSettings

        self.survey = survey
        self.published = published
        self.settings = WeightingSettings.for_survey(survey)
        self.variables = variables(survey)
        self.threshold = self.settings.small_cell
        explicit = weight is not None or strata is not None
        # A limited read leaves out the response ids and questionnaire versions unless they are
        # the design's columns (the ids are the widest column of all).
        meta = (
            META_COLUMNS
            if codes is None
            else [c for c in META_COLUMNS if c in ("mode", "stratum", "weight", weight, strata)]
        )
        wanted = list(self.variables) if codes is None else [c for c in codes if c in self.variables]
        needed = [] if explicit else self.settings.needed_codes()
        load = list(dict.fromkeys([*wanted, *needed]))
        self.frame: pl.DataFrame = responses_frame(survey, load, modes=self.settings.modes(), meta=meta)
        # Organisation surveys beyond the members: the answers of listed non-member organisations
        # (their invitation code names them) counted apart, and shown alone or left out on request.
        self.respondents = respondents if respondents in RESPONDENTS else ""
        self.non_member_total = 0
        if "response" in self.frame.columns and survey.prospects.exists():
            from surveys.models import Response

            # The frame holds each response's uuid as the database stores it (with or without dashes).
            listed = [
                text
                for u in Response.objects.filter(survey=survey, prospect__isnull=False).values_list(
                    "uuid", flat=True
                )
                for text in (str(u), u.hex)
            ]
            is_listed = pl.col("response").is_in(listed)
            self.non_member_total = self.frame.filter(is_listed).height
            if self.respondents == "non_members":
                self.frame = self.frame.filter(is_listed)
            elif self.respondents == "members":
                self.frame = self.frame.filter(~is_listed)
        self.weighting_error: str | None = None
        # Responses that leave a question of the population tables unanswered cannot be adjusted:
        # they are left out of the weighted estimates, and the pages and reports say how many.
        self.excluded = 0
        if explicit:
            self.weighted = prepare(self.frame, weight=weight, strata=strata)
            return
        adjusted = [c for c in self.settings.needed_codes() if c != self.settings.stratum_code]
        if self.settings.method != "none" and adjusted and all(c in self.frame.columns for c in adjusted):
            complete = self.frame.drop_nulls(adjusted)
            self.excluded = self.frame.height - complete.height
            self.frame = complete
        weight = "weight" if self.settings.uses_imported_weight(self.frame) else None
        strata = self.settings.strata_column(self.frame)
        try:
            self.weighted = prepare(
                self.frame, weight=weight, strata=strata, plan=self.settings.plan(self.frame)
            )
        except WeightingError as error:
            # Keep the pages usable: say what is wrong and fall back to the design without adjustment.
            self.weighting_error = str(error)
            self.weighted = prepare(self.frame, weight=weight, strata=strata)

    @property
    def n(self) -> int:
        return self.frame.height

    def column_label(self, column: str) -> str:
        """A design column as people say it: the question's short name, or 「標本・招待コードの層」
        for the stratum a sample or invitation code carries (never the code ``stratum``)."""
        variable = self.variables.get(column)
        if variable is not None:
            return variable.short
        if column == "stratum":
            return str(_("標本・招待コードの層"))
        return column

    @property
    def strata_label(self) -> str:
        """The strata of the design in words (「なし」 without strata)."""
        strata = self.weighted.strata
        return self.column_label(strata) if strata else str(_("なし"))

    @property
    def groups(self) -> list[Variable]:
        return [self.variables[c] for c in GROUP_CODES if c in self.variables]

    @property
    def estimable(self) -> list[Variable]:
        return [v for v in self.variables.values() if v.kind in (KIND_PROP, KIND_MEAN, KIND_MULTI)]

    @property
    def texts(self) -> list[Variable]:
        return [v for v in self.variables.values() if v.kind == KIND_TEXT]

    def table(self, variable: Variable, by: Variable | None = None) -> EstimateTable:
        categories = (
            variable.categories if variable.kind in (KIND_PROP, KIND_MULTI) and variable.options else None
        )
        table = estimate(
            self.weighted,
            variable.code,
            by=by.code if by else None,
            kind=variable.kind,
            categories=categories,
        )
        return suppress(table, self.threshold) if self.published else table

    def result(self, variable: Variable, *, with_groups: bool = True) -> QuestionResult:
        overall = self.table(variable)
        by = (
            [(g, self.table(variable, g)) for g in self.groups if g.code != variable.code]
            if with_groups
            else []
        )
        benchmark = self.benchmark(variable)
        comparisons = (
            compare_with_benchmark(overall, benchmark_shares(benchmark), benchmark.n)
            if benchmark is not None
            else []
        )
        return QuestionResult(variable, overall, by, benchmark, comparisons)

    def results(self) -> Iterable[QuestionResult]:
        for variable in self.estimable:
            try:
                yield self.result(variable)
            except EstimationError:
                continue  # e.g. a question nobody answered: left out of exports

    @cached_property
    def benchmarks(self) -> dict[str, Any]:
        from django.db.models import Q
        from django_scopes import scopes_disabled

        from surveys.models import Benchmark

        with scopes_disabled():  # shipped national figures have no platform
            rows = Benchmark.objects.filter(Q(platform=None) | Q(platform=self.survey.platform)).order_by(
                "question_code", "-year"
            )
            out: dict[str, Any] = {}
            for row in rows:
                out.setdefault(row.question_code, row)
            return out

    def benchmark(self, variable: Variable) -> Any | None:
        return self.benchmarks.get(variable.code) if variable.kind == KIND_PROP else None

    @property
    def diagnostics(self) -> WeightedSample:
        return self.weighted


# --- tables for pages and exports ---------------------------------------------------------------


def fmt_pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def fmt_mean(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


@dataclass(frozen=True)
class Line:
    """One printable line of an estimate table (a category, or a group for means)."""

    label: str
    n: int | None
    n_group: int | None
    hidden: bool  # suppressed when published (or already suppressed)
    value: float | None = None  # percent or mean
    se_value: float | None = None
    low: float | None = None
    high: float | None = None
    national_value: float | None = None  # percent
    difference_value: float | None = None  # percentage points
    p: float | None = None
    significant: bool = False
    mean: bool = False

    def _fmt(self, value: float | None) -> str:
        return "" if value is None else (f"{value:.2f}" if self.mean else f"{value:.1f}")

    @property
    def estimate(self) -> str:
        return self._fmt(self.value)

    @property
    def se(self) -> str:
        return self._fmt(self.se_value)

    @property
    def ci(self) -> str:
        return "" if self.low is None else f"{self._fmt(self.low)}–{self._fmt(self.high)}"

    @property
    def national(self) -> str:
        return "" if self.national_value is None else f"{self.national_value:.1f}"

    @property
    def difference(self) -> str:
        return "" if self.difference_value is None else f"{self.difference_value:+.1f}"

    @property
    def p_value(self) -> str:
        if self.p is None:
            return ""
        return f"{self.p:.3f}" if self.p >= 0.001 else "<0.001"


def lines(
    variable: Variable,
    table: EstimateTable,
    comparisons: Iterable[Comparison] = (),
    national: dict[str, float] | None = None,
    marked: EstimateTable | None = None,
) -> list[Line]:
    """Lines of the overall table (group None), with the national share and the test beside each category.

    ``marked`` (a suppressed copy, on staff pages) flags what publication would hide without hiding it.
    """
    mean = table.kind == KIND_MEAN
    scale = 1.0 if mean else 100.0
    by_category = {c.category: c for c in comparisons}
    out = []
    flags = [m.suppressed for m in marked.rows] if marked is not None else [False] * len(table.rows)
    for r, flagged in zip(table.rows, flags, strict=True):
        if not mean and r.group is not None:
            continue
        comparison = None if r.suppressed else by_category.get(r.category or "")
        shown = not r.suppressed
        reference = (national or {}).get(r.category or "")
        out.append(
            Line(
                label=variable.label(r.category) if not mean else (r.group or _("全体")),
                n=r.n if shown else None,
                n_group=r.n_group,
                hidden=r.suppressed or flagged,
                value=r.estimate * scale if shown else None,
                se_value=r.se * scale if shown else None,
                low=r.ci_low * scale if shown else None,
                high=r.ci_high * scale if shown else None,
                national_value=reference * 100 if reference is not None else None,
                difference_value=comparison.difference * 100 if comparison else None,
                p=comparison.p_value if comparison else None,
                significant=bool(comparison and comparison.significant),
                mean=mean,
            )
        )
    return out


@dataclass(frozen=True)
class Crosstab:
    """Rows = groups of one variable, columns = categories of another; weighted % with n beside."""

    row_variable: Variable
    column_variable: Variable
    headers: list[str]
    rows: list[tuple[str, int, list[tuple[str, int | None, bool]]]]  # label, n of group, (%, n, hidden)
    kind: str


def crosstab(
    analysis: Analysis,
    variable: Variable,
    group: Variable,
    *,
    mark_threshold: int | None = None,
    table: EstimateTable | None = None,
) -> Crosstab:
    """``variable`` by the groups of ``group`` (``table`` if already estimated).

    ``mark_threshold`` marks (staff pages) what publishing would hide.
    """
    table = table if table is not None else analysis.table(variable, group)
    marked = suppress(table, mark_threshold) if mark_threshold else table
    if table.kind == KIND_MEAN:
        headers = [_("平均"), _("標準誤差"), _("95%信頼区間")]
        rows: list[tuple[str, int, list[tuple[str, int | None, bool]]]] = []
        for r, m in zip(table.rows, marked.rows, strict=True):
            hide = m.suppressed or r.suppressed
            cells: list[tuple[str, int | None, bool]] = [
                (fmt_mean(r.estimate) if not r.suppressed else "", None, hide),
                (fmt_mean(r.se) if not r.suppressed else "", None, hide),
                (f"{fmt_mean(r.ci_low)}–{fmt_mean(r.ci_high)}" if not r.suppressed else "", None, hide),
            ]
            rows.append((group.label(r.group) if r.group != MISSING else _("無回答"), r.n_group, cells))
        return Crosstab(group, variable, headers, rows, table.kind)
    headers = [variable.label(c) for c in table.categories]
    rows = []
    for g in table.groups:
        cells = []
        n_group = 0
        for r, m in zip(table.group_rows(g), marked.group_rows(g), strict=True):
            n_group = r.n_group
            cells.append(
                ("" if r.suppressed else fmt_pct(r.estimate), None if r.suppressed else r.n, m.suppressed)
            )
        rows.append((group.label(g), n_group, cells))
    return Crosstab(group, variable, headers, rows, table.kind)
