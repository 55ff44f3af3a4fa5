"""Stratified random samples from a frame (住民基本台帳 extract) with no database: the sample size
per stratum, the frame's check and the draw (``surveys.services.sampling`` stores the sample).

Proportional allocation rounds by largest remainders (so the strata add up to the size asked for)
and gives every non-empty stratum at least one person; fixed allocation draws the same number
from every stratum. Within a stratum, people are drawn without replacement by numpy's PCG64
generator seeded with the recorded seed, so the same frame and seed give the same sample.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from django.utils.translation import gettext as _

from surveys.models import Sample
from surveys.tables import ImportRejected, Problem

MAX_FRAME = 2_000_000


def allocate(populations: dict[str, int], size: int, allocation: str) -> dict[str, int]:
    """Sample size per stratum."""
    if allocation == Sample.Allocation.FIXED:
        return {stratum: size for stratum in populations}
    total = sum(populations.values())
    quotas = {s: size * n / total for s, n in populations.items()}
    counts = {s: max(1, int(q)) for s, q in quotas.items()}
    remaining = size - sum(counts.values())
    by_remainder = sorted(populations, key=lambda s: (-(quotas[s] - int(quotas[s])), s))
    for stratum in by_remainder:
        if remaining <= 0:
            break
        if counts[stratum] < populations[stratum]:
            counts[stratum] += 1
            remaining -= 1
    return counts


def stratum_names(frame: pl.DataFrame, columns: list[str]) -> pl.Series:
    return frame.select(pl.concat_str([pl.col(c) for c in columns], separator="・").alias("stratum"))[
        "stratum"
    ]


def check_frame(frame: pl.DataFrame, columns: list[str], size: int, allocation: str) -> dict[str, int]:
    problems: list[Problem] = []
    for column in columns:
        if column not in frame.columns:
            problems.append(
                Problem(
                    None,
                    column,
                    _("名簿にこの列がありません（列: %(cols)s）。") % {"cols": ", ".join(frame.columns)},
                )
            )
    if problems:
        raise ImportRejected(problems)
    if frame.height > MAX_FRAME:
        raise ImportRejected([Problem(None, "", _("名簿が大きすぎます（%(n)d行まで）。") % {"n": MAX_FRAME})])
    for column in columns:
        for index in frame[column].is_null().arg_true().head(20).to_list():
            problems.append(Problem(index + 2, column, _("層の値が空です。")))
    if problems:
        raise ImportRejected(problems)
    populations = dict(stratum_names(frame, columns).value_counts().iter_rows())
    counts = allocate(populations, size, allocation)
    for stratum, n in sorted(counts.items()):
        if n > populations[stratum]:
            problems.append(
                Problem(
                    None,
                    "",
                    _("層「%(s)s」は名簿に%(n)d人しかいないため、%(k)d人は抽出できません。")
                    % {"s": stratum, "n": populations[stratum], "k": n},
                )
            )
    if allocation == Sample.Allocation.PROPORTIONAL and size > frame.height:
        problems.append(
            Problem(
                None,
                "",
                _("標本の大きさ（%(k)d）が名簿の人数（%(n)d）を超えています。")
                % {"k": size, "n": frame.height},
            )
        )
    if problems:
        raise ImportRejected(problems)
    return counts


def draw(frame: pl.DataFrame, columns: list[str], counts: dict[str, int], seed: int) -> pl.DataFrame:
    """The sampled rows of ``frame`` with a ``stratum`` column, in frame order."""
    rng = np.random.default_rng(seed)
    indexed = frame.with_row_index("_row").with_columns(stratum_names(frame, columns).alias("stratum"))
    chosen: list[int] = []
    for stratum in sorted(counts):
        rows = indexed.filter(pl.col("stratum") == stratum)["_row"].to_numpy()
        chosen.extend(rng.choice(rows, size=counts[stratum], replace=False).tolist())
    return indexed.filter(pl.col("_row").is_in(sorted(chosen))).drop("_row")
