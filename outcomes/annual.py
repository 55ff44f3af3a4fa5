"""The annual report (年次報告) of one fiscal year: the secretariat's text around the year's figures.

Drafted from the dashboard of that year (figures, KPIs, projects with cost per outcome, campaigns,
the survey's loneliness share), printed as an A4 PDF (``tsunagari.lib.pdf``, charts as SVG) and as
Word (.docx, tables) for the secretariat to finish. Dates in 和暦 (令和8年度, 令和8年4月1日).
"""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from docx import Document
from docx.shared import Pt

from outcomes import dashboard, exports
from outcomes.dashboard import Dashboard
from outcomes.models import AnnualReport
from platforms.models import Platform
from tsunagari.lib.jpcalendar import wareki_date
from tsunagari.lib.pdf import template_to_pdf


def _day(day: datetime.date) -> str:
    """令和8年4月1日 on a Japanese page; 1 April 2026 on an English one."""
    if (translation.get_language() or "ja").startswith("ja"):
        return wareki_date(day)
    return formats.date_format(day, "j F Y")


def context(platform: Platform, year: int, report: AnnualReport | None) -> dict[str, Any]:
    board = dashboard.build(platform, year, suppress=True, only_year=True)
    return {
        "platform": platform,
        "board": board,
        "report": report,
        "year_label": board.label,
        "period": _("%(start)s〜%(end)s") % {"start": _day(board.start), "end": _day(board.end)},
        "issued": _day(timezone.localdate()),
        "sheets": exports.dashboard_sheets(board),
    }


def pdf(platform: Platform, year: int, report: AnnualReport | None) -> bytes:
    return template_to_pdf("outcomes/print/annual.html", context(platform, year, report))


def _table(document: Any, header: list[str], rows: list[list[object]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, header, strict=True):
        cell.text = str(title)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def docx(platform: Platform, year: int, report: AnnualReport | None) -> bytes:
    data = context(platform, year, report)
    board: Dashboard = data["board"]
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Noto Sans CJK JP"
    style.font.size = Pt(10.5)
    document.add_heading(f"{platform.name} {board.label} {_('年次報告')}", level=1)
    document.add_paragraph(
        _("対象期間: %(period)s　発行: %(issued)s") % {"period": data["period"], "issued": data["issued"]}
    )
    for title, text in (
        (_("はじめに"), report.foreword if report else ""),
        (_("効果検証のまとめ"), report.assessment if report else ""),
    ):
        document.add_heading(title, level=2)
        for line in (text or _("（未記入）")).split("\n"):
            document.add_paragraph(line)
    for sheet in data["sheets"]:
        document.add_heading(sheet.title, level=2)
        _table(document, sheet.header, sheet.rows)
    document.add_heading(_("次年度に向けて"), level=2)
    for line in ((report.next_steps if report else "") or _("（未記入）")).split("\n"):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
