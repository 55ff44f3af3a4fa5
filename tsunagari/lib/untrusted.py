"""Parsers for files and bodies from outside that answer a clear refusal (a ``ValueError`` with a
Japanese message) instead of a 500, and never expand what they should not.

- ``open_workbook(content)``: an .xlsx/.xlsm from an upload, for callers that want every sheet
  parsed at once (the outcomes import). Before openpyxl sees it, ``tsunagari.lib.sheets.
  check_archive`` refuses a DTD in any XML part (XXE and "billion laughs" need one; Excel never
  writes one; defusedxml's parser finds it) and an archive that unpacks too large (zip bombs).
  With defusedxml installed, openpyxl's own parser forbids entities too. The workbook is loaded whole (not read-only, which
  parses each sheet lazily while it is iterated, outside the caller's ``try``), so corrupt XML is
  refused here too. Large imports read row by row with ``tsunagari.lib.sheets`` instead.
- ``loads_json(body)``: JSON nested at most ``MAX_JSON_DEPTH`` deep (Python's parser recurses and
  a deeply nested body raised RecursionError, a 500, even with a valid signature).
"""

from __future__ import annotations

import io
import json
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from tsunagari.lib.sheets import SheetRefused, check_archive

MAX_JSON_DEPTH = 64


class UnreadableFile(ValueError):
    """The file or body is refused; ``str()`` is a Japanese message for the person."""


def check_ooxml(content: bytes) -> None:
    """Refuse an Office Open XML archive that is broken, too large unpacked or has a DTD
    (``tsunagari.lib.sheets.check_archive``, whose limits every spreadsheet upload shares)."""
    try:
        check_archive(content)
    except SheetRefused as refused:
        raise UnreadableFile(str(refused)) from refused


def open_workbook(content: bytes, *, data_only: bool = True) -> Workbook:
    """The workbook of an uploaded .xlsx, every sheet parsed; ``UnreadableFile`` otherwise."""
    check_ooxml(content)
    try:
        return load_workbook(io.BytesIO(content), read_only=False, data_only=data_only)
    except Exception as exc:  # noqa: BLE001 - openpyxl/lxml/expat raise many kinds for a broken part
        raise UnreadableFile(
            _("Excel（.xlsx）ファイルとして読めません（%(kind)s）。") % {"kind": type(exc).__name__}
        ) from exc


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in a JSON text (strings skipped)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def loads_json(body: bytes | str, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` that refuses (``UnreadableFile``) bodies nested deeper than ``max_depth`` and
    anything the parser cannot take, instead of raising RecursionError."""
    try:
        text = body.decode(json.detect_encoding(body)) if isinstance(body, bytes) else body
    except (UnicodeDecodeError, LookupError) as exc:
        raise UnreadableFile(_("JSON の文字コードが読めません。")) from exc
    if json_depth(text) > max_depth:
        raise UnreadableFile(_("JSON の入れ子が深すぎます（%(max)d 段まで）。") % {"max": max_depth})
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise UnreadableFile(_("JSON として読めません: %(error)s") % {"error": exc}) from exc
