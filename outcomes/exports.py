"""The dashboard's and the comparison's tables as CSV and Excel, and the annual open data.

Every cell goes through ``tsunagari.lib.downloads`` (``csv_writer`` / ``xlsx_value``): a project
name starting with ``=`` stays text. Suppressed counts are written as 「5未満」, never the number.
The open data (``open_data``) is the aggregates only, with a JSON Schema (``OPEN_DATA_SCHEMA``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from outcomes import metrics
from outcomes.dashboard import HIDDEN, Comparison, Dashboard
from tsunagari.lib.downloads import csv_writer, xlsx_value


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: list[list[object]]


def _n(value: Decimal | int | None) -> object:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else float(value)
    return value


def dashboard_sheets(board: Dashboard) -> list[Sheet]:
    figures = Sheet(
        _("主な数字"),
        [_("指標"), _("前年度"), _("今年度"), _("単位")],
        [
            [
                str(r.source.label),
                r.previous_text if r.previous_text in ("-", str(HIDDEN)) else _n(r.previous),
                r.current_text if r.hidden or r.current is None else _n(r.current),
                str(r.source.unit),
            ]
            for r in board.figures
        ],
    )
    kpis = Sheet(
        "KPI",
        [
            pgettext("column", "実証事業"),
            _("段階"),
            _("指標"),
            _("測り方"),
            _("目標値"),
            _("最新の測定値"),
            _("測定日"),
            _("達成率（%）"),
        ],
        [
            [
                line.kpi.project.name,
                str(line.kpi.get_stage_display()),
                line.kpi.name,
                line.kpi.source_label,
                _n(line.kpi.target),
                _n(line.latest.value) if line.latest else "",
                line.latest.measured_on.isoformat() if line.latest else "",
                _n(line.progress),
            ]
            for line in board.kpis
        ],
    )
    projects = Sheet(
        _("実証事業"),
        [
            _("事業名称"),
            _("年度"),
            _("発注先"),
            _("予算（円）"),
            _("実費（円）"),
            _("成果指標"),
            _("成果の値"),
            _("成果1あたりの費用（円）"),
        ],
        [
            [
                p.project.name,
                str(p.project.fiscal_year),
                p.project.contractor,
                _n(p.project.budget),
                p.cost,
                p.outcome.name if p.outcome else "",
                _n(p.outcome_value),
                _n(p.cost_per_outcome),
            ]
            for p in board.projects
        ]
        + [[_("計"), "", "", "", board.project_cost, "", "", ""]],
    )
    campaigns = Sheet(
        _("広報キャンペーン"),
        [
            _("キャンペーン"),
            _("媒体"),
            _("表示回数"),
            _("クリック"),
            _("クリック率"),
            _("クリック単価（円）"),
            _("費用（円）"),
            _("初回相談"),
            _("初回相談1人あたりの費用（円）"),
            _("報告値との食い違い"),
        ],
        [],
    )
    for line in board.campaigns:
        for medium in line.media:
            campaigns.rows.append(
                [
                    line.campaign.name,
                    medium.name,
                    "",
                    medium.clicks,
                    "",
                    "",
                    medium.cost,
                    _n(medium.first_contacts),
                    _n(medium.cost_per_first_contact),
                    "",
                ]
            )
        t = line.total
        campaigns.rows.append(
            [
                line.campaign.name,
                _("合計"),
                t.impressions,
                t.clicks,
                metrics.percent(t.ctr),
                _n(t.cpc.quantize(Decimal(1)) if t.cpc is not None else None),
                t.cost,
                _n(line.first_contacts),
                "",
                line.flags,
            ]
        )
    sheets = [figures, kpis, projects, campaigns]
    if board.loneliness is not None:
        found = board.loneliness
        sheets.append(
            Sheet(
                _("住民調査"),
                [
                    pgettext("column", "調査"),
                    _("回答数"),
                    _("割合（%）"),
                    _("95%信頼区間 下限"),
                    _("上限"),
                    _("全国（%）"),
                ],
                [
                    [
                        found.survey.title,
                        found.n,
                        round(found.share * 100, 1),
                        round(found.ci_low * 100, 1),
                        round(found.ci_high * 100, 1),
                        round(found.national * 100, 1) if found.national is not None else "",
                    ]
                ],
            )
        )
    return sheets


def comparison_sheet(found: Comparison) -> Sheet:
    return Sheet(
        _("市町村比較"),
        [_("団体コード"), _("プラットフォーム")]
        + [_("%(label)s（%(unit)s）") % {"label": s.label, "unit": s.unit} for s in found.columns],
        [[r.platform.code, r.platform.name, *[text for _v, text in r.values]] for r in found.rows],
    )


def write_csv(handle: Any, sheets: list[Sheet]) -> None:
    writer = csv_writer(handle)
    for index, sheet in enumerate(sheets):
        if index:
            writer.writerow([])
        writer.writerow([f"# {sheet.title}"])
        writer.writerow(sheet.header)
        writer.writerows(sheet.rows)


def write_xlsx(book: Any, sheets: list[Sheet]) -> None:
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(sheet.title[:31])
        for col, title in enumerate(sheet.header, start=1):
            xlsx_value(ws.cell(row=1, column=col), title)
        for r, row in enumerate(sheet.rows, start=2):
            for col, value in enumerate(row, start=1):
                xlsx_value(ws.cell(row=r, column=col), value)


# --- open data ------------------------------------------------------------------------------------

OPEN_DATA_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "tsunagari outcomes open data (one platform, one fiscal year)",
    "type": "object",
    "required": ["platform", "municipality_code", "fiscal_year", "figures", "projects", "campaigns"],
    "properties": {
        "platform": {"type": "string"},
        "municipality_code": {
            "type": "string",
            "pattern": "^[0-9]{6}$",
            "description": "全国地方公共団体コード",
        },
        "fiscal_year": {"type": "integer", "description": "西暦の年度（4月始まり）"},
        "fiscal_year_wareki": {"type": "string"},
        "figures": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key", "label", "unit", "value"],
                "properties": {
                    "key": {"type": "string"},
                    "label": {"type": "string"},
                    "unit": {"type": "string"},
                    "value": {
                        "type": ["number", "null"],
                        "description": "null: 5未満のため非公表、または測定できない",
                    },
                    "suppressed": {"type": "boolean"},
                },
            },
        },
        "projects": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "fiscal_year", "cost_yen"],
                "properties": {
                    "name": {"type": "string"},
                    "fiscal_year": {"type": "integer"},
                    "contractor": {"type": "string"},
                    "budget_yen": {"type": ["integer", "null"]},
                    "cost_yen": {"type": "integer"},
                    "kpis": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "name": {"type": "string"},
                                "stage": {
                                    "type": "string",
                                    "enum": ["input", "activity", "output", "outcome"],
                                },
                                "unit": {"type": "string"},
                                "target": {"type": ["number", "null"]},
                                "latest": {"type": ["number", "null"]},
                                "measured_on": {"type": ["string", "null"], "format": "date"},
                            },
                        },
                    },
                },
            },
        },
        "campaigns": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "impressions", "clicks", "cost_yen"],
                "properties": {
                    "name": {"type": "string"},
                    "impressions": {"type": "integer"},
                    "clicks": {"type": "integer"},
                    "cost_yen": {"type": "integer"},
                    "ctr": {"type": ["number", "null"], "description": "クリック÷表示回数（割合）"},
                    "cpc_yen": {"type": ["number", "null"]},
                },
            },
        },
    },
}


def open_data(board: Dashboard) -> dict[str, Any]:
    """The year's aggregates (suppressed counts as null): what the annual report publishes."""

    def num(value: Decimal | None) -> float | int | None:
        out = _n(value)
        return None if out == "" else out  # type: ignore[return-value]

    kpis_by_project: dict[int, list[dict[str, Any]]] = {}
    for line in board.kpis:
        kpis_by_project.setdefault(line.kpi.project_id, []).append(
            {
                "name": line.kpi.name,
                "stage": line.kpi.stage,
                "unit": line.kpi.unit,
                "target": num(line.kpi.target),
                "latest": num(line.latest.value) if line.latest else None,
                "measured_on": line.latest.measured_on.isoformat() if line.latest else None,
            }
        )
    return {
        "platform": board.platform.name,
        "municipality_code": board.platform.code,
        "fiscal_year": board.fiscal_year,
        "fiscal_year_wareki": board.label,
        "figures": [
            {
                "key": r.source.key,
                "label": str(r.source.label),
                "unit": str(r.source.unit),
                "value": None if r.hidden else num(r.current),
                "suppressed": r.hidden,
            }
            for r in board.figures
        ],
        "projects": [
            {
                "name": p.project.name,
                "fiscal_year": p.project.fiscal_year,
                "contractor": p.project.contractor,
                "budget_yen": p.project.budget,
                "cost_yen": p.cost,
                "kpis": kpis_by_project.get(p.project.pk, []),
            }
            for p in board.projects
            if p.project.fiscal_year == board.fiscal_year
        ],
        "campaigns": [
            {
                "name": c.campaign.name,
                "impressions": c.total.impressions,
                "clicks": c.total.clicks,
                "cost_yen": c.total.cost,
                "ctr": float(round(c.total.ctr, 6)) if c.total.ctr is not None else None,
                "cpc_yen": float(round(c.total.cpc, 2)) if c.total.cpc is not None else None,
            }
            for c in board.campaigns
        ],
    }
