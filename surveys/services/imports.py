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

import hashlib
import io
import os
import queue
import threading
import time
from pathlib import Path
from typing import Any

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
    Response,
    Survey,
)
from surveys.queries import Checked, check_table
from surveys.services.questionnaire import bump_revision
from surveys.tables import ImportRejected, Problem, read_table
from tsunagari.lib.jobs import runner as jobs
from tsunagari.lib.jobs.models import ImportJob

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
# PostgreSQL: an import of at least PARALLEL_MIN_ROWS rows is COPYed over this many connections at
# once (the server's work per row is most of the time; one core per connection).
PARALLEL_CONNECTIONS = 2
PARALLEL_MIN_ROWS = 20_000


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
    if connection.vendor == "postgresql" and n >= PARALLEL_MIN_ROWS and not connection.in_atomic_block:
        _insert_parallel(survey, version_id, batch_id, now, meta, json_texts, progress)
        return meta
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


def _insert_parallel(
    survey: Survey,
    version_id: int,
    batch_id: int,
    now: Any,
    meta: pl.DataFrame,
    json_texts: pl.Series,
    progress: Any = None,
) -> None:
    """PostgreSQL: the slices COPYed by ``PARALLEL_CONNECTIONS`` threads, each with a connection of
    its own, each slice in its own transaction (as the serial loop does: the staging batch keeps
    them invisible until ``_publish``). The server's work per row (parsing the jsonb, eight index
    entries, four deferred foreign-key checks at each commit) is most of an import's time and
    runs on one core per connection; this thread only reports the progress. The first failure
    stops the other threads after their current slice and is raised here (the caller discards the
    staged rows)."""
    n = meta.height
    claim = threading.Lock()
    done: queue.SimpleQueue[int | BaseException] = queue.SimpleQueue()
    state = {"offset": 0, "failed": False}

    def work() -> None:
        size = STAGE_FIRST_ROWS
        try:
            while True:
                with claim:
                    if state["failed"] or state["offset"] >= n:
                        return
                    offset = state["offset"]
                    state["offset"] = offset + size
                started = time.monotonic()
                with transaction.atomic():
                    _insert_rows(
                        survey,
                        version_id,
                        batch_id,
                        now,
                        meta.slice(offset, size),
                        json_texts.slice(offset, size),
                    )
                done.put(min(size, n - offset))
                took = time.monotonic() - started
                if took < STAGE_SECONDS / 3:
                    size = min(STAGE_MAX_ROWS, size * 2)
                elif took > STAGE_SECONDS:
                    size = max(STAGE_MIN_ROWS, size // 2)
        except BaseException as error:  # noqa: BLE001 (reported to the calling thread, which raises it)
            with claim:
                state["failed"] = True
            done.put(error)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=work, daemon=True) for _ in range(PARALLEL_CONNECTIONS)]
    for thread in threads:
        thread.start()
    stored, failure = 0, None
    while stored < n and failure is None:
        item = done.get()
        if isinstance(item, BaseException):
            failure = item
        else:
            stored += item
            if progress is not None:
                progress.advance(item)
    for thread in threads:
        thread.join()
    if failure is not None:
        raise failure


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
