"""Uploaded tables (CSV or Excel) read as strings, and the problems found in them by row and
column (no database): the responses import and the sampling frame read them."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import polars as pl
from django.utils.translation import gettext as _

from tsunagari.lib import sheets

MAX_REPORTED = 200
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
