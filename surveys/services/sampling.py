"""Stratified random samples from an uploaded frame (住民基本台帳 extract), with the seed recorded,
and the mail-merge list and letters for the invitations they produce.

Proportional allocation rounds by largest remainders (so the strata add up to the size asked for)
and gives every non-empty stratum at least one person; fixed allocation draws the same number
from every stratum. Within a stratum, people are drawn without replacement by numpy's PCG64
generator seeded with the recorded seed, so the same frame and seed give the same sample.
"""

from __future__ import annotations

import io
import secrets
from typing import Any

import numpy as np
import polars as pl
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import log_action
from surveys.models import Invitation, Sample, Survey
from surveys.queries import unused_codes
from surveys.services.imports import ImportRejected, Problem, read_table
from tsunagari.lib.downloads import csv_writer, safe_cell

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


@transaction.atomic
def do_draw_sample(
    survey: Survey,
    content: bytes,
    filename: str,
    *,
    strata: list[str],
    allocation: str,
    size: int,
    seed: int | None = None,
    actor: Any = None,
) -> Sample:
    frame = read_table(content, filename)
    counts = check_frame(frame, strata, size, allocation)
    seed = seed if seed is not None else secrets.randbits(48)
    populations = dict(stratum_names(frame, strata).value_counts().iter_rows())
    sampled = draw(frame, strata, counts, seed)
    sample = Sample.objects.create(
        platform=survey.platform,
        survey=survey,
        frame_name=filename[:200],
        frame_size=frame.height,
        strata_columns=strata,
        columns=list(frame.columns),
        allocation=allocation,
        size=sampled.height,
        seed=seed,
        strata={s: {"population": populations[s], "sample": counts[s]} for s in sorted(counts)},
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    address_columns = [c for c in sampled.columns if c != "stratum"]
    invitations = [
        Invitation(
            platform=survey.platform,
            survey=survey,
            sample=sample,
            code=code,
            stratum=row["stratum"],
            address={c: row[c] for c in address_columns if row[c] is not None},
        )
        for code, row in zip(unused_codes(survey, sampled.height), sampled.iter_rows(named=True), strict=True)
    ]
    Invitation.objects.bulk_create(invitations, batch_size=2000)
    log_action(
        "survey.sample_drawn",
        actor=actor,
        platform=survey.platform,
        obj=survey,
        data={
            "size": sample.size,
            "seed": seed,
            "allocation": allocation,
            "strata": strata,
            "frame_size": frame.height,
        },
    )
    return sample


@transaction.atomic
def do_purge_addresses(sample: Sample, *, actor: Any = None) -> int:
    """Erase the names and addresses kept for mail merge (after mailing); codes and strata stay."""
    count = Invitation.objects.filter(sample=sample).exclude(address={}).update(address={})
    log_action(
        "survey.sample_addresses_purged",
        actor=actor,
        platform=sample.platform,
        obj=sample.survey,
        data={"count": count},
    )
    return count


def mail_merge_rows(sample: Sample, survey_url: str) -> tuple[list[str], list[list[Any]]]:
    invitations = list(Invitation.objects.filter(sample=sample).order_by("id"))
    fields: list[str] = list(sample.columns)
    for invitation in invitations:
        for key in invitation.address:
            if key not in fields:
                fields.append(key)
    present = {key for invitation in invitations for key in invitation.address}
    fields = [f for f in fields if f in present]
    header = ["招待コード", "層", *fields, "回答URL", "回答済み"]
    rows = [
        [
            i.code,
            i.stratum,
            *[i.address.get(f, "") for f in fields],
            f"{survey_url}?code={i.code}",
            "○" if i.used_at else "",
        ]
        for i in invitations
    ]
    return header, rows


def mail_merge_csv(sample: Sample, survey_url: str) -> bytes:

    header, rows = mail_merge_rows(sample, survey_url)
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    # UTF-8 with BOM so that Excel opens Japanese text correctly.
    return buffer.getvalue().encode("utf-8-sig")


def mail_merge_xlsx(sample: Sample, survey_url: str) -> bytes:
    import openpyxl

    header, rows = mail_merge_rows(sample, survey_url)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "差し込み"
    sheet.append(header)
    for row in rows:
        sheet.append([_safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas in frame values (tsunagari.lib.downloads.safe_cell)."""
    return safe_cell(value)
