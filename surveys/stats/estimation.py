"""Design-based estimates of proportions and means, overall and by group, with svy.

The design is R's ``svydesign(ids=~1, strata=~<stratum>, weights=~<weight>)`` (see
:mod:`surveys.stats.weighting` for how weights are built); proportions are ``svymean`` of a factor and
means ``svymean`` of a number, by group as ``svyby``. Standard errors are Taylor linearisation
(svy), confidence intervals 95 % by default: logit intervals for proportions (R's
``svyciprop(method="logit")``), t intervals for means, both with the design's degrees of freedom.
Unweighted counts are kept beside every weighted figure.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, cast

import polars as pl
import svy
from django.utils.translation import gettext as _

from surveys.stats.weighting import (
    METHOD_NONE,
    STRATUM_COLUMN,
    WeightedSample,
    WeightingError,
    WeightingPlan,
    check_design_columns,
    check_weight_column,
    design_weights,
    prepare,
)

MISSING = "NA"  # category / group code of "no answer"
KIND_PROP = "prop"
KIND_MEAN = "mean"
KIND_MULTI = "multi"
GROUP = "_group"  # the group column svy estimates by (the ``by`` question as text, no answer = NA)
ANSWER = "_y"  # the answer column of a share (the question as text, no answer = NA)


class EstimationError(ValueError):
    """A request that cannot be estimated (unknown column, unusable data); the message says which."""


@dataclass(frozen=True)
class EstimateRow:
    group: str | None
    category: str | None
    n: int  # unweighted respondents in the cell (category within group); for means, in the group
    n_group: int  # unweighted respondents in the group
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    df: int
    weighted: float  # sum of weights of the cell
    suppressed: bool = False

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        if self.suppressed:
            for key in ("n", "estimate", "se", "ci_low", "ci_high", "weighted"):
                data[key] = None
        return data


@dataclass
class EstimateTable:
    question: str
    kind: str
    by: str | None
    weight: str | None
    strata: str | None
    rows: list[EstimateRow]
    categories: list[str] = field(default_factory=list)
    groups: list[str | None] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "kind": self.kind,
            "by": self.by,
            "weight": self.weight,
            "strata": self.strata,
            "estimates": [row.as_json() for row in self.rows],
        }

    def row(self, group: str | None, category: str | None) -> EstimateRow | None:
        for row in self.rows:
            if row.group == group and row.category == category:
                return row
        return None

    def group_rows(self, group: str | None) -> list[EstimateRow]:
        return [row for row in self.rows if row.group == group]


def estimate(
    data: pl.DataFrame | WeightedSample,
    question: str,
    *,
    by: str | None = None,
    weight: str | None = None,
    strata: str | None = None,
    plan: WeightingPlan | None = None,
    kind: str | None = None,
    categories: Sequence[str] | None = None,
    alpha: float = 0.05,
) -> EstimateTable:
    """Estimate ``question`` overall (``by=None``) or by the groups of ``by``.

    ``kind`` is ``prop`` (share of each category; no answer is the category ``NA``, as in the
    national survey's 無回答), ``mean`` (mean of a number; no answers leave the estimate, not the
    design) or ``multi`` (multiple choice, a list column: share of respondents choosing each
    option). Without ``kind`` numbers with more than 12 distinct values are means, the rest shares.
    """
    if isinstance(data, WeightedSample):
        frame = data.data
        _check_columns(frame, question, by)
        kind = kind or _guess_kind(frame[question])
        if kind == KIND_PROP and not data.adjusted:
            fast = fast_prop(
                frame,
                question,
                by,
                weight=data.weight,
                strata=STRATUM_COLUMN if data.strata else None,
                categories=categories,
                alpha=alpha,
            )
            if fast is not None:
                return _labelled(fast, by, weight, data.strata)
        columns = _analysis_columns(frame, question, by, kind, categories)
        # One rebind of the sample's data for all the columns this estimate needs: every rebind
        # makes svy re-derive its design codes and singleton state over the whole frame.
        weighted = data.with_columns(columns)
    else:
        _check_columns(data, question, by)
        kind = kind or _guess_kind(data[question])
        # Only the columns this estimate reads go into the svy sample (svy copies its frame and
        # infers metadata for every column), with the estimation columns added before the sample
        # is built, so that svy derives its design once.
        plan = plan or WeightingPlan()
        if kind == KIND_PROP and _unadjusted(plan):
            try:
                fast = _fast_prop_frame(data, question, by, weight, strata, plan, categories, alpha)
            except WeightingError as error:
                raise EstimationError(str(error)) from error
            if fast is not None:
                return _labelled(fast, by, weight, strata or plan.stratum)
        needed = dict.fromkeys(
            c
            for c in (question, by, weight, strata or plan.stratum, *plan.variables)
            if c is not None and c in data.columns
        )
        narrow = data.select(list(needed)).with_columns(
            **_analysis_columns(data, question, by, kind, categories)
        )
        try:
            weighted = prepare(narrow, weight=weight, strata=strata, plan=plan)
        except WeightingError as error:
            raise EstimationError(str(error)) from error
    if kind == KIND_PROP:
        table = _prop(weighted, question, by, categories, alpha)
    elif kind == KIND_MEAN:
        table = _mean(weighted, question, by, alpha)
    else:
        table = _multi(weighted, question, by, categories, alpha)
    return _labelled(table, by, weight, weighted.strata)


def _labelled(table: EstimateTable, by: str | None, weight: str | None, strata: str | None) -> EstimateTable:
    table.by = by
    table.weight = weight
    table.strata = strata
    return table


def _check_columns(frame: pl.DataFrame, question: str, by: str | None) -> None:
    if frame.height == 0:
        raise EstimationError(_("集計できる回答がありません。"))
    for name, label in ((question, _("設問")), (by, _("グループ"))):
        if name is not None and name not in frame.columns:
            raise EstimationError(
                _("%(label)s「%(name)s」がデータにありません（あるもの: %(known)s）。")
                % {
                    "label": label,
                    "name": name,
                    "known": ", ".join(c for c in frame.columns if not c.startswith("_")),
                }
            )
    if by == question:
        raise EstimationError(_("設問とグループに同じ「%(name)s」は使えません。") % {"name": question})


def _analysis_columns(
    frame: pl.DataFrame, question: str, by: str | None, kind: str, categories: Sequence[str] | None
) -> dict[str, pl.Expr]:
    """The columns svy estimates on: the group (no answer = ``NA``) and, by kind, the answer."""
    columns: dict[str, pl.Expr] = {}
    if by is not None:
        columns[GROUP] = pl.col(by).cast(pl.Utf8).fill_null(MISSING)
    if kind == KIND_PROP:
        columns[ANSWER] = pl.col(question).cast(pl.Utf8).fill_null(MISSING)
    elif kind == KIND_MULTI:
        if not isinstance(frame[question].dtype, pl.List):
            raise EstimationError(_("設問「%(name)s」は複数回答ではありません。") % {"name": question})
        answered = pl.col(question).is_not_null()
        chosen = pl.col(question).list.eval(pl.element().cast(pl.Utf8))
        for i, c in enumerate(_multi_categories(frame, question, categories)):
            columns[f"_m{i}"] = (
                pl.when(answered).then(chosen.list.contains(pl.lit(c)).cast(pl.Float64)).otherwise(None)
            )
    elif kind != KIND_MEAN:
        raise EstimationError(_("推定の種類「%(kind)s」は使えません。") % {"kind": kind})
    return columns


def _multi_categories(frame: pl.DataFrame, question: str, categories: Sequence[str] | None) -> list[str]:
    if categories is not None:
        return [str(c) for c in categories]
    chosen = frame[question].explode().drop_nulls().cast(pl.Utf8).unique().to_list()
    return sorted(chosen, key=_sort_key)


def _guess_kind(series: pl.Series) -> str:
    if isinstance(series.dtype, pl.List):
        return KIND_MULTI
    if series.dtype.is_numeric() and series.n_unique() > 12:
        return KIND_MEAN
    return KIND_PROP


def _sort_key(value: str) -> tuple[int, float, str]:
    if value == MISSING:
        return (2, 0.0, value)
    try:
        return (0, float(value), value)
    except ValueError:
        return (1, 0.0, value)


def _svy_call(call: Callable[[], Any]) -> pl.DataFrame:
    try:
        return call().to_polars()
    except svy.SvyError as error:
        raise EstimationError(_("推定できませんでした: %(error)s") % {"error": error}) from error


def _grouped(
    weighted: WeightedSample,
    by: str | None,
    columns: Sequence[str],
    call: Callable[[svy.Sample, str | None], Any],
) -> pl.DataFrame:
    """svy's estimates by the groups of ``by``: ``call(sample, GROUP)`` once, or, when every
    group is a union of whole strata of an unadjusted design, once per group on its own rows.

    svy's grouped Taylor kernel passes over the whole sample for every group (and, for shares,
    every category). When each stratum lies in one group (estimates by region in a survey
    stratified by region, the usual case) and the weights are design weights, a group's rows are
    a stratified sample on their own: its estimate, standard error, interval and degrees of
    freedom are exactly those of the grouped call (R's ``svyby`` on ``subset()`` gives the same),
    and the passes over the data shrink from one per group to one in all. Adjusted weights are
    centred on cells of the whole sample, so they always take the grouped call.
    """
    if by is None:
        return _svy_call(lambda: call(weighted.sample, None))
    parts = strata_groups(weighted, by, columns)
    if parts is None:
        return _svy_call(lambda: call(weighted.sample, GROUP))
    design = svy.Design(stratum=STRATUM_COLUMN, wgt=weighted.weight)
    results = []
    for name, part in parts.items():
        if part[columns[0]].null_count() == part.height:
            continue  # nobody in the group answered: the grouped call has no row for it either
        sample = svy.Sample(part, design)
        result = _svy_call(functools.partial(call, sample, None))
        results.append(result.with_columns(pl.lit(name, dtype=pl.Utf8).alias(GROUP)))
    return pl.concat(results, how="diagonal_relaxed")


def strata_groups(
    weighted: WeightedSample, by: str, columns: Sequence[str]
) -> dict[str, pl.DataFrame] | None:
    """Each group of ``by`` (named as text, no answer = NA) with its rows (``columns``, the
    stratum code and the weight) when every group is a union of whole strata of at least two
    respondents and the weights are design weights; else None (the groups are then estimated
    together, as domains of the whole sample)."""
    if weighted.adjusted or weighted.strata is None:
        return None
    frame = weighted.data
    group = pl.col(by)
    strata = frame.group_by(STRATUM_COLUMN).agg(
        group.first().alias("group"),
        (group.ne_missing(group.first())).any().alias("mixed"),
        pl.len().alias("n"),
    )
    # "n" counts rows per stratum (pl.len(), UInt32): its minimum is an int.
    if strata["mixed"].any() or cast(int, strata["n"].min()) < 2:
        return None
    strata = strata.with_columns(pl.col("group").cast(pl.Utf8).fill_null(MISSING))
    group_of = dict(zip(strata[STRATUM_COLUMN].to_list(), strata["group"].to_list(), strict=True))
    pieces: dict[str, list[pl.DataFrame]] = {}
    keep = list(dict.fromkeys([*columns, STRATUM_COLUMN, weighted.weight]))
    for (code,), piece in frame.select(keep).partition_by(STRATUM_COLUMN, as_dict=True).items():
        pieces.setdefault(group_of[code], []).append(piece)
    return {name: parts[0] if len(parts) == 1 else pl.concat(parts) for name, parts in pieces.items()}


def _cells(frame: pl.DataFrame, keys: Mapping[str, str], weight: str) -> pl.DataFrame:
    """Unweighted count ``n`` and weight sum ``w`` of every cell of ``keys`` (name: source column),
    the cells named as svy's results name them (text, no answer = NA). The grouping is on the
    source columns, whose integer codes hash faster than their text; the small result is named."""
    counts = frame.group_by(list(keys.values())).agg(pl.len().alias("n"), pl.col(weight).sum().alias("w"))
    named = [pl.col(source).cast(pl.Utf8).fill_null(MISSING).alias(name) for name, source in keys.items()]
    return counts.select(*named, "n", "w").group_by(list(keys)).agg(pl.col("n").sum(), pl.col("w").sum())


def _categories(present: list[str], categories: Sequence[str] | None, question: str) -> list[str]:
    """The categories to estimate: those asked for (or every answer present), with the missing
    answers last when there are any; an answer outside them is an error naming the question."""
    cats = [str(c) for c in categories] if categories is not None else [c for c in present if c != MISSING]
    if MISSING in present and MISSING not in cats:
        cats.append(MISSING)
    unknown = sorted(set(present) - set(cats), key=_sort_key)
    if unknown:
        raise EstimationError(
            _("設問「%(name)s」に選択肢にない値があります: %(values)s")
            % {"name": question, "values": ", ".join(unknown)}
        )
    return cats


def _prop(
    weighted: WeightedSample,
    question: str,
    by: str | None,
    categories: Sequence[str] | None,
    alpha: float,
) -> EstimateTable:
    group_column = GROUP if by is not None else None
    # Unweighted counts and weight sums of every cell in one pass; the categories and groups
    # present are read off this small table rather than the whole frame.
    keys = {GROUP: by, ANSWER: question} if by is not None else {ANSWER: question}
    counts = _cells(weighted.data, keys, weighted.weight)
    present = sorted(counts[ANSWER].unique().to_list(), key=_sort_key)
    cats = _categories(present, categories, question)
    # svyby of svymean on a factor: every category of every group.
    result = _grouped(
        weighted,
        by,
        [ANSWER],
        lambda sample, by: sample.estimation.prop(ANSWER, by=by, alpha=alpha),
    )
    cell = {_key(r, group_column): (r["n"], r["w"]) for r in counts.iter_rows(named=True)}
    found = {_key(r, group_column): r for r in result.iter_rows(named=True)}
    names: list[str] = sorted(counts[group_column].unique().to_list(), key=_sort_key) if group_column else []
    groups: list[str | None] = [*names] if group_column else [None]
    rows: list[EstimateRow] = []
    for group in groups:
        n_group = sum(cell.get((group, c), (0, 0.0))[0] for c in present)
        df = next((r["df"] for (g, _c), r in found.items() if g == group), 0)
        for category in cats:
            n, w = cell.get((group, category), (0, 0.0))
            r = found.get((group, category))
            if r is None:  # a category nobody in this group chose: R gives 0 with SE 0
                rows.append(EstimateRow(group, category, 0, n_group, 0.0, 0.0, 0.0, 0.0, int(df), 0.0))
                continue
            rows.append(
                EstimateRow(
                    group,
                    category,
                    int(n),
                    int(n_group),
                    r["est"],
                    r["se"],
                    r["lci"],
                    r["uci"],
                    int(r["df"]),
                    w,
                )
            )
    return EstimateTable(question, KIND_PROP, None, None, None, rows, cats, groups)


# --- shares with design weights, computed from cell sums -------------------------------------
#
# With design weights (given, or population/sample per stratum) and no adjustment, every figure
# of a share by domain follows from three sums per cell of (stratum, group, answer): the
# respondents n, the weights s = Σw and their squares q = Σw². For the share p of category c in
# domain g (W = Σw of g), Taylor linearisation scores each respondent i with
# z_i = w_i (1[a_i = c] − p) / W inside the domain and 0 outside, and with each respondent a PSU
# var(p) = Σ_h n_h/(n_h − 1) Σ_{i∈h} (z_i − z̄_h)², n_h counting the whole stratum (R's svyby,
# svy's domain estimation). Within a cell z_i = k·w_i with k = (1[a = c] − p)/W, so
# Σ_{i∈h} (z_i − z̄_h)² = Σ_cells [k²(q − s²/n) + n(k·s/n − z̄_h)²] + (n_h − n_hg)·z̄_h²,
# a sum of non-negative terms (no cancellation between large numbers). Intervals are svy's
# logit intervals with the domain's degrees of freedom (respondents minus strata in the domain).
# The data are read once, by one group_by; svy takes the cases this does not cover (raked,
# post-stratified or trimmed weights, a stratum of one respondent, numbers with decimals as
# answers or groups).

_FLOATS = (pl.Float32, pl.Float64)
_PROP_CI_TOL = 1e-12  # svy's bound below which a share, or its SE, counts as 0 (or 1)


def _unadjusted(plan: WeightingPlan) -> bool:
    return plan.method == METHOD_NONE and not plan.trim.active and not plan.tables


def _fast_prop_frame(
    frame: pl.DataFrame,
    question: str,
    by: str | None,
    weight: str | None,
    strata: str | None,
    plan: WeightingPlan,
    categories: Sequence[str] | None,
    alpha: float,
) -> EstimateTable | None:
    """:func:`fast_prop` on a frame not yet weighted, with :func:`prepare`'s checks and weights."""
    strata = strata or plan.stratum
    design = weight is None and plan.stratum_population is not None and plan.stratum is not None
    if design and strata != plan.stratum:
        return None
    check_design_columns(frame, weight, strata, plan)
    if weight is not None:
        check_weight_column(frame, weight)
    return fast_prop(
        frame,
        question,
        by,
        weight=weight,
        strata=strata,
        population=plan if design else None,
        categories=categories,
        alpha=alpha,
    )


def fast_prop(
    frame: pl.DataFrame,
    question: str,
    by: str | None,
    *,
    weight: str | None,
    strata: str | None,
    population: WeightingPlan | None = None,
    categories: Sequence[str] | None = None,
    alpha: float = 0.05,
) -> EstimateTable | None:
    """Shares of ``question`` (by ``by``) with Taylor SEs and logit intervals, from cell sums.

    The design is ``ids=~1, strata=~strata, weights=~weight`` (``weight`` a column, or, with
    ``population``, the plan's population/sample of each stratum, or 1). The same figures as
    svy's (and R's ``svyby(~q, ~by, design, svymean)`` with ``svyciprop(method="logit")``);
    None when the data need svy (see above)."""
    for name in (question, by):
        if name is not None and (frame[name].dtype in _FLOATS or frame[name].dtype.is_nested()):
            return None
    if weight is not None and not frame[weight].dtype.is_numeric():
        return None
    keys = [pl.col(question).alias("_a")]
    if strata is not None:
        keys.append(pl.col(strata).alias("_h"))
    if by is not None and by != strata:
        keys.append(pl.col(by).alias("_g"))
    sums: list[pl.Expr] = [pl.len().alias("n")]
    if weight is not None:
        w = pl.col(weight).cast(pl.Float64)
        sums += [w.sum().alias("s"), (w * w).sum().alias("q")]
    cells = frame.lazy().group_by(keys).agg(sums).collect()
    # The cells named as svy names them (text, no answer = NA), merged where two values read alike.
    h = pl.col("_h").cast(pl.Utf8) if strata is not None else pl.lit("", dtype=pl.Utf8)
    # Without groups, one group named "" (a join key must not be null), reported as None.
    g = pl.col("_h" if by == strata else "_g") if by is not None else pl.lit("", dtype=pl.Utf8)
    named: list[pl.Expr] = [
        h.alias("_h"),
        g.cast(pl.Utf8).fill_null(MISSING).alias(GROUP),
        pl.col("_a").cast(pl.Utf8).fill_null(MISSING).alias(ANSWER),
        pl.col("n"),
    ]
    if weight is not None:
        cells = cells.select(*named, "s", "q")
    elif population is not None:
        strata_n = cells.group_by("_h").agg(pl.col("n").sum())
        per_stratum = design_weights(strata_n.iter_rows(), population)
        wh = pl.col("_h").replace_strict(per_stratum, return_dtype=pl.Float64)
        cells = cells.select(*named).with_columns(
            (pl.col("n") * wh).alias("s"), (pl.col("n") * wh * wh).alias("q")
        )
    else:
        cells = cells.select(*named).with_columns(pl.col("n").cast(pl.Float64).alias(s) for s in "sq")
    cells = cells.group_by("_h", GROUP, ANSWER).agg(pl.col("n", "s", "q").sum())
    if not math.isfinite(cells["s"].sum()):
        return None  # a weight that is not a number: svy's path decides what that means
    strata_table = cells.group_by("_h").agg(
        pl.col("n").sum().alias("n_h"), pl.col(GROUP).n_unique().alias("groups")
    )
    if cast(int, strata_table["n_h"].min()) < 2:
        return None  # a stratum of one respondent: svy's rules for singletons apply
    present = sorted(cells[ANSWER].unique().to_list(), key=_sort_key)
    cats = _categories(present, categories, question)
    # Each group a union of whole strata: the svy path estimated such groups one by one on their
    # own rows, where a category nobody in the group chose has no row (an interval of 0 to 0).
    whole_strata = strata is not None and by is not None and cast(int, strata_table["groups"].max()) == 1

    groups = cells.group_by(GROUP).agg(
        pl.col("n").sum().alias("n_group"),
        pl.col("s").sum().alias("W"),
        pl.col("_h").n_unique().alias("strata"),
    )
    shares = (
        groups.join(pl.DataFrame({"_c": cats}, schema={"_c": pl.Utf8}), how="cross")
        .join(
            cells.group_by(GROUP, ANSWER).agg(pl.col("n", "s").sum()),
            left_on=[GROUP, "_c"],
            right_on=[GROUP, ANSWER],
            how="left",
        )
        .with_columns(pl.col("n").fill_null(0), pl.col("s").fill_null(0.0))
        .with_columns((pl.col("s") / pl.col("W")).alias("p"))
    )
    k = ((pl.col(ANSWER) == pl.col("_c")).cast(pl.Float64) - pl.col("p")) / pl.col("W")
    zbar = (k * pl.col("s")).sum().over("_h", GROUP, "_c") / pl.col("n_h")
    within = k * k * (pl.col("q") - pl.col("s") * pl.col("s") / pl.col("n"))
    between = pl.col("n") * (k * pl.col("s") / pl.col("n") - zbar) ** 2
    variance = (
        cells.join(shares.select(GROUP, "_c", "p", "W"), on=GROUP)
        .join(strata_table.select("_h", "n_h"), on="_h")
        .with_columns(zbar.alias("zbar"), (within + between).alias("t"))
        .group_by("_h", GROUP, "_c")
        .agg(
            pl.col("t").sum(),
            pl.col("n").sum().alias("n_hg"),
            pl.col("n_h").first(),
            pl.col("zbar").first(),
        )
        .with_columns(
            (
                pl.col("n_h")
                / (pl.col("n_h") - 1)
                * (pl.col("t") + (pl.col("n_h") - pl.col("n_hg")) * pl.col("zbar") ** 2)
            ).alias("v")
        )
        .group_by(GROUP, "_c")
        .agg(pl.col("v").sum())
    )
    table = shares.join(variance, on=[GROUP, "_c"], how="left").with_columns(
        pl.col("v").fill_null(0.0).clip(lower_bound=0.0).sqrt().alias("se"),
        (pl.col("n_group") - pl.col("strata")).alias("df"),
    )
    found = {(r[GROUP], r["_c"]): r for r in table.iter_rows(named=True)}
    names: list[str] = sorted(groups[GROUP].unique().to_list(), key=_sort_key) if by is not None else []
    group_list: list[str | None] = [*names] if by is not None else [None]
    rows: list[EstimateRow] = []
    for group in group_list:
        for category in cats:
            r = found[(group if group is not None else "", category)]
            est, se, df = float(r["p"]), float(r["se"]), int(r["df"])
            if r["n"] == 0 and (whole_strata or category not in present):
                low = high = 0.0  # svy had no row for it (see above)
            else:
                low, high = _logit_interval(est, se, df, alpha)
            rows.append(
                EstimateRow(group, category, int(r["n"]), int(r["n_group"]), est, se, low, high, df, r["s"])
            )
    return EstimateTable(question, KIND_PROP, None, None, None, rows, cats, group_list)


@functools.cache
def _t_quantile(df: int, alpha: float) -> float:
    from scipy.special import stdtrit

    return float(stdtrit(df, 1 - alpha / 2))


def _logit_interval(p: float, se: float, df: int, alpha: float) -> tuple[float, float]:
    """svy's logit interval (R's ``svyciprop(method="logit")``): NaN at a share of 0 or 1 or
    without degrees of freedom, the point itself when the SE is 0."""
    if df <= 0 or p <= _PROP_CI_TOL or p >= 1.0 - _PROP_CI_TOL:
        return math.nan, math.nan
    if se <= _PROP_CI_TOL:
        return p, p
    t = _t_quantile(df, alpha)
    scale = se / (p * (1.0 - p))
    logit = math.log(p / (1.0 - p))
    return 1.0 / (1.0 + math.exp(-(logit - t * scale))), 1.0 / (1.0 + math.exp(-(logit + t * scale)))


def _row(
    group: str | None, category: str | None, n: int, n_group: int, r: Mapping[str, Any], w: float
) -> EstimateRow:
    """An estimate row; an interval svy leaves undefined (a share of 0 or 1, one respondent) is the point."""
    est = float(r["est"])
    se = float(r["se"]) if r["se"] is not None and math.isfinite(r["se"]) else 0.0
    low = float(r["lci"]) if r["lci"] is not None and math.isfinite(r["lci"]) else est
    high = float(r["uci"]) if r["uci"] is not None and math.isfinite(r["uci"]) else est
    return EstimateRow(group, category, n, n_group, est, se, low, high, int(r["df"]), float(w))


def _key(row: Mapping[str, Any], group_column: str | None) -> tuple[str | None, str]:
    return (row[group_column] if group_column else None, row[ANSWER])


def _mean(weighted: WeightedSample, question: str, by: str | None, alpha: float) -> EstimateTable:
    group_column = GROUP if by is not None else None
    frame = weighted.data
    if not frame[question].dtype.is_numeric():
        raise EstimationError(_("設問「%(name)s」は数値ではないので平均を出せません。") % {"name": question})
    if frame[question].null_count() == frame.height:
        raise EstimationError(_("設問「%(name)s」に回答がありません。") % {"name": question})
    result = _grouped(
        weighted,
        by,
        [question],
        lambda sample, by: sample.estimation.mean(question, by=by, alpha=alpha, drop_nulls=True),
    )
    answered = frame.filter(pl.col(question).is_not_null())
    counts = (
        _cells(answered, {GROUP: by}, weighted.weight)
        if by is not None
        else pl.DataFrame({"n": [answered.height], "w": [float(answered[weighted.weight].sum())]})
    )
    cell = {
        (r[group_column] if group_column else None): (r["n"], r["w"]) for r in counts.iter_rows(named=True)
    }
    rows = []
    for r in result.iter_rows(named=True):
        group = r[group_column] if group_column else None
        n, w = cell.get(group, (0, 0.0))
        rows.append(
            EstimateRow(group, None, int(n), int(n), r["est"], r["se"], r["lci"], r["uci"], int(r["df"]), w)
        )
    rows.sort(key=lambda row: _sort_key(row.group or ""))
    return EstimateTable(question, KIND_MEAN, None, None, None, rows, [], [row.group for row in rows])


def _multi(
    weighted: WeightedSample,
    question: str,
    by: str | None,
    categories: Sequence[str] | None,
    alpha: float,
) -> EstimateTable:
    """Each option is the mean of its 0/1 column ``_m<i>`` (added by :func:`_analysis_columns`)."""
    cats = _multi_categories(weighted.data, question, categories)
    rows: list[EstimateRow] = []
    for i, category in enumerate(cats):
        part = _mean(weighted, f"_m{i}", by, alpha)
        hits = weighted.data.filter(pl.col(f"_m{i}") == 1.0)
        counted: dict[str | None, tuple[int, float]] = (
            {
                r[GROUP]: (r["n"], r["w"])
                for r in _cells(hits, {GROUP: by}, weighted.weight).iter_rows(named=True)
            }
            if by is not None
            else {None: (hits.height, float(hits[weighted.weight].sum()))}
        )
        for row in part.rows:
            n, w = counted.get(row.group, (0, 0.0))
            rows.append(
                EstimateRow(
                    row.group,
                    category,
                    int(n),
                    row.n_group,
                    row.estimate,
                    row.se,
                    row.ci_low,
                    row.ci_high,
                    row.df,
                    w,
                )
            )
    rows.sort(key=lambda row: (_sort_key(row.group or ""), cats.index(row.category or "")))
    groups = list(dict.fromkeys(row.group for row in rows))
    return EstimateTable(question, KIND_MULTI, None, None, None, rows, cats, groups)


# --- small-cell suppression -------------------------------------------------------------------


def suppress(table: EstimateTable, threshold: int = 10) -> EstimateTable:
    """Hide cells of fewer than ``threshold`` respondents (and whole groups below it) for publication.

    Shares also get complementary suppression, so that no hidden count can be recovered by
    subtraction: within a group (from the group's total) and, when there are several groups,
    within a category across the groups (from the overall table, which is published beside
    them). Wherever exactly one cell of a group or of a category is hidden, a second one is
    hidden too: in a group the 無回答 cell if it has respondents, else the smallest; across
    groups the smallest. Repeated until no group and no category has a single hidden cell.
    無回答 itself is never hidden for being small (it says nothing about a respondent's
    answers), only as such a second cell.
    """
    hide = {
        id(r) for r in table.rows if r.n_group < threshold or (0 < r.n < threshold and r.category != MISSING)
    }
    if table.kind == KIND_PROP:
        lines = [(table.group_rows(group), True) for group in table.groups]
        if len(table.groups) > 1:
            lines += [([r for r in table.rows if r.category == c], False) for c in table.categories]
        changed = True
        while changed:
            changed = False
            for cells, in_group in lines:
                if sum(id(r) in hide for r in cells) != 1:
                    continue
                rest = [r for r in cells if id(r) not in hide and r.n > 0]
                rest.sort(key=lambda r: (in_group and r.category != MISSING, r.n))
                if rest:
                    hide.add(id(rest[0]))
                    changed = True
    rows = [EstimateRow(**{**asdict(r), "suppressed": id(r) in hide}) for r in table.rows]
    return EstimateTable(
        table.question, table.kind, table.by, table.weight, table.strata, rows, table.categories, table.groups
    )


# --- comparison with the national benchmark -----------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    category: str
    local: float
    local_se: float
    national: float
    national_se: float
    difference: float
    z: float
    p_value: float

    @property
    def significant(self) -> bool:
        return self.p_value < 0.05


def compare_with_benchmark(
    table: EstimateTable, national: Mapping[str, float], national_n: int, group: str | None = None
) -> list[Comparison]:
    """Two-sided z-test of local share minus national share, category by category.

    The local SE is the design-based SE above; the national SE is that of a simple random sample
    of the national survey's size, sqrt(p(1-p)/n) (the national survey publishes no design SE).
    The two samples are independent, so the SE of the difference is sqrt(se_local² + se_national²).
    ``national`` holds shares (0–1) by category code.
    """
    out = []
    for category, p in national.items():
        row = table.row(group, category)
        if row is None or row.suppressed:
            continue
        national_se = math.sqrt(p * (1 - p) / national_n)
        se = math.hypot(row.se, national_se)
        diff = row.estimate - p
        z = diff / se if se > 0 else math.nan
        p_value = math.erfc(abs(z) / math.sqrt(2)) if se > 0 else math.nan
        out.append(Comparison(category, row.estimate, row.se, p, national_se, diff, z, p_value))
    return out
