"""Reading an agency's per-medium sheet (CSV or Excel) into checked figures, or refusing it whole.

The header row is found by its words (表示回数/Impressions, クリック/Click, クリック率/CTR,
クリック単価/CPC, 費用/Cost, 媒体); a second header row (Ise's English one), empty rows and
merged cells are skipped; ¥, commas, 円, % and full-width digits are read; a totals row
(合計/計/総計) becomes the stated total. Anything else not a number is refused, naming the cell.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl.utils import get_column_letter

from outcomes.metrics import Figures, StatedTotal, clean_number_text, parse_stated
from tsunagari.lib.untrusted import UnreadableFile, open_workbook

COLUMNS = {
    "ctr": ("クリック率", "ctr"),
    "cpc": ("クリック単価", "cpc", "単価"),
    "impressions": ("表示回数", "impressions", "インプレッション", "imp"),
    "clicks": ("クリック", "click", "clicks"),
    "cost": ("費用", "cost", "金額"),
    "name": ("広告媒体", "媒体", "medium", "media"),
}
TOTAL_NAMES = ("合計", "計", "総計", "total")
MAX_ROWS = 500


@dataclass
class Sheet:
    rows: list[Figures]
    total: StatedTotal | None


def _norm(value: object) -> str:
    return unicodedata.normalize("NFKC", "" if value is None else str(value)).strip().lower()


def header_columns(
    cells: list[object],
    columns: Mapping[str, Sequence[str]],
    needed: set[str],
    norm: Callable[[object], str],
) -> dict[str, int] | None:
    """Where each of ``columns`` stands in the row ``cells``: the first cell holding one of its
    words (keys tried in order, so a longer word listed first wins); None when a ``needed``
    column is missing (not a header row)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        text = norm(cell)
        if not text:
            continue
        for key, words in columns.items():
            if key not in found and any(w in text for w in words):
                found[key] = index
                break
    return found if needed <= set(found) else None


def find_header(
    table: list[list[object]], header: Callable[[list[object]], dict[str, int] | None], missing: str
) -> tuple[int, dict[str, int]]:
    """The first row ``header`` recognises (its number, from 1) and its columns; else
    ValidationError(missing)."""
    for number, cells in enumerate(table, start=1):
        columns = header(cells)
        if columns is not None:
            return number, columns
    raise ValidationError(missing)


def _header(cells: list[object]) -> dict[str, int] | None:
    # COLUMNS is ordered: クリック率 before クリック
    return header_columns(cells, COLUMNS, {"impressions", "clicks", "cost"}, _norm)


def cell_name(row: int, column: int) -> str:
    """A cell's name as the spreadsheet shows it (column from 0, row from 1): ``B3``."""
    return f"{get_column_letter(column + 1)}{row}"


def _integer(value: object, where: str, what: str) -> int:
    if isinstance(value, bool):
        raise ValidationError(_("%(cell)s（%(what)s）が数値ではありません。") % {"cell": where, "what": what})
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if value != int(value):
            raise ValidationError(
                _("%(cell)s（%(what)s）が整数ではありません: %(value)s")
                % {"cell": where, "what": what, "value": value}
            )
        number = int(value)
    else:
        text = clean_number_text(str(value or ""))
        if not text.isdigit():
            raise ValidationError(
                _("%(cell)s（%(what)s）が数値として読めません: 「%(value)s」")
                % {"cell": where, "what": what, "value": value}
            )
        number = int(text)
    if number < 0:
        raise ValidationError(_("%(cell)s（%(what)s）が負の数です。") % {"cell": where, "what": what})
    return number


def _stated(value: object, where: str, what: str, *, percent: bool) -> str:
    if value is None or _norm(value) == "":
        return ""
    if isinstance(value, (int, float)) and percent:
        return f"{value * 100:.2f}%" if value < 1 else f"{value}%"
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if parse_stated(text, percent=percent) is None:
        raise ValidationError(
            _("%(cell)s（%(what)s）が数値として読めません: 「%(value)s」")
            % {"cell": where, "what": what, "value": value}
        )
    return text if not isinstance(value, (int, float)) else f"¥{value}"


def _number(cells: list[object], row: int, columns: dict[str, int], key: str, label: str) -> int:
    return _integer(cells[columns[key]], cell_name(row, columns[key]), label)


def _stated_at(
    cells: list[object], row: int, columns: dict[str, int], key: str, label: str, *, percent: bool
) -> str:
    if key not in columns:
        return ""
    return _stated(cells[columns[key]], cell_name(row, columns[key]), label, percent=percent)


def parse_rows(table: list[list[object]]) -> Sheet:
    """``table`` as rows of cells (row 1 first); raises ValidationError naming the first bad cell."""
    header_at, columns = find_header(
        table, _header, _("見出し行（表示回数・クリック・費用）が見つかりません。")
    )
    name_col = columns.get("name", 0)
    rows: list[Figures] = []
    total: StatedTotal | None = None
    seen: set[str] = set()
    for number, cells in enumerate(table[header_at:], start=header_at + 1):
        if number - header_at > MAX_ROWS:
            raise ValidationError(_("行が多すぎます（%(max)s行まで）。") % {"max": MAX_ROWS})
        cells = list(cells) + [None] * (max(columns.values()) + 1 - len(cells))
        values = [cells[i] for i in columns.values()]
        if all(_norm(v) == "" for v in values) and _norm(cells[name_col]) == "":
            continue  # an empty row in the middle
        if _header(cells) is not None or _norm(cells[columns["impressions"]]) in COLUMNS["impressions"]:
            continue  # a second header row (Ise's English one)
        name = unicodedata.normalize("NFKC", str(cells[name_col] or "")).strip()

        figures = (
            _number(cells, number, columns, "impressions", _("表示回数")),
            _number(cells, number, columns, "clicks", _("クリック")),
            _number(cells, number, columns, "cost", pgettext("money spent", "費用")),
        )
        ctr = _stated_at(cells, number, columns, "ctr", _("クリック率"), percent=True)
        cpc = _stated_at(cells, number, columns, "cpc", _("クリック単価"), percent=False)
        if _norm(name) in TOTAL_NAMES:
            total = StatedTotal(*figures, ctr=ctr, cpc=cpc)
            continue
        if not name:
            raise ValidationError(_("%(cell)s: 媒体名が空です。") % {"cell": cell_name(number, name_col)})
        if name in seen:
            raise ValidationError(
                _("%(cell)s: 媒体「%(name)s」が二度あります。")
                % {"cell": cell_name(number, name_col), "name": name}
            )
        seen.add(name)
        rows.append(Figures(name, *figures, stated_ctr=ctr, stated_cpc=cpc))
    if not rows:
        raise ValidationError(_("媒体の行がありません。"))
    return Sheet(rows, total)


def read_table(content: bytes, filename: str) -> list[list[object]]:
    """The cells of a CSV (UTF-8 with or without BOM, or Shift_JIS) or of an .xlsx's first sheet."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        try:
            book = open_workbook(content)
        except UnreadableFile as exc:  # broken, a DTD, a zip bomb (tsunagari.lib.untrusted)
            raise ValidationError(str(exc)) from exc
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(_("CSV の文字コードが読めません（UTF-8 か Shift_JIS にしてください）。"))
    dialect = "excel-tab" if text.count("\t") > text.count(",") else "excel"
    return [list(row) for row in csv.reader(io.StringIO(text), dialect=dialect)]


def parse_file(content: bytes, filename: str) -> Sheet:
    return parse_rows(read_table(content, filename))
