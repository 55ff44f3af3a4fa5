"""Published results: open-data CSV of aggregates, Excel tables and the PDF report.

All three are built from an ``Analysis(published=True)``: cells under the small-cell threshold are
blank (CSV/Excel) or marked 非表示 (PDF), whole groups under it too. Unweighted counts are beside
every weighted percentage.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from surveys.reports import Analysis, QuestionResult, Variable, crosstab, lines
from surveys.stats.estimation import KIND_MEAN, EstimateTable
from tsunagari.lib import pdf
from tsunagari.lib.downloads import csv_writer, safe_cell

CSV_HEADER = [
    "question",
    "question_text",
    "group_variable",
    "group",
    "category",
    "category_label",
    "n",
    "n_group",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "unit",
    "suppressed",
]


def _rows(variable: Variable, table: EstimateTable, group: Variable | None) -> Iterator[list[Any]]:
    unit = "mean" if table.kind == KIND_MEAN else "percent"
    scale = 1 if table.kind == KIND_MEAN else 100
    for r in table.rows:
        hidden = r.suppressed
        yield [
            variable.code,
            variable.text,
            group.code if group else "",
            (group.label(r.group) if group else "") if r.group is not None else "",
            r.category or "",
            variable.label(r.category) if r.category is not None else "",
            "" if hidden else r.n,
            r.n_group if not hidden or r.n_group >= 1 else "",
            "" if hidden else round(r.estimate * scale, 4),
            "" if hidden else round(r.se * scale, 4),
            "" if hidden else round(r.ci_low * scale, 4),
            "" if hidden else round(r.ci_high * scale, 4),
            unit,
            "1" if hidden else "0",
        ]


def csv_bytes(analysis: Analysis) -> bytes:
    """Long table of every estimate, overall and by group; UTF-8 with BOM so that Excel opens it."""
    assert analysis.published
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for result in analysis.results():
        writer.writerows(_rows(result.variable, result.overall, None))
        for group, table in result.by:
            writer.writerows(_rows(result.variable, table, group))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _number(text: str) -> Any:
    try:
        return float(text)
    except ValueError:
        return text


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _safe(value: Any) -> Any:
    return safe_cell(value)


def xlsx_bytes(analysis: Analysis) -> bytes:
    """One sheet of notes, one sheet per question (overall table, then a table per group)."""
    assert analysis.published
    book = Workbook()
    notes = book.active
    notes.title = _("説明")
    bold = Font(bold=True)
    for note in _notes(analysis):
        notes.append([_safe(note)])
    notes.column_dimensions["A"].width = 110
    for index, result in enumerate(analysis.results(), start=1):
        sheet = book.create_sheet(f"{index:02d}_{result.variable.code}"[:31])
        sheet.append([_safe(result.variable.text)])
        sheet["A1"].font = bold
        sheet.append([])
        kind = result.overall.kind
        mean = kind == KIND_MEAN
        header = [
            _("区分"),
            _("回答数"),
            _("平均") if mean else _("割合（%）"),
            _("標準誤差"),
            _("95%信頼区間 下限"),
            _("上限"),
        ]
        sheet.append(header + ([_("全国（%）"), _("差（ポイント）"), _("p値")] if result.benchmark else []))
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for line in lines(result.variable, result.overall, result.comparisons, result.benchmark_shares()):
            values: list[Any] = [line.label, line.n]
            if line.hidden:
                values += [_("非表示（少数）"), None, None, None]
            else:
                values += [_round(line.value), _round(line.se_value), _round(line.low), _round(line.high)]
            if result.benchmark:
                values += [_round(line.national_value), _round(line.difference_value), _round(line.p, 4)]
            sheet.append([_safe(v) for v in values])
        for group, by_table in result.by:
            table = crosstab(analysis, result.variable, group, table=by_table)
            sheet.append([])
            sheet.append([_safe(group.by_label)])
            sheet[f"A{sheet.max_row}"].font = bold
            if table.kind == KIND_MEAN:
                sheet.append([group.short, _("回答数"), *table.headers])
            else:
                sheet.append([group.short, _("回答数"), *[f"{h}（%）" for h in table.headers]])
            for cell in sheet[sheet.max_row]:
                cell.font = bold
                cell.alignment = Alignment(wrap_text=True)
            for label, n_group, cells in table.rows:
                sheet.append(
                    [
                        _safe(label),
                        n_group,
                        *[_number(text) if not hidden else _("非表示") for text, _n, hidden in cells],
                    ]
                )
        sheet.column_dimensions["A"].width = 36
        for column in range(2, sheet.max_column + 1):
            sheet.column_dimensions[get_column_letter(column)].width = 14
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _notes(analysis: Analysis) -> list[str]:
    settings = analysis.settings
    d = analysis.weighted.diagnostics
    return [
        analysis.survey.title,
        _("回答数: %(n)d（%(scope)s）") % {"n": analysis.n, "scope": settings.get_scope_display()},
        *(
            [
                _("母集団への調整に使う設問が無回答の %(n)d件は集計から除いています。")
                % {"n": analysis.excluded}
            ]
            if analysis.excluded
            else []
        ),
        _("ウェイト: %(method)s。層: %(strata)s。")
        % {"method": settings.get_method_display(), "strata": analysis.strata_label},
        _("ウェイトの範囲 %(min)s〜%(max)s、ウェイトによる設計効果（Kish）%(deff).2f")
        % {"min": f"{d.minimum:,.2f}", "max": f"{d.maximum:,.2f}", "deff": d.kish_deff},
        _(
            "推定: 層別（各回答者を抽出単位とする）デザインに基づく推定。標準誤差はテイラー線形化、"
            "割合の95%信頼区間はロジット法、平均はt分布（自由度は層とデータから）。"
        ),
        _("全国との比較: 全国の割合の標準誤差を単純無作為抽出として近似し、独立な2標本の差のz検定（両側）。"),
        _("回答数が %(k)d 人未満のセル（と差し引きで分かってしまうセル）は非表示にしています。")
        % {"k": analysis.threshold},
        _("作成日時: %(at)s") % {"at": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
    ]


REPORT_TEMPLATE = "surveys/report_pdf.html"


def pdf_document(analysis: Analysis) -> tuple[bytes, int]:
    """The report as PDF (WeasyPrint, Noto Sans CJK JP): notes, then a chart and tables per
    question; with its number of pages. Rendered by the task worker (``surveys.services.report``)."""
    assert analysis.published
    results: list[tuple[QuestionResult, Any, list[Any], list[Any]]] = []
    for result in analysis.results():
        groups = [crosstab(analysis, result.variable, g, table=t) for g, t in result.by]
        results.append(
            (
                result,
                mark_safe(result.chart()),
                lines(result.variable, result.overall, result.comparisons, result.benchmark_shares()),
                groups,
            )  # noqa: S308
        )
    html = render_to_string(
        REPORT_TEMPLATE,
        {"analysis": analysis, "survey": analysis.survey, "notes": _notes(analysis), "results": results},
    )
    document = pdf.render(html)
    return pdf.write(document), len(document.pages)
