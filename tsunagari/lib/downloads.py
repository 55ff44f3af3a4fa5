"""File downloads: one way to answer with a file, with its name right in every browser.

``Content-Disposition`` is never written by hand. An ASCII name is sent as
``attachment; filename="name.csv"``; a Japanese name (``会員名簿-20260401.xlsx``) is sent as
RFC 6266 / RFC 5987 ``filename*=utf-8''…`` with an ASCII ``filename="…"`` fallback for old
clients, instead of raw UTF-8 or RFC 2047 ``=?utf-8?b?…?=`` that browsers show as garbage.
Quotes, backslashes and line breaks in a name cannot break the header.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath
from typing import Any, TypeVar
from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
JSON = "application/json"
SVG = "image/svg+xml"

R = TypeVar("R", HttpResponse, StreamingHttpResponse)

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _ascii_fallback(filename: str) -> str:
    """An ASCII stand-in for old clients: accents dropped, other characters as ``_``, the extension kept."""
    path = PurePosixPath(filename)
    stem = unicodedata.normalize("NFKD", path.stem).encode("ascii", "ignore").decode()
    stem = _UNSAFE.sub("_", stem).strip("._") or "download"
    suffix = _UNSAFE.sub("", path.suffix.encode("ascii", "ignore").decode())
    return stem + suffix


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """The ``Content-Disposition`` value for ``filename`` (``attachment`` unless ``inline``)."""
    kind = "inline" if inline else "attachment"
    filename = " ".join(filename.splitlines()).replace("/", "_").strip() or "download"
    if filename.isascii():
        escaped = filename.replace("\\", "\\\\").replace('"', '\\"')
        return f'{kind}; filename="{escaped}"'
    return f"{kind}; filename=\"{_ascii_fallback(filename)}\"; filename*=utf-8''{quote(filename, safe='')}"


def attachment_response(
    content: bytes | str,
    filename: str,
    content_type: str,
    *,
    inline: bool = False,
    private: bool = False,
) -> HttpResponse:
    """``content`` as a file named ``filename``; ``inline`` shows it in the browser (PDFs, images).

    ``private`` (personal data, audit logs) adds ``Cache-Control: no-store`` so no cache keeps a copy.
    """
    response = HttpResponse(content, content_type=content_type)
    return _finish(response, filename, inline=inline, private=private)


def streaming_attachment(
    chunks: Iterable[bytes | str] | Iterator[bytes | str],
    filename: str,
    content_type: str,
    *,
    private: bool = False,
) -> StreamingHttpResponse:
    """A large export written row by row (the audit log): the same headers as ``attachment_response``."""
    response = StreamingHttpResponse(chunks, content_type=content_type)
    return _finish(response, filename, inline=False, private=private)


def _finish(response: R, filename: str, *, inline: bool, private: bool) -> R:
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    if private:
        response["Cache-Control"] = "no-store"
    return response


# --- Spreadsheet cells that stay data -----------------------------------------------------------
# A value from a form (a member's name, an applicant's note) that starts with one of these is
# read as a formula by Excel and LibreOffice when a CSV is opened (=HYPERLINK(...), +cmd|...,
# @SUM(...)); OWASP's advice is to prefix it with an apostrophe. Every CSV and Excel export
# writes its cells through ``csv_writer`` / ``xlsx_value``.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value, with a leading apostrophe when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class SafeCsvWriter:
    """``csv.writer`` whose every cell goes through ``safe_cell``."""

    def __init__(self, handle: Any, **kwargs: Any) -> None:
        self._writer = csv.writer(handle, **kwargs)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(handle: Any, **kwargs: Any) -> SafeCsvWriter:
    return SafeCsvWriter(handle, **kwargs)


def xlsx_value(cell: Any, value: object) -> Any:
    """Put ``value`` into an openpyxl cell as data: text starting with = is text, not a formula."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell
