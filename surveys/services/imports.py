"""Importing responses from CSV / Excel: every cell checked first, then the rows staged and made
visible all at once, or nothing.

Columns are answer codes of the survey's questionnaire (a question code, or a row code of a
matrix) plus the optional ``weight`` (> 0), ``stratum``, ``mode`` (web / mail / paper / open_web;
default mail) and ``invitation`` (an unused invitation code of this survey, each once). Multiple
answers are option codes separated by ``;`` (e.g. ``1;3``), dates are ``YYYY-MM-DD``.

Any problem — an unknown code, an answer out of range, a weight ≤ 0, a repeated or unknown
invitation code, a sheet that is not a table — rejects the whole file with a report by row and
column (rows counted as in the file: the header is row 1). Importing the same file twice is
refused (idempotency by content hash).

The rows are inserted in short transactions (about ``STAGE_SECONDS`` each, so the LINE webhook
and the staff pages never wait long for SQLite's write lock) under an ``ImportBatch`` marked
``staging``, which results, estimates, exports and response counts leave out; a last short
transaction makes them visible together. A failure deletes what was staged.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import polars as pl
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from accounts.permissions import Actor
from audit.services import log_action
from surveys import data
from surveys.forms.imports import MAX_UPLOAD
from surveys.models import (
    FrameSnapshot,
    ImportBatch,
    Invitation,
    Mode,
    Question,
    QuestionType,
    Response,
    Survey,
)
from surveys.services.questionnaire import bump_revision
from tsunagari.lib import sheets
from tsunagari.lib.jobs import runner as jobs
from tsunagari.lib.jobs.models import ImportJob

MAX_REPORTED = 200
MAX_PER_COLUMN = 20
TEXT_LIMIT = 4000
META_IMPORT_COLUMNS = ("weight", "stratum", "mode", "invitation")
# An Excel sheet is read up to its last value (tsunagari.lib.sheets); answers beyond this row
# are refused with a message (a CSV has no row limit but the upload size, forms.imports.MAX_UPLOAD).
MAX_XLSX_ROWS = 1_000_001


@dataclass(frozen=True)
class Problem:
    row: int | None  # row in the file (header = 1); None for the whole file / a column
    column: str
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(_("%(row)d行目") % {"row": self.row})
        if self.column:
            where.append(_("列「%(column)s」") % {"column": self.column})
        prefix = " ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


@dataclass
class ImportRejected(Exception):
    problems: list[Problem]
    total: int = 0

    def __post_init__(self) -> None:
        self.total = max(self.total, len(self.problems))

    def __str__(self) -> str:
        lines = [str(p) for p in self.problems[:MAX_REPORTED]]
        if self.total > len(lines):
            lines.append(_("ほか %(n)d 件の問題があります。") % {"n": self.total - len(lines)})
        return "\n".join(lines)


# ---------------------------------------------------------------- reading


def read_table(content: bytes, filename: str) -> pl.DataFrame:
    """The file as a table of strings (nulls for empty cells), or ImportRejected."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(content)
    if suffix == ".csv":
        return _read_csv(content)
    raise ImportRejected(
        [Problem(None, "", _("CSV（.csv）またはExcel（.xlsx）のファイルを指定してください。"))]
    )


def _check_header(header: list[str], sheet: str = "") -> None:
    problems = []
    seen: dict[str, int] = {}
    where = (_("シート「%(sheet)s」") % {"sheet": sheet} + " ") if sheet else ""
    for index, name in enumerate(header, start=1):
        column = _column_letter(index)
        if not name.strip():
            problems.append(
                Problem(1, column, where + _("見出しが空です。1行目は設問コードなどの列名にしてください。"))
            )
        elif name in seen:
            problems.append(
                Problem(
                    1,
                    name,
                    where
                    + _("列名が重複しています（%(a)s列と%(b)s列）。")
                    % {"a": _column_letter(seen[name]), "b": column},
                )
            )
        else:
            seen[name] = index
    if problems:
        raise ImportRejected(problems)


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _read_csv(content: bytes) -> pl.DataFrame:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        try:
            content = content.decode("cp932").encode("utf-8")
        except UnicodeDecodeError:
            raise ImportRejected(
                [Problem(None, "", _("文字コードを判別できません。UTF-8またはShift_JISで保存してください。"))]
            ) from None
    first_line = content.split(b"\n", 1)[0].decode("utf-8").rstrip("\r")
    if not first_line.strip():
        raise ImportRejected([Problem(1, "", _("1行目に列名がありません。"))])
    header = next(csv.reader([first_line]))
    _check_header(header)
    try:
        frame = pl.read_csv(io.BytesIO(content), infer_schema=False)
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        raise ImportRejected(
            [Problem(None, "", _("CSVとして読めません: %(error)s") % {"error": str(exc).splitlines()[0]})]
        ) from None
    return frame.with_columns(pl.all().str.strip_chars().replace("", None))


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _read_xlsx(content: bytes) -> pl.DataFrame:
    try:
        workbook = sheets.open_workbook(content)
    except sheets.SheetRefused as refused:
        raise ImportRejected([Problem(None, "", str(refused))]) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheets.data_rows(sheet, max_rows=MAX_XLSX_ROWS)
        header_cells = next(rows, None)
        if not header_cells:
            raise ImportRejected(
                [
                    Problem(
                        1,
                        "",
                        _(
                            "シート「%(sheet)s」の1行目が空です。1行目を列名（設問コード）にした表にしてください。"
                        )
                        % {"sheet": sheet.title},
                    )
                ]
            )
        header = [_cell_text(c) or "" for c in header_cells]
        _check_header(header, sheet.title)
        width = len(header)
        columns: list[list[str | None]] = [[] for _ in header]
        problems: list[Problem] = []
        for number, row in enumerate(rows, start=2):
            if len(row) > width and len(problems) < MAX_REPORTED:
                extra = next(i for i, v in enumerate(row[width:], start=width + 1) if v is not None)
                problems.append(
                    Problem(
                        number,
                        _column_letter(extra),
                        _("見出しのない列に値があります。表の外に値を書かないでください。"),
                    )
                )
            for i in range(width):
                columns[i].append(_cell_text(row[i]) if i < len(row) else None)
        if problems:
            if width == 1:
                problems.insert(
                    0,
                    Problem(
                        1,
                        "A",
                        _(
                            "1行目が列名ではなく表題のようです。表題や空行を消して、1行目を列名（設問コード）にしてください。"
                        ),
                    ),
                )
            raise ImportRejected(problems)
    except sheets.SheetRefused as refused:
        raise ImportRejected([Problem(None, "", str(refused))]) from None
    finally:
        workbook.close()
    frame = pl.DataFrame(
        {name: pl.Series(values, dtype=pl.String) for name, values in zip(header, columns, strict=True)}
    )
    # Trailing blank lines are common in Excel; blank rows in the middle are kept and checked.
    non_empty = frame.select(pl.any_horizontal(pl.all().is_not_null()).alias("x"))["x"]
    # arg_true() of a series with a true value: row indices (UInt32), so its maximum is an int.
    last = int(cast(int, non_empty.arg_true().max())) + 1 if non_empty.any() else 0
    return frame.head(last)


# ---------------------------------------------------------------- checking


@dataclass
class Checked:
    answers: pl.DataFrame  # typed answer columns
    weight: pl.Series | None
    stratum: pl.Series | None
    mode: pl.Series
    invitation: pl.Series | None


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.total = 0

    def add_rows(self, frame: pl.DataFrame, invalid: pl.Series, column: str, message: str) -> None:
        rows = invalid.fill_null(False).arg_true()
        self.total += rows.len()
        for index in rows.head(MAX_PER_COLUMN).to_list():
            if len(self.problems) < MAX_REPORTED:
                value = frame[column][index]
                self.problems.append(Problem(index + 2, column, message.format(value=value)))

    def add(self, problem: Problem) -> None:
        self.total += 1
        if len(self.problems) < MAX_REPORTED:
            self.problems.append(problem)


def check_table(survey: Survey, frame: pl.DataFrame) -> Checked:
    questions = data.answer_questions(survey)
    bad = _Collector()
    for column in frame.columns:
        if column in META_IMPORT_COLUMNS or column in questions:
            continue
        hint = ""
        if column in data.DERIVED:
            hint = _("（%(code)s は回答から計算される値なので取り込めません）") % {"code": column}
        bad.add(Problem(None, column, _("この調査票にない設問コードです。") + hint))
    if frame.height == 0:
        bad.add(Problem(None, "", _("データの行がありません。")))
    if not any(column in questions for column in frame.columns):
        bad.add(
            Problem(
                1,
                "",
                _("設問コードの列がありません。1行目に設問コード（例: loneliness_direct）を並べてください。"),
            )
        )
    typed: dict[str, pl.Series] = {}
    for code, question in questions.items():
        if code in frame.columns:
            typed[code] = _check_answers(frame, code, question, bad)
    weight = _check_weight(frame, bad) if "weight" in frame.columns else None
    stratum = None
    if "stratum" in frame.columns:
        stratum = frame["stratum"].fill_null("")
        bad.add_rows(
            frame, stratum.str.len_chars() > 100, "stratum", _("層の名前は100文字以内にしてください。")
        )
    mode = pl.Series("mode", [Mode.MAIL.value] * frame.height, dtype=pl.String)
    if "mode" in frame.columns:
        mode = frame["mode"].fill_null(Mode.MAIL.value)
        allowed = ", ".join(Mode.values)
        bad.add_rows(
            frame,
            ~mode.is_in(Mode.values),
            "mode",
            _("「{value}」は回答方法ではありません（%(allowed)s）。") % {"allowed": allowed},
        )
    invitation = _check_invitations(survey, frame, bad) if "invitation" in frame.columns else None
    if bad.total:
        raise ImportRejected(bad.problems, bad.total)
    return Checked(pl.DataFrame(typed), weight, stratum, mode, invitation)


def _check_answers(frame: pl.DataFrame, code: str, question: Question, bad: _Collector) -> pl.Series:
    text = frame[code]
    present = text.is_not_null()
    qtype = question.type
    if qtype in (QuestionType.SINGLE, QuestionType.MATRIX, QuestionType.SCALE):
        values = text.cast(pl.Int64, strict=False)
        if qtype == QuestionType.SCALE:
            low, high = int(question.min_value or 0), int(question.max_value or 0)
            allowed = list(range(low, high + 1))
            rule = _("%(low)d〜%(high)dの整数で入力してください。") % {"low": low, "high": high}
        else:
            allowed = question.option_codes()
            rule = _("選択肢の番号（%(codes)s）で入力してください。") % {
                "codes": ", ".join(map(str, allowed))
            }
        invalid = present & (values.is_null() | ~values.is_in(allowed))
        bad.add_rows(frame, invalid, code, _("「{value}」は範囲外です。") + rule)
        return values.alias(code)
    if qtype == QuestionType.MULTIPLE:
        allowed = question.option_codes()
        parts = text.str.replace_all(r"[、,\s]+", ";").str.split(";")
        values = parts.list.eval(pl.element().filter(pl.element() != "").cast(pl.Int64, strict=False))
        invalid_item = values.list.eval(pl.element().is_null() | ~pl.element().is_in(allowed)).list.any()
        rule = _("選択肢の番号（%(codes)s）を ; で区切って入力してください。") % {
            "codes": ", ".join(map(str, allowed))
        }
        bad.add_rows(frame, present & invalid_item, code, _("「{value}」は範囲外です。") + rule)
        exclusive = [int(o["code"]) for o in question.options if o.get("exclusive")]
        if exclusive:
            clash = values.list.eval(pl.element().is_in(exclusive)).list.any() & (values.list.len() > 1)
            labels = "、".join(question.option_label(c) for c in exclusive)
            bad.add_rows(
                frame,
                present & clash,
                code,
                _("「{value}」: 「%(labels)s」はほかの選択肢と同時に選べません。") % {"labels": labels},
            )
        duplicate = values.list.len() != values.list.n_unique()
        bad.add_rows(frame, present & duplicate, code, _("「{value}」: 同じ選択肢が重複しています。"))
        if question.max_choices:
            too_many = values.list.len() > question.max_choices
            bad.add_rows(
                frame,
                present & too_many,
                code,
                _("「{value}」: 選べるのは%(n)d個までです。") % {"n": question.max_choices},
            )
        return values.list.eval(pl.element().sort()).alias(code)
    if qtype == QuestionType.NUMBER:
        values = text.str.replace_all(",", "").cast(pl.Float64, strict=False)
        invalid = present & (values.is_null() | values.is_nan() | values.is_infinite())
        if question.min_value is not None:
            invalid = invalid | (values < float(question.min_value))
        if question.max_value is not None:
            invalid = invalid | (values > float(question.max_value))
        bad.add_rows(frame, invalid, code, _("「{value}」は範囲外の数値です。") + _range_text(question))
        return values.alias(code)
    if qtype == QuestionType.DATE:
        values = text.str.to_date("%Y-%m-%d", strict=False).fill_null(
            text.str.to_date("%Y/%m/%d", strict=False)
        )
        bad.add_rows(
            frame, present & values.is_null(), code, _("「{value}」は日付ではありません（例: 2025-04-01）。")
        )
        return values.alias(code)
    too_long = text.str.len_chars() > TEXT_LIMIT
    bad.add_rows(frame, too_long, code, _("自由記述は%(n)d文字以内にしてください。") % {"n": TEXT_LIMIT})
    return text.alias(code)


def _range_text(question: Question) -> str:
    low = "" if question.min_value is None else f"{question.min_value:g}"
    high = "" if question.max_value is None else f"{question.max_value:g}"
    if not low and not high:
        return _("数値で入力してください。")
    return _("%(low)s〜%(high)sの数値で入力してください。") % {"low": low, "high": high}


def _check_weight(frame: pl.DataFrame, bad: _Collector) -> pl.Series:
    text = frame["weight"]
    values = text.cast(pl.Float64, strict=False)
    missing = text.is_null()
    bad.add_rows(frame, missing, "weight", _("ウェイトが空です。すべての行に正の数を入力してください。"))
    not_number = text.is_not_null() & (values.is_null() | values.is_nan() | values.is_infinite())
    bad.add_rows(
        frame,
        not_number,
        "weight",
        _("「{value}」は数値ではありません。ウェイトは正の数で入力してください。"),
    )
    bad.add_rows(
        frame,
        values.is_not_null() & ~not_number & (values <= 0),
        "weight",
        _("ウェイト「{value}」は0以下です。ウェイトは正の数で入力してください。"),
    )
    return values.alias("weight")


def _check_invitations(survey: Survey, frame: pl.DataFrame, bad: _Collector) -> pl.Series:
    codes = frame["invitation"].str.to_uppercase()
    indexed = pl.DataFrame({"code": codes}).with_row_index("i").filter(pl.col("code").is_not_null())
    first_rows = indexed.group_by("code").agg(pl.col("i").min().alias("first"))
    duplicated = indexed.join(first_rows, on="code").filter(pl.col("i") != pl.col("first"))
    for i, code, first in duplicated.head(MAX_PER_COLUMN).iter_rows():
        bad.add(
            Problem(
                i + 2,
                "invitation",
                _("招待コード「%(code)s」が重複しています（%(first)d行目と同じ）。")
                % {"code": code, "first": first + 2},
            )
        )
    bad.total += max(0, duplicated.height - MAX_PER_COLUMN)
    wanted = set(first_rows["code"].to_list())
    known = dict(Invitation.objects.filter(survey=survey, code__in=wanted).values_list("code", "used_at"))
    for i, code in indexed.select("i", "code").iter_rows():
        if code not in known:
            bad.add(
                Problem(
                    i + 2, "invitation", _("招待コード「%(code)s」はこの調査にありません。") % {"code": code}
                )
            )
        elif known[code] is not None:
            bad.add(
                Problem(
                    i + 2,
                    "invitation",
                    _("招待コード「%(code)s」はすでに回答に使われています。") % {"code": code},
                )
            )
    return codes


# ---------------------------------------------------------------- writing


JOB_KIND = "surveys.responses"


def do_queue_import(survey: Survey, upload: Any, *, actor: Actor) -> ImportJob:
    """Stage the uploaded file (its real bytes counted against ``max_bytes``) and hand it to the task
    worker (``import_job``); the same file for the same survey twice is one job."""
    name = os.path.basename(upload.name)[:200]
    staged, size = jobs.stage(upload, max_bytes=MAX_UPLOAD, suffix=Path(name).suffix.lower())
    digest = hashlib.sha256()
    with open(staged, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    with transaction.atomic():
        return jobs.queue(
            survey.platform,
            JOB_KIND,
            key=f"{JOB_KIND}:{survey.uuid}:{digest.hexdigest()}",
            target=str(survey.uuid),
            filename=name,
            staged=staged,
            size=size,
            user=actor.user,
        )


def import_job(job: ImportJob, progress: jobs.Progress) -> dict[str, int]:
    """The worker's part of ``do_queue_import``: check every cell, then store (or nothing)."""
    survey = Survey.objects.get(uuid=job.target)
    try:
        content = Path(job.staged).read_bytes()
    except OSError:
        progress.error(None, "", _("取り込むファイルが見つかりません。もう一度アップロードしてください。"))
        raise jobs.JobFailed() from None
    try:
        batch = do_import_responses(survey, content, job.filename, actor=job.created_by, progress=progress)
    except ImportRejected as rejected:
        for problem in rejected.problems:
            progress.error(problem.row, problem.column, problem.message)
        progress.error_count = max(progress.error_count, rejected.total)
        raise jobs.JobFailed() from None
    return {"rows": batch.rows}


# Rows inserted per transaction while an import is staged: the size adapts so that one
# transaction (and SQLite's write lock) lasts about STAGE_SECONDS, between the bounds.
STAGE_FIRST_ROWS = 2_000
STAGE_MIN_ROWS = 200
STAGE_MAX_ROWS = 50_000
STAGE_SECONDS = 0.4


def do_import_responses(
    survey: Survey, content: bytes, filename: str, *, actor: Any = None, progress: Any = None
) -> ImportBatch:
    """Check the whole file, then store every row as a submitted response (or nothing).

    Reading and checking take no lock (they are most of the time). The checked rows are then
    inserted in short transactions under an ``ImportBatch`` marked ``staging``, which every
    reader leaves out; one last short transaction makes the batch visible (with its invitation
    codes, the data revision and the audit entry). A failure at any step deletes the staged rows
    (in short transactions too) and the batch: nothing was ever visible. ``progress``
    (``tsunagari.lib.jobs.runner.Progress``) hears of both steps."""
    digest = hashlib.sha256(content).hexdigest()
    if ImportBatch.objects.filter(survey=survey, sha256=digest, staging=False).exists():
        raise ImportRejected([Problem(None, "", _("このファイルはすでに取り込まれています。"))])
    if progress is not None:
        progress.start("validate")
    frame = read_table(content, filename)
    checked = check_table(survey, frame)
    if progress is not None:
        progress.start("apply", frame.height)
    version = survey.fielded_version() or survey.current_version()
    batch = _open_batch(survey, digest, filename, frame.height, actor)
    try:
        meta = _insert(survey, version.pk, version.number, batch.pk, checked, progress)
        prepared = _prepare_snapshot(survey, meta, checked)
        _publish(survey, batch, checked, prepared, actor)
    except BaseException:
        discard_batch(batch.pk)
        raise
    return batch


def _open_batch(survey: Survey, digest: str, filename: str, rows: int, actor: Any) -> ImportBatch:
    """The staging batch of this file; the rows an earlier attempt left staged (its worker was
    killed) are deleted first, since the same file has one batch."""
    for old in ImportBatch.objects.filter(survey=survey, sha256=digest, staging=True).values_list(
        "pk", flat=True
    ):
        discard_batch(old)
    with transaction.atomic():
        return ImportBatch.objects.create(
            platform=survey.platform,
            survey=survey,
            filename=os.path.basename(filename)[:200],
            sha256=digest,
            rows=rows,
            staging=True,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )


def discard_batch(batch_id: int, *, chunk: int = 5_000) -> int:
    """Delete a staging batch's rows in short transactions, then the batch; the rows deleted.
    A batch that was made visible meanwhile is left alone."""
    deleted = 0
    while True:
        with transaction.atomic():
            if not ImportBatch.objects.filter(pk=batch_id, staging=True).exists():
                return deleted
            ids = list(Response.objects.filter(import_batch_id=batch_id).values_list("pk", flat=True)[:chunk])
            if not ids:
                ImportBatch.objects.filter(pk=batch_id, staging=True).delete()
                return deleted
            deleted += Response.objects.filter(pk__in=ids).delete()[0]


def discard_abandoned(cutoff: Any) -> int:
    """Staging batches begun before ``cutoff`` (their worker was killed and the job never run
    again) deleted with their rows; how many batches (``tsunagari.lib.jobs.cleanup`` runs this)."""
    with scopes_disabled():
        abandoned = list(
            ImportBatch.objects.filter(staging=True, created_at__lt=cutoff).values_list("pk", flat=True)
        )
        for batch_id in abandoned:
            discard_batch(batch_id)
    return len(abandoned)


def _publish(survey: Survey, batch: ImportBatch, checked: Checked, prepared: Any, actor: Any) -> None:
    """The one step readers notice: the staged rows become visible, all at once."""
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if ImportBatch.objects.filter(survey=survey, sha256=batch.sha256, staging=False).exists():
            raise ImportRejected([Problem(None, "", _("このファイルはすでに取り込まれています。"))])
        used = [c for c in checked.invitation.to_list() if c] if checked.invitation is not None else []
        if used and Invitation.objects.filter(survey=survey, code__in=used, used_at__isnull=False).exists():
            message = _("確認している間に招待コードが回答に使われました。もう一度取り込んでください。")
            raise ImportRejected([Problem(None, "invitation", message)])
        previous = Survey.objects.filter(pk=survey.pk).values_list("data_revision", flat=True).get()
        snapshot_current = prepared is not None and prepared[0] == previous
        ImportBatch.objects.filter(pk=batch.pk).update(staging=False)
        if used:
            Invitation.objects.filter(survey=survey, code__in=used).update(
                used_at=timezone.now(), used_mode=Mode.MAIL
            )
        bump_revision(survey)
        if snapshot_current:
            _revision, new_frame, parquet = prepared
            data.store_snapshot(survey, new_frame, previous + 1, parquet=parquet)
        log_action(
            "survey.responses_imported",
            actor=actor,
            platform=survey.platform,
            obj=survey,
            data={"file": batch.filename, "rows": batch.rows, "sha256": batch.sha256},
            label="command" if actor is None else "",
        )
    batch.staging = False


def _uuid_series(n: int) -> pl.Series:
    """n random version-4 UUIDs as 32 hex digits (accepted by SQLite's char(32) and PostgreSQL's
    uuid), sorted, so the unique index on uuid grows by appending instead of by random page splits.
    Made in numpy without a Python string per row."""
    raw = np.frombuffer(os.urandom(16 * n), dtype=np.uint8).reshape(n, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    digits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    text = np.empty((n, 32), dtype=np.uint8)
    text[:, 0::2] = digits[raw >> 4]
    text[:, 1::2] = digits[raw & 0x0F]
    return pl.Series(np.sort(text.view("S32").ravel())).cast(pl.String)


def _insert(
    survey: Survey,
    version_id: int,
    version_number: int,
    batch_id: int,
    checked: Checked,
    progress: Any = None,
) -> pl.DataFrame:
    """Insert the checked rows under the staging batch, a short transaction per slice."""
    n = checked.mode.len()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    meta = pl.DataFrame(
        {
            "response": _uuid_series(n),
            "mode": checked.mode,
            "stratum": checked.stratum
            if checked.stratum is not None
            else pl.Series([""] * n, dtype=pl.String),
            "weight": checked.weight
            if checked.weight is not None
            else pl.Series([None] * n, dtype=pl.Float64),
            "version": pl.Series([version_number] * n, dtype=pl.Int64),
        }
    )
    json_texts = checked.answers.select(pl.struct(pl.all()).struct.json_encode().alias("a"))["a"]
    offset, size = 0, STAGE_FIRST_ROWS
    while offset < n:
        started = time.monotonic()
        with transaction.atomic():
            _insert_rows(
                survey, version_id, batch_id, now, meta.slice(offset, size), json_texts.slice(offset, size)
            )
        took = time.monotonic() - started
        done = min(size, n - offset)
        offset += done
        if progress is not None:
            progress.advance(done)
        if took < STAGE_SECONDS / 3:
            size = min(STAGE_MAX_ROWS, size * 2)
        elif took > STAGE_SECONDS:
            size = max(STAGE_MIN_ROWS, size // 2)
    return meta


def _insert_rows(
    survey: Survey, version_id: int, batch_id: int, now: Any, meta: pl.DataFrame, json_texts: pl.Series
) -> None:
    n = meta.height
    table = Response._meta.db_table
    columns = (
        "platform_id, uuid, survey_id, version_id, mode, stratum, weight, answers, "
        "import_batch_id, paper_sheet, started_at, submitted_at, created_at, updated_at"
    )
    if connection.vendor == "postgresql":
        out = pl.DataFrame(
            {
                "platform_id": [survey.platform_id] * n,
                "uuid": meta["response"],
                "survey_id": [survey.pk] * n,
                "version_id": [version_id] * n,
                "mode": meta["mode"],
                "stratum": meta["stratum"],
                "weight": meta["weight"],
                "answers": json_texts,
                "import_batch_id": [batch_id] * n,
                "paper_sheet": [""] * n,
                "started_at": [str(now)] * n,
                "submitted_at": [str(now)] * n,
                "created_at": [str(now)] * n,
                "updated_at": [str(now)] * n,
            }
        )
        buffer = out.write_csv(include_header=False, null_value="\\N").encode()
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3 cursor
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')") as copy:
                copy.write(buffer)
        return
    # SQLite: values that are the same for every row are written into the statement (integers
    # from the database and our own timestamp), so only five parameters are bound per row.
    stamp = str(now).replace("'", "")
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608 (names from _meta, integers, our timestamp)
        f"({int(survey.platform_id)}, %s, {int(survey.pk)}, {int(version_id)}, %s, %s, %s, %s, "
        f"{int(batch_id)}, '', '{stamp}', '{stamp}', '{stamp}', '{stamp}')"
    )
    rows = meta.select("response", "mode", "stratum", "weight").with_columns(json_texts.alias("a")).rows()
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _prepare_snapshot(survey: Survey, meta: pl.DataFrame, checked: Checked) -> Any:
    """(revision, frame, parquet bytes) of the current snapshot extended by the imported rows,
    written before the publishing transaction (which stores it if the revision is unchanged);
    None when the snapshot is not current (the next read rebuilds it)."""
    revision = Survey.objects.filter(pk=survey.pk).values_list("data_revision", flat=True).get()
    if not _snapshot_is_current(survey, revision):
        return None
    extended = _extend_snapshot(survey, meta, checked)
    if extended is None:
        return None
    return revision, extended, data.snapshot_bytes(extended)


def _snapshot_is_current(survey: Survey, revision: int) -> bool:
    snapshot = FrameSnapshot.objects.filter(survey=survey).values_list("revision", flat=True).first()
    if snapshot is not None:
        return snapshot == revision
    # No snapshot yet: the imported rows alone are the whole frame only if nothing was stored before.
    return not Response.objects.visible().filter(survey=survey).exists()


def _extend_snapshot(survey: Survey, meta: pl.DataFrame, checked: Checked) -> pl.DataFrame | None:
    """The current Parquet snapshot with the imported rows appended (instead of re-reading the
    table), or None when the questionnaire changed since it was built."""
    schema = data.answer_schema(survey)
    new = pl.concat([meta, checked.answers], how="horizontal")
    new = new.with_columns(
        [pl.lit(None, dtype=dtype).alias(code) for code, dtype in schema.items() if code not in new.columns]
    ).select([*data.META_COLUMNS, *schema.keys()])
    new = new.with_columns([pl.col(code).cast(dtype) for code, dtype in schema.items()])
    old = FrameSnapshot.objects.filter(survey=survey).first()
    if old is not None:
        previous = pl.read_parquet(io.BytesIO(bytes(old.parquet)))
        if previous.columns != new.columns:
            return None  # questionnaire changed since: the next read rebuilds from the database
        new = pl.concat([previous, new], how="vertical")
    return new
