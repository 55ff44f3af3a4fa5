"""Reading responses as a table: one row per submitted response, one column per answer code.

``responses_frame(survey, codes)`` is the read function for estimation and reports. It serves a
Parquet snapshot of the survey's submitted responses (``FrameSnapshot``) while that snapshot is
current, and otherwise rebuilds it from ``Response.answers`` in one query, decoding the JSON in
polars (Rust) rather than row by row in Python.

Column types: single / scale / matrix rows -> Int64 (the option code or scale value);
multiple -> List(Int64) of option codes; number -> Float64; date -> Date; text -> String.
Missing answers (無回答, or a question not shown) are null. Every frame also carries
``response`` (uuid string), ``mode``, ``stratum``, ``weight`` (Float64, null if none), ``version``
(the questionnaire version number) and the derived variables that were asked for.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl
from django.db import connection, transaction

from surveys.models import FrameSnapshot, ImportBatch, Question, QuestionType, Response, Survey
from surveys.national import DERIVED, HOMEBOUND_OUTING_CODES, SIX_MONTHS_OR_MORE_CODES

META_COLUMNS = ("response", "mode", "stratum", "weight", "version")

_DTYPES: dict[str, pl.DataType] = {
    QuestionType.SINGLE: pl.Int64(),
    QuestionType.SCALE: pl.Int64(),
    QuestionType.MATRIX: pl.Int64(),
    QuestionType.MULTIPLE: pl.List(pl.Int64()),
    QuestionType.NUMBER: pl.Float64(),
    QuestionType.DATE: pl.Date(),  # stored as ISO text
    QuestionType.TEXT: pl.String(),
}


def answer_questions(survey: Survey) -> dict[str, Question]:
    """Answer code -> the question that writes it, over all versions (the newest version wins)."""
    out: dict[str, Question] = {}
    for question in Question.objects.filter(version__survey=survey).order_by(
        "version__number", "section__order", "order"
    ):
        for code in question.answer_codes():
            out[code] = question
    return out


def answer_schema(survey: Survey) -> dict[str, pl.DataType]:
    return {code: _DTYPES[q.type] for code, q in answer_questions(survey).items()}


def responses_frame(
    survey: Survey,
    codes: Iterable[str] | None = None,
    *,
    modes: Iterable[str] | None = None,
    meta: Sequence[str] = META_COLUMNS,
) -> pl.DataFrame:
    """Submitted responses of ``survey`` with the ``meta`` columns and the given answer/derived codes.

    ``codes`` None means every answer code. ``modes`` filters on Response.mode (e.g. only the
    random sample: ``surveys.models.SAMPLE_MODES``). Unknown codes raise KeyError.
    """
    wanted = list(codes) if codes is not None else None
    columns = None
    if wanted is not None:
        inputs = [c for name in wanted for c in DERIVED.get(name, ())]
        columns = list(dict.fromkeys([*meta, *(["mode"] if modes is not None else []), *wanted, *inputs]))
    frame = _snapshot_frame(survey, columns)
    available = set(frame.columns) - set(META_COLUMNS)
    if wanted is None:
        wanted = [c for c in frame.columns if c in available]
    derived = [c for c in wanted if c in DERIVED]
    unknown = [c for c in wanted if c not in available and c not in DERIVED]
    if unknown:
        raise KeyError(f"unknown answer codes for survey {survey.slug}: {', '.join(unknown)}")
    for name in derived:
        frame = frame.with_columns(derive(name, frame).alias(name))
    if modes is not None:
        frame = frame.filter(pl.col("mode").is_in(list(modes)))
    return frame.select([*meta, *wanted])


def derive(name: str, frame: pl.DataFrame) -> pl.Expr:
    """Derived variables of the national template and modules (null where an input is missing)."""

    def col(code: str) -> pl.Expr:
        return pl.col(code) if code in frame.columns else pl.lit(None, dtype=pl.Int64)

    if name == "ucla_score":
        # Sum of the three UCLA items (each 1-4): 3-12, null unless all three are answered.
        return col("ucla_1") + col("ucla_2") + col("ucla_3")
    if name == "hikikomori_broad":
        # Kamakura: 外出頻度 one of the four home-bound answers AND that state for 6 months or more.
        homebound = col("outing_freq").is_in(list(HOMEBOUND_OUTING_CODES))
        long_enough = col("outing_duration").is_in(list(SIX_MONTHS_OR_MORE_CODES))
        return (
            pl.when(col("outing_freq").is_null())
            .then(None)
            .when(~homebound)
            .then(0)
            .when(col("outing_duration").is_null())
            .then(None)
            .otherwise(long_enough.cast(pl.Int64))
        ).cast(pl.Int64)
    if name == "young_carer":
        # Screen: cares for a family member on 3 or more days a week (almost daily or 3-5 days).
        return (
            pl.when(col("yc_cares").is_null())
            .then(None)
            .when(col("yc_cares") != 1)
            .then(0)
            .when(col("yc_frequency").is_null())
            .then(None)
            .otherwise(col("yc_frequency").is_in([1, 2]).cast(pl.Int64))
        ).cast(pl.Int64)
    raise KeyError(name)


def _snapshot_frame(survey: Survey, columns: Sequence[str] | None = None) -> pl.DataFrame:
    """The survey's response frame; a current snapshot is read for ``columns`` only (those of
    them it has), a stale one is brought up to date (whole) first."""
    revision = Survey.objects.filter(pk=survey.pk).values_list("data_revision", flat=True).get()
    snapshot = FrameSnapshot.objects.filter(survey=survey).first()
    if snapshot is not None:
        content = io.BytesIO(bytes(snapshot.parquet))
        if snapshot.revision == revision:
            if columns is not None:
                present = pl.read_parquet_schema(content)
                content.seek(0)
                return pl.read_parquet(content, columns=[c for c in present if c in set(columns)])
            return pl.read_parquet(content)
        frame = pl.read_parquet(content)
        extended = _append_new(survey, frame)
        if extended is not None:
            store_snapshot(survey, extended, revision)
            return extended
    frame = build_frame(survey)
    store_snapshot(survey, frame, revision)
    return frame


def _append_new(survey: Survey, frame: pl.DataFrame) -> pl.DataFrame | None:
    """The snapshot plus the responses submitted since it was built, or None when a full rebuild
    is needed (the questionnaire's codes changed, or a response in the snapshot was removed).

    Submitted responses are never edited, so comparing response ids is exact: the new ones are
    read from the database, the rest come from the snapshot.
    """
    schema = answer_schema(survey)
    if frame.columns != [*META_COLUMNS, *schema.keys()]:
        return None
    current = {
        u.hex if hasattr(u, "hex") else str(u).replace("-", "")
        for u in Response.objects.submitted().filter(survey=survey).values_list("uuid", flat=True)
    }
    known = set(frame["response"].to_list())
    if not known <= current:
        return None
    missing = sorted(current - known)
    if not missing:
        return frame
    new = build_frame(survey, only=missing)
    return pl.concat([frame, new.select(frame.columns)], how="vertical")


def snapshot_bytes(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="zstd")
    return buffer.getvalue()


def store_snapshot(
    survey: Survey, frame: pl.DataFrame, revision: int, *, parquet: bytes | None = None
) -> None:
    """Store ``frame`` as the snapshot of ``revision`` (``parquet``: its bytes, when already written,
    so that a caller holding the write lock does not compress inside it)."""
    content = parquet if parquet is not None else snapshot_bytes(frame)
    with transaction.atomic():
        FrameSnapshot.objects.update_or_create(
            survey=survey,
            defaults={
                "platform": survey.platform,
                "revision": revision,
                "parquet": content,
                "rows": frame.height,
            },
        )


def build_frame(survey: Survey, only: list[str] | None = None) -> pl.DataFrame:
    """Decode every submitted response of the survey (or those with the given uuids) from the database."""
    schema = answer_schema(survey)
    table = Response._meta.db_table
    answers_sql = "answers::text" if connection.vendor == "postgresql" else "answers"
    version_table = Response._meta.get_field("version").related_model._meta.db_table
    batch_table = ImportBatch._meta.db_table
    # Rows of an import still being inserted are left out (ImportBatch.staging), as by .submitted().
    sql = (
        f"SELECT r.uuid, r.mode, r.stratum, r.weight, v.number, {answers_sql} "  # noqa: S608 (table names from _meta)
        f"FROM {table} r JOIN {version_table} v ON v.id = r.version_id "
        f"LEFT JOIN {batch_table} b ON b.id = r.import_batch_id "
        "WHERE r.survey_id = %s AND r.submitted_at IS NOT NULL "
        "AND (r.import_batch_id IS NULL OR NOT b.staging) ORDER BY r.id"
    )
    rows: list[Any] = []
    uuid_field = Response._meta.get_field("uuid")
    with connection.cursor() as cursor:
        if only is None:
            cursor.execute(sql, [survey.pk])
            rows = cursor.fetchall()
        else:
            for start in range(0, len(only), 500):
                chunk = [uuid.UUID(hex=h) for h in only[start : start + 500]]
                placeholders = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    sql.replace(" ORDER BY r.id", f" AND r.uuid IN ({placeholders}) ORDER BY r.id"),
                    [survey.pk, *[uuid_field.get_db_prep_value(c, connection) for c in chunk]],
                )
                rows.extend(cursor.fetchall())
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [[] for _ in range(6)]
    meta = pl.DataFrame(
        {
            "response": pl.Series([str(u).replace("-", "") for u in columns[0]], dtype=pl.String),
            "mode": pl.Series(list(columns[1]), dtype=pl.String),
            "stratum": pl.Series(list(columns[2]), dtype=pl.String),
            "weight": pl.Series(list(columns[3]), dtype=pl.Float64),
            "version": pl.Series(list(columns[4]), dtype=pl.Int64),
        }
    )
    texts = pl.Series(
        "answers", [a if isinstance(a, str) else _dumps(a) for a in columns[5]], dtype=pl.String
    )
    return with_answers(meta, texts, schema)


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def with_answers(meta: pl.DataFrame, texts: pl.Series, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Decode JSON answer texts into typed columns beside ``meta``."""
    if not schema:
        return meta
    struct = pl.Struct(schema)
    if texts.len():
        decoded = texts.str.json_decode(dtype=struct).struct.unnest()
    else:
        decoded = pl.DataFrame(schema=schema)
    return pl.concat([meta, decoded], how="horizontal")
