"""Reading uploaded Excel workbooks (.xlsx) by their data, never by what they declare.

A sheet states its own size (``<dimension ref="A1:XFD1048576">``, as Excel writes when whole
columns are formatted) and may hold an empty formatted row far below its data (row 1,048,576).
openpyxl believes both: every row comes padded to 16,384 cells and a million empty rows are
produced before the end — a 7 KB upload that keeps a worker (and the database's write lock)
busy for a minute. ``open_workbook`` checks the archive first (the unpacked size of every part,
cheaply from the zip directory; a part larger than its entry says fails its CRC and is refused
as unreadable), then forgets every sheet's declared dimension; ``data_rows`` yields the rows up
to the last one that holds a value, without trailing empty cells, and refuses a value beyond
the stated row limit with a message that says so.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import iterparse as defused_iterparse
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

# The unpacked size of a whole workbook. 100,000 rows of 30 short columns unpack to ~60 MB.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
# How much larger than the upload its unpacked parts may be (sheets compress ~10-20x; a
# "zip bomb" compresses a thousand times and more).
MAX_RATIO = 200


class SheetRefused(ValueError):
    """The file cannot be read as a workbook within the limits; the message says why, in Japanese."""


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f}"


def _has_dtd(stream: IO[bytes]) -> bool:
    """Whether an XML part declares a DTD, read up to its root element only (a DTD must come before
    it) by defusedxml's parser, which refuses DTDs and entities in any encoding Excel could use."""
    try:
        for _event, _element in defused_iterparse(stream, events=("start",), forbid_dtd=True):
            return False
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
        return True
    return False


def refuse_dtd(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a workbook with a DTD in any XML part (issue 16): XXE and "billion laughs" need one
    and Excel never writes one. Each part is parsed by defusedxml up to its root element, so a
    large sheet costs one read of its first bytes. Parts larger than 64 MB are skipped
    (``check_archive`` runs this after its size checks)."""
    for info in infos:
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")) or info.file_size > 64 * 1024 * 1024:
            continue
        try:
            with archive.open(info) as stream:
                found = _has_dtd(stream)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, ParseError):
            raise SheetRefused(
                _("Excelファイル（.xlsx）として読めません（一部 %(part)s が壊れています）。")
                % {"part": info.filename}
            ) from None
        if found:
            raise SheetRefused(
                _(
                    "Excel ファイルの一部（%(part)s）に DTD（文書型宣言）が含まれています。"
                    "Excel で開いて保存しなおしたファイルを使ってください。"
                )
                % {"part": info.filename}
            )


Source = bytes | str | os.PathLike[str]


def _opened(source: Source) -> Any:
    """What zipfile and openpyxl read: the bytes in memory, or the staged file itself (read
    from disk as it is parsed, never loaded whole)."""
    return io.BytesIO(source) if isinstance(source, bytes) else os.fspath(source)


def _size(source: Source) -> int:
    return len(source) if isinstance(source, bytes) else os.path.getsize(source)


def check_archive(content: Source, *, max_unpacked: int = MAX_UNPACKED_BYTES) -> None:
    """Refuse an archive whose parts unpack beyond the limits, reading only its directory."""
    try:
        archive = zipfile.ZipFile(_opened(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SheetRefused(_("Excelファイル（.xlsx）として読めません。")) from None
    unpacked = sum(info.file_size for info in infos)
    if unpacked > max_unpacked:
        raise SheetRefused(
            _(
                "このファイルは展開すると %(size)s MB になり、上限の %(limit)s MB を超えます。"
                "シートを分けるか、値のない行・列の書式を消してから保存し直してください。"
            )
            % {"size": _megabytes(unpacked), "limit": _megabytes(max_unpacked)}
        )
    packed = _size(content)
    if unpacked > max(packed, 1) * MAX_RATIO and unpacked > 16 * 1024 * 1024:
        raise SheetRefused(
            _(
                "このファイルは大きさ %(packed)s MB に対して展開後が %(size)s MB と不自然に大きく、"
                "読み込めません。Excelで開いて保存し直してください。"
            )
            % {"packed": _megabytes(packed), "size": _megabytes(unpacked)}
        )
    try:
        refuse_dtd(archive, infos)  # after the size checks: it reads the XML parts
    finally:
        archive.close()


def open_workbook(content: Source, *, max_unpacked: int = MAX_UNPACKED_BYTES) -> Workbook:
    """The workbook read-only with values (not formulas), every sheet's declared size forgotten.

    ``content`` is the file's bytes or the path of a staged file (read streamed from disk).

    Raises ``SheetRefused`` (with a Japanese message) for what is not a workbook or too large.
    Close it with ``workbook.close()``.
    """
    check_archive(content, max_unpacked=max_unpacked)
    try:
        book = load_workbook(_opened(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 (openpyxl raises many kinds for a non-workbook)
        raise SheetRefused(_("Excelファイル（.xlsx）として読めません。")) from None
    for sheet in book.worksheets:
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # read by the data, not by <dimension ref=...>
    return book


def _trimmed(row: tuple[Any, ...]) -> tuple[Any, ...]:
    end = len(row)
    while end and (row[end - 1] is None or row[end - 1] == ""):
        end -= 1
    return row[:end]


def data_rows(sheet: Any, *, max_rows: int) -> Iterator[tuple[Any, ...]]:
    """Each row of ``sheet`` from row 1 to the last row holding a value, trailing empty cells
    dropped (an empty row is ``()``). A value below row ``max_rows`` raises ``SheetRefused``.

    A file is read and checked only as far as it holds data: empty formatted rows below the
    data, however far down they are declared, cost nothing but their parsing.
    """
    empty = 0
    try:
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            values = _trimmed(row)
            if not values:
                empty += 1
                continue
            if number > max_rows:
                raise SheetRefused(
                    _(
                        "シート「%(sheet)s」の %(row)s 行目に値があります。読み込めるのは %(limit)s 行までです。"
                        "ファイルを分けてください。"
                    )
                    % {"sheet": sheet.title, "row": f"{number:,}", "limit": f"{max_rows:,}"}
                )
            for _i in range(empty):
                yield ()
            empty = 0
            yield values
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, SyntaxError) as error:
        # A part larger than its zip entry says fails its CRC check here, in the middle.
        raise SheetRefused(
            _("Excelファイル（.xlsx）として読めません（壊れているか、書かれた大きさと中身が違います）。")
        ) from error
