"""Plausible synthetic answers to the national template (demo data and the import benchmark).

Loneliness follows the national R5 distribution of the direct question (4.8 / 14.8 / 19.7 /
41.4 / 17.9 %, 無回答 1.5 %); the UCLA items move with it; 外出頻度 is mostly outgoing with a
small home-bound group (about 2 % 広義のひきこもり, as Kamakura's 1.8 %). Not real data: every
value is drawn from a seeded generator so the same seed gives the same table.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

DIRECT_P = np.array([4.8, 14.8, 19.7, 41.4, 17.9, 1.5])  # last = 無回答 (rounded: sums to 100.1)
DIRECT_P = DIRECT_P / DIRECT_P.sum()
AGE_P = np.array([4, 11, 13, 17, 16, 15, 15, 9], dtype=float) / 100
OUTING_P = np.array([40, 15, 14, 25, 3, 2, 0.5, 0.5]) / 100
DURATION_P = np.array([70, 8, 9, 6, 3, 4], dtype=float) / 100


def national_answers(
    n: int,
    *,
    seed: int,
    regions: Sequence[str],
    region_p: Sequence[float] | None = None,
    hikikomori: bool = False,
    modes: Sequence[str] = ("mail",),
    mode_p: Sequence[float] | None = None,
    population: dict[str, int] | None = None,
) -> pl.DataFrame:
    """A table with the national template's answer codes (and the hikikomori module if asked),
    plus ``stratum`` (the region's name), ``mode`` and, given region populations, design
    ``weight`` = N_h / n_h."""
    rng = np.random.default_rng(seed)
    direct = rng.choice(6, size=n, p=DIRECT_P) + 1  # 6 = no answer
    lonely = np.where(direct == 6, 4, direct)  # latent level 1 (often) .. 5 (never)
    # UCLA: 1 決してない .. 4 常にある, higher when the direct answer is more frequent.
    centre = 4.3 - 0.75 * lonely
    ucla = [np.clip(np.rint(centre + rng.normal(0, 0.7, n)), 1, 4).astype(np.int64) for _ in range(3)]
    age = rng.choice(8, size=n, p=AGE_P) + 1
    sex = rng.choice(3, size=n, p=[0.47, 0.515, 0.015]) + 1
    household = rng.choice(5, size=n, p=[0.2, 0.27, 0.38, 0.08, 0.07]) + 1
    region_index = rng.choice(len(regions), size=n, p=np.asarray(region_p) if region_p is not None else None)
    outing = rng.choice(8, size=n, p=OUTING_P) + 1
    talk = np.clip(np.rint(2.2 + 0.5 * (5 - lonely) + rng.normal(0, 1.3, n)), 1, 7).astype(np.int64)
    confidant = np.where(rng.random(n) < 0.06 + 0.06 * (5 - lonely), 2, 1)
    rely = np.where(rng.random(n) < 0.05 + 0.05 * (5 - lonely), 2, 1)
    picks = rng.random((n, 5)) < np.array([0.35, 0.12, 0.22, 0.08, 0.05])
    chosen = pl.DataFrame({str(k): np.where(picks[:, k - 1], k, 0) for k in range(1, 6)})
    participation = (
        chosen.select(
            pl.concat_list(pl.all())
            .list.eval(pl.element().filter(pl.element() > 0).cast(pl.String))
            .alias("p")
        )["p"]
        .list.join(";")
        .replace("", "6")
    )

    def column(values: np.ndarray, missing: float = 0.01) -> pl.Series:
        mask = rng.random(n) < missing
        return pl.Series(np.where(mask, 0, values)).cast(pl.Int64).replace(0, None)

    table: dict[str, pl.Series] = {
        "loneliness_direct": pl.Series(direct).cast(pl.Int64).replace(6, None),
        "ucla_1": column(ucla[0]),
        "ucla_2": column(ucla[1]),
        "ucla_3": column(ucla[2]),
        "outing_freq": column(outing),
        "talk_freq": column(talk),
        "has_confidant": column(confidant),
        "can_rely": column(rely),
        "social_participation": participation,
        "age_band": column(age, 0.005),
        "sex": column(sex, 0.005),
        "household": column(household),
        "region": pl.Series(region_index + 1).cast(pl.Int64),
    }
    if hikikomori:
        duration = rng.choice(6, size=n, p=DURATION_P) + 1
        homebound = outing >= 5
        table["outing_duration"] = pl.Series(np.where(homebound, duration, 0)).cast(pl.Int64).replace(0, None)
    names = np.asarray(regions, dtype=object)[region_index]
    table["stratum"] = pl.Series(names.tolist(), dtype=pl.String)
    table["mode"] = pl.Series(
        rng.choice(np.asarray(modes, dtype=object), size=n, p=mode_p).tolist(), dtype=pl.String
    )
    frame = pl.DataFrame(table)
    if population:
        counts = frame.group_by("stratum").len()
        weights = counts.with_columns(
            (pl.col("stratum").replace_strict(population, return_dtype=pl.Float64) / pl.col("len")).alias(
                "weight"
            )
        ).select("stratum", "weight")
        frame = frame.join(weights, on="stratum", how="left", maintain_order="left")
    return frame


def to_csv(frame: pl.DataFrame) -> bytes:
    return frame.write_csv().encode()
