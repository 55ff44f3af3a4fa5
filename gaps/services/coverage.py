"""Exports of the coverage matrix (CSV and Excel, each logged as an export); the matrix itself is ``gaps.queries.coverage``."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from accounts.permissions import Actor
from audit.models import AuditEntry
from audit.services import log_action
from gaps.queries import Matrix
from platforms.models import Platform
from tsunagari.lib.downloads import csv_writer, xlsx_value


def _table(matrix: Matrix) -> list[list[object]]:
    header: list[object] = [_("分類体系"), _("分類"), *[c.label for c in matrix.columns], _("合計（窓口数）")]
    body = [[row.term.taxonomy, row.term.name, *row.counts, row.total] for row in matrix.rows]
    return [header, *body]


def _log(actor: Actor, fmt: str, matrix: Matrix, filters: dict[str, str]) -> None:
    log_action(
        AuditEntry.EXPORT,
        by=actor,
        data={"what": "coverage", "format": fmt, "rows": len(matrix.rows), "filters": filters},
    )


def filename(platform: Platform, ext: str) -> str:
    return f"coverage-{platform.slug}-{timezone.localdate():%Y%m%d}.{ext}"


def do_export_csv(matrix: Matrix, conditions: Iterable[tuple[str, str]], *, actor: Actor) -> bytes:
    """UTF-8 CSV with BOM (opens in Excel): the matrix as shown, zeros for gaps."""
    out = io.StringIO()
    writer = csv_writer(out)
    for row in _table(matrix):
        writer.writerow(row)
    _log(actor, "csv", matrix, dict(conditions))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


GAP_FILL = PatternFill("solid", fgColor="FDE2E1")


def do_export_xlsx(matrix: Matrix, conditions: Iterable[tuple[str, str]], *, actor: Actor) -> bytes:
    """Excel: the matrix (gaps filled and marked 「空白」 in a comment column) and the conditions."""
    conditions = list(conditions)
    book = Workbook()
    sheet = book.active
    sheet.title = _("ギャップ分析")
    table = _table(matrix)
    bold = Font(bold=True)
    for r, values in enumerate(table, start=1):
        for c, value in enumerate(values, start=1):
            cell = xlsx_value(sheet.cell(row=r, column=c), value)
            if r == 1:
                cell.font = bold
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    gap_columns = [i for i, col in enumerate(matrix.columns) if col.is_gap_column]
    note_col = len(table[0]) + 1
    sheet.cell(row=1, column=note_col, value=_("空白（該当する窓口がない）")).font = bold
    for r, row in enumerate(matrix.rows, start=2):
        for i in gap_columns:
            if row.counts[i] == 0:
                sheet.cell(row=r, column=3 + i).fill = GAP_FILL
        sheet.cell(row=r, column=note_col, value="、".join(c.label for c in row.gaps))
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 22
    for c in range(3, note_col):
        sheet.column_dimensions[get_column_letter(c)].width = 12
    sheet.column_dimensions[get_column_letter(note_col)].width = 40
    sheet.freeze_panes = "C2"
    info = book.create_sheet(_("条件"))
    for r, (label, value) in enumerate(conditions, start=1):
        info.cell(row=r, column=1, value=label).font = bold
        info.cell(row=r, column=2, value=value)
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 40
    out = io.BytesIO()
    book.save(out)
    _log(actor, "xlsx", matrix, dict(conditions))
    return out.getvalue()
