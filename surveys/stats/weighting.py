"""Survey weights: design weights, post-stratification, raking and trimming.

Everything statistical is done by ``svy`` (pinned): this module turns staff input (population
tables typed in or imported as CSV) into validated :class:`MarginTable` objects and a
:class:`WeightingPlan`, and applies the plan to a polars frame of responses. The result is an
``svy.Sample`` that remembers the calibration, so the variances computed from it account for
post-stratification and raking (as R's ``postStratify``/``rake`` do); weights read back from a
column would be treated as fixed and give larger standard errors.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, cast

import polars as pl
import svy
from django.utils.translation import gettext as _

WEIGHT_COLUMN = "_weight"
STRATUM_COLUMN = "_stratum"  # integer code of the stratum, the design's stratum column
POPULATION_HEADERS = ("population", "人口", "母集団")
METHOD_NONE = "none"
METHOD_POSTSTRATIFY = "poststratify"
METHOD_RAKE = "rake"
METHODS = (METHOD_NONE, METHOD_POSTSTRATIFY, METHOD_RAKE)


class WeightingError(ValueError):
    """Staff input or data that cannot be weighted; the message names the row, column or cell."""


@dataclass(frozen=True)
class MarginTable:
    """Population counts over one or more classification variables (question codes)."""

    variables: tuple[str, ...]
    cells: dict[tuple[str, ...], float]

    def total(self) -> float:
        return sum(self.cells.values())

    def margin(self, variable: str) -> dict[str, float]:
        """The one-way margin of ``variable`` (summing over the other variables)."""
        index = self.variables.index(variable)
        out: dict[str, float] = {}
        for key, value in self.cells.items():
            out[key[index]] = out.get(key[index], 0.0) + value
        return out

    def to_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([*self.variables, "population"])
        for key, value in self.cells.items():
            writer.writerow([*key, _format_number(value)])
        return buffer.getvalue()

    def to_json(self) -> dict[str, Any]:
        return {"variables": list(self.variables), "cells": [[*k, v] for k, v in self.cells.items()]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MarginTable:
        variables = tuple(data["variables"])
        cells = {tuple(str(x) for x in row[:-1]): float(row[-1]) for row in data["cells"]}
        return cls(variables, cells)


def _format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def parse_margin_csv(
    text: str,
    *,
    known_levels: Mapping[str, Iterable[str] | Mapping[str, str]] | None = None,
) -> MarginTable:
    """Parse a population table: one column per variable (question code) and a ``population`` column.

    ``known_levels`` maps each allowed variable to its allowed levels (or to {level: label}, and
    then a label may be written instead of its level); unknown variables or levels, missing or
    non-positive populations and duplicated cells are reported with row and column.
    """
    text = text.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise WeightingError(
            _("母集団の表が空です。1行目に列名（設問コードと population）を書いてください。")
        )
    header = [cell.strip() for cell in rows[0]]
    population_index = next((i for i, name in enumerate(header) if name.lower() in POPULATION_HEADERS), None)
    if population_index is None:
        raise WeightingError(
            _("1行目に人口の列（population）がありません。列名: %(header)s") % {"header": ", ".join(header)}
        )
    variables = [name for i, name in enumerate(header) if i != population_index]
    if not variables:
        raise WeightingError(_("1行目に分類の列（設問コード）がありません。"))
    for column, name in enumerate(header, start=1):
        if column - 1 == population_index:
            continue
        if not name:
            raise WeightingError(_("1行目 %(column)d 列目: 列名が空です。") % {"column": column})
        if known_levels is not None and name not in known_levels:
            raise WeightingError(
                _(
                    "1行目 %(column)d 列目: 「%(name)s」は調整に使える設問コードではありません（使えるもの: %(known)s）。"
                )
                % {"column": column, "name": name, "known": ", ".join(sorted(known_levels))}
            )
    if len(set(variables)) != len(variables):
        raise WeightingError(_("1行目: 同じ列名が2回あります。"))
    allowed = (
        {name: {str(level) for level in known_levels[name]} for name in variables} if known_levels else {}
    )
    aliases: dict[str, dict[str, str]] = {}
    for name in variables:
        levels = known_levels[name] if known_levels else None
        if isinstance(levels, Mapping):
            aliases[name] = {str(label): str(level) for level, label in levels.items()}
    cells: dict[tuple[str, ...], float] = {}
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise WeightingError(
                _("%(line)d 行目: 列の数が %(got)d です（1行目は %(want)d 列）。")
                % {"line": line, "got": len(row), "want": len(header)}
            )
        key: list[str] = []
        for column, (name, cell) in enumerate(zip(header, row, strict=True), start=1):
            if column - 1 == population_index:
                continue
            level = cell.strip()
            level = aliases.get(name, {}).get(level, level) if level not in allowed.get(name, ()) else level
            if not level:
                raise WeightingError(
                    _("%(line)d 行目 %(column)d 列目（%(name)s）: 値が空です。")
                    % {"line": line, "column": column, "name": name}
                )
            if allowed and level not in allowed[name]:
                raise WeightingError(
                    _(
                        "%(line)d 行目 %(column)d 列目（%(name)s）: 「%(level)s」は選択肢にありません（%(known)s）。"
                    )
                    % {
                        "line": line,
                        "column": column,
                        "name": name,
                        "level": level,
                        "known": ", ".join(sorted(allowed[name])),
                    }
                )
            key.append(level)
        raw = row[population_index].strip().replace(",", "")
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value <= 0:
            raise WeightingError(
                _("%(line)d 行目 %(column)d 列目（population）: 「%(value)s」は正の数ではありません。")
                % {"line": line, "column": population_index + 1, "value": row[population_index]}
            )
        if tuple(key) in cells:
            raise WeightingError(
                _("%(line)d 行目: %(cell)s の行が重複しています。") % {"line": line, "cell": " × ".join(key)}
            )
        cells[tuple(key)] = value
    if not cells:
        raise WeightingError(_("母集団の表にデータ行がありません。"))
    return MarginTable(tuple(variables), cells)


@dataclass(frozen=True)
class TrimBounds:
    """Bounds on the final weights as multiples of their median (e.g. 0.3 and 3.5)."""

    lower: float | None = None
    upper: float | None = None

    def __post_init__(self) -> None:
        for value in (self.lower, self.upper):
            if value is not None and (not math.isfinite(value) or value <= 0):
                raise WeightingError(_("トリミングの下限と上限は正の数にしてください。"))
        if self.lower is not None and self.upper is not None and self.lower >= self.upper:
            raise WeightingError(_("トリミングの下限は上限より小さくしてください。"))
        if self.lower is not None and self.lower >= 1:
            raise WeightingError(_("トリミングの下限は中央値の1倍未満にしてください。"))
        if self.upper is not None and self.upper <= 1:
            raise WeightingError(_("トリミングの上限は中央値の1倍より大きくしてください。"))

    @property
    def active(self) -> bool:
        return self.lower is not None or self.upper is not None

    def config(self) -> svy.TrimConfig:
        return svy.TrimConfig(
            upper=svy.Threshold("median", self.upper) if self.upper is not None else None,
            lower=svy.Threshold("median", self.lower) if self.lower is not None else None,
            min_cell_size=1,
            max_iter=50,
        )


@dataclass(frozen=True)
class WeightingPlan:
    """How to weight a survey: design weights per stratum, then post-stratify or rake, then trim."""

    stratum: str | None = None
    stratum_population: Mapping[str, float] | None = None
    method: str = METHOD_NONE
    tables: Sequence[MarginTable] = field(default_factory=tuple)
    trim: TrimBounds = field(default_factory=TrimBounds)

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise WeightingError(_("調整の方法「%(method)s」は使えません。") % {"method": self.method})
        if self.method == METHOD_POSTSTRATIFY and len(self.tables) != 1:
            raise WeightingError(_("事後層化には母集団の表が1つ必要です（年齢×性別×地域などの組合せ）。"))
        if self.method == METHOD_RAKE and not self.tables:
            raise WeightingError(_("レーキングには母集団の表が1つ以上必要です。"))
        if self.stratum_population is not None and not self.stratum:
            raise WeightingError(_("層ごとの母集団を使うには層の設問を選んでください。"))

    @property
    def variables(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for table in self.tables:
            for name in table.variables:
                seen[name] = None
        return tuple(seen)

    def rake_controls(self) -> dict[str, dict[str, float]]:
        """One-way margins of every variable across the tables; tables must agree where they overlap."""
        controls: dict[str, dict[str, float]] = {}
        for table in self.tables:
            for name in table.variables:
                margin = table.margin(name)
                if name in controls and not _same_margin(controls[name], margin):
                    raise WeightingError(
                        _("「%(name)s」の母集団が表によって違います。同じ数にしてください。") % {"name": name}
                    )
                controls[name] = margin
        totals = {name: sum(m.values()) for name, m in controls.items()}
        first = next(iter(totals.values()))
        for name, total in totals.items():
            if not math.isclose(total, first, rel_tol=1e-6):
                raise WeightingError(
                    _("母集団の合計が表によって違います（%(name)s: %(total)s、ほか: %(first)s）。")
                    % {"name": name, "total": _format_number(total), "first": _format_number(first)}
                )
        return controls


def _same_margin(a: Mapping[str, float], b: Mapping[str, float]) -> bool:
    return a.keys() == b.keys() and all(math.isclose(a[k], b[k], rel_tol=1e-9) for k in a)


@dataclass(frozen=True)
class WeightDiagnostics:
    n: int
    total: float
    minimum: float
    maximum: float
    mean: float
    kish_deff: float

    def as_dict(self) -> dict[str, float | int]:
        return {
            "n": self.n,
            "total": self.total,
            "min": self.minimum,
            "max": self.maximum,
            "mean": self.mean,
            "kish_deff": self.kish_deff,
        }


def diagnostics(weights: pl.Series) -> WeightDiagnostics:
    """Range of the weights and Kish's design effect due to weighting, n·Σw²/(Σw)²."""
    n = weights.len()
    if n == 0:
        return WeightDiagnostics(0, 0.0, 0.0, 0.0, 0.0, 1.0)
    total = float(weights.sum())
    squares = float((weights * weights).sum())
    return WeightDiagnostics(
        n=n,
        total=total,
        # A non-empty Float64 series (n > 0 above): its minimum and maximum are floats.
        minimum=float(cast(float, weights.min())),
        maximum=float(cast(float, weights.max())),
        mean=total / n if n else math.nan,
        kish_deff=n * squares / (total * total) if total else math.nan,
    )


@dataclass
class WeightedSample:
    """Responses with the weights they are estimated with, and the ``svy.Sample`` bound to them.

    ``data`` holds the responses, the weight column ``weight`` and the stratum code. Weights that
    were post-stratified, raked or trimmed come from an svy sample, which remembers the adjustment
    for the variance. Design weights alone need none of that, and their sample is only built when
    an estimate asks for it: an estimate by groups that are unions of strata runs svy on each
    group's rows and never needs the whole one (see :func:`surveys.stats.estimation._grouped`).
    """

    data: pl.DataFrame
    weight: str
    strata: str | None
    diagnostics: WeightDiagnostics
    base_diagnostics: WeightDiagnostics
    # True when the weights were post-stratified, raked or trimmed: svy then centres the scores
    # on the adjustment's cells over the whole sample, so no part of it can be estimated alone.
    adjusted: bool = False
    _sample: svy.Sample | None = field(default=None, repr=False)

    @property
    def design(self) -> svy.Design:
        return svy.Design(stratum=STRATUM_COLUMN if self.strata else None, wgt=self.weight)

    @property
    def sample(self) -> svy.Sample:
        if self._sample is None:
            self._sample = svy.Sample(self.data, self.design)
        return self._sample

    def with_columns(self, columns: Mapping[str, pl.Expr]) -> WeightedSample:
        """The same design with more columns (one rebind of svy's data, if it has a sample)."""
        if not columns:
            return self
        if self.adjusted:
            sample = self.sample.wrangling.mutate(dict(columns))
            return replace(self, data=frame_of(sample), _sample=sample)
        return replace(self, data=self.data.with_columns(**columns), _sample=None)


def frame_of(sample: svy.Sample) -> pl.DataFrame:
    data = sample.data
    return data.collect() if isinstance(data, pl.LazyFrame) else data


def prepare(
    frame: pl.DataFrame,
    *,
    weight: str | None = None,
    strata: str | None = None,
    plan: WeightingPlan | None = None,
) -> WeightedSample:
    """Bind ``frame`` to its design (``ids=~1, strata=~strata, weights=~weight``) and apply ``plan``.

    The base weight is ``weight`` (a column of the frame) if given, else population/sample per
    stratum from the plan, else 1. Post-stratification or raking and trimming follow, by svy.
    """
    plan = plan or WeightingPlan()
    strata = strata or plan.stratum
    check_design_columns(frame, weight, strata, plan)
    frame = frame.with_columns(_base_weight(frame, weight, plan))
    if strata is not None:
        # svy factorises the design's stratum column again for every new version of its data
        # (each estimate adds its columns): small integer codes, one per stratum, make that an
        # integer pass instead of a sort of a million strings. The labels stay in ``strata``.
        frame = frame.with_columns(pl.col(strata).cast(pl.Utf8)).with_columns(
            pl.col(strata).cast(pl.Categorical).to_physical().alias(STRATUM_COLUMN)
        )
    base = diagnostics(frame[WEIGHT_COLUMN])
    for name in plan.variables:
        missing = frame[name].null_count()
        if missing:
            raise WeightingError(
                _(
                    "調整に使う「%(name)s」が無回答の回答が %(count)d 件あります。回答を補うか、その設問を調整に使わないでください。"
                )
                % {"name": name, "count": missing}
            )
    # svy reads NaN as no answer; so do the counts beside its estimates.
    frame = frame.with_columns([pl.col(name).cast(pl.Utf8) for name in plan.variables]).fill_nan(None)
    trimming = plan.trim.config() if plan.trim.active else None
    if plan.method == METHOD_NONE and trimming is None:
        return WeightedSample(frame, WEIGHT_COLUMN, strata, base, base)
    rake_controls: dict[str, dict[int, float]] = {}
    if plan.method == METHOD_RAKE:
        controls = plan.rake_controls()
        _check_levels(frame, controls)
        # svy's raking reads every margin column into Python value by value: small integer codes
        # of the levels (columns _rk0, _rk1, …) make that a third faster, with the same weights.
        codes = {name: {level: k for k, level in enumerate(margin)} for name, margin in controls.items()}
        frame = frame.with_columns(
            pl.col(name).replace_strict(codes[name], return_dtype=pl.Int64).alias(f"_rk{i}")
            for i, name in enumerate(controls)
        )
        rake_controls = {
            f"_rk{i}": {codes[name][level]: total for level, total in margin.items()}
            for i, (name, margin) in enumerate(controls.items())
        }
    sample = svy.Sample(frame, svy.Design(stratum=STRATUM_COLUMN if strata else None, wgt=WEIGHT_COLUMN))
    try:
        if plan.method == METHOD_POSTSTRATIFY:
            sample, weight_column = _poststratify(sample, frame, plan.tables[0], trimming)
        elif plan.method == METHOD_RAKE:
            sample = sample.weighting.rake(
                controls=rake_controls,  # type: ignore[arg-type]
                wgt_name="_rk_weight",
                trimming=trimming,
            )
            weight_column = "_rk_weight"
        else:
            assert trimming is not None  # noqa: S101 (the unadjusted case returned above)
            sample = sample.weighting.trim(
                upper=trimming.upper,
                lower=trimming.lower,
                min_cell_size=1,
                max_iter=50,
                wgt_name="_tr_weight",
            )
            weight_column = "_tr_weight"
    except svy.SvyError as error:
        raise WeightingError(_("ウェイトを計算できませんでした: %(error)s") % {"error": error}) from error
    data = frame_of(sample)
    return WeightedSample(
        data, weight_column, strata, diagnostics(data[weight_column]), base, adjusted=True, _sample=sample
    )


def check_design_columns(
    frame: pl.DataFrame, weight: str | None, strata: str | None, plan: WeightingPlan
) -> None:
    """The design's columns are in the frame, and the stratum column has no empty value."""
    for name in (weight, strata, *plan.variables):
        if name is not None and name not in frame.columns:
            raise WeightingError(_("列「%(name)s」がデータにありません。") % {"name": name})
    if strata is not None and frame[strata].null_count():
        raise WeightingError(
            _("層の列「%(name)s」が空の回答が %(count)d 件あります。")
            % {"name": strata, "count": frame[strata].null_count()}
        )


def _base_weight(frame: pl.DataFrame, weight: str | None, plan: WeightingPlan) -> pl.Expr:
    if weight is not None:
        check_weight_column(frame, weight)
        return pl.col(weight).cast(pl.Float64).alias(WEIGHT_COLUMN)
    if plan.stratum_population is not None and plan.stratum:
        counts = frame.group_by(pl.col(plan.stratum).cast(pl.Utf8)).len()
        design = design_weights(counts.iter_rows(), plan)
        return (
            pl.col(plan.stratum)
            .cast(pl.Utf8)
            .replace_strict(design, return_dtype=pl.Float64)
            .alias(WEIGHT_COLUMN)
        )
    return pl.lit(1.0, dtype=pl.Float64).alias(WEIGHT_COLUMN)


def check_weight_column(frame: pl.DataFrame, weight: str) -> None:
    """A weight column must be numeric, without empty or non-positive values (the first one named)."""
    series = frame[weight]
    if not series.dtype.is_numeric():
        raise WeightingError(_("ウェイトの列「%(name)s」が数値ではありません。") % {"name": weight})
    invalid = pl.col(weight).is_null() | (pl.col(weight) <= 0)
    # One pass to learn whether anything is wrong; the row numbers only when something is.
    if not frame.select(invalid.any()).item():
        return
    bad = frame.with_row_index("_row").filter(invalid)
    row = int(bad["_row"][0]) + 1
    raise WeightingError(
        _("ウェイトの列「%(name)s」に0以下または空の値が %(count)d 件あります（最初は %(row)d 件目）。")
        % {"name": weight, "count": bad.height, "row": row}
    )


def design_weights(counts: Iterable[tuple[Any, int]], plan: WeightingPlan) -> dict[str, float]:
    """Population/sample of each stratum, from (stratum as text, respondents) pairs and the plan's
    populations by stratum (a stratum without population, or with fewer people than respondents,
    is an error naming it)."""
    population = {str(k): float(v) for k, v in (plan.stratum_population or {}).items()}
    design: dict[str, float] = {}
    for level, n in counts:
        if level is None:
            continue
        if level not in population:
            raise WeightingError(
                _("層「%(level)s」の母集団がありません。") % {"level": level},
            )
        if population[level] < n:
            raise WeightingError(
                _("層「%(level)s」の母集団 %(population)s が回答数 %(n)d より少なくなっています。")
                % {"level": level, "population": _format_number(population[level]), "n": n}
            )
        design[level] = population[level] / n
    return design


def _check_levels(frame: pl.DataFrame, controls: Mapping[str, Mapping[str, float]]) -> None:
    for name, margin in controls.items():
        present = {str(v) for v in frame[name].unique().to_list()}
        missing = sorted(present - set(margin))
        if missing:
            raise WeightingError(
                _("「%(name)s」の回答 %(levels)s に母集団がありません。表に加えてください。")
                % {"name": name, "levels": ", ".join(missing)}
            )
        empty = sorted(set(margin) - present)
        if empty:
            raise WeightingError(
                _("「%(name)s」の %(levels)s に回答がありません。区分をまとめてください。")
                % {"name": name, "levels": ", ".join(empty)}
            )


def _poststratify(
    sample: svy.Sample, frame: pl.DataFrame, table: MarginTable, trimming: svy.TrimConfig | None
) -> tuple[svy.Sample, str]:
    cells = table.variables
    if len(cells) == 1:
        cell_column = cells[0]
        controls: dict[Any, float] = {key[0]: value for key, value in table.cells.items()}
        _check_levels(frame, {cell_column: controls})
    else:
        cell_column = "_cell"
        sample = sample.wrangling.mutate(
            {cell_column: pl.concat_str([pl.col(c) for c in cells], separator=" × ")}
        )
        controls = {" × ".join(key): value for key, value in table.cells.items()}
        _check_levels(frame_of(sample), {cell_column: controls})
    sample = sample.weighting.poststratify(
        controls=controls, cells=cell_column, wgt_name="_ps_weight", trimming=trimming
    )
    return sample, "_ps_weight"
