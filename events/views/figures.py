"""Event figures by period (年度 by default): per event and in total, on a page and as CSV."""

from __future__ import annotations

import datetime

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from events.forms.events import PeriodForm
from events.queries import PeriodFigures, fiscal_year_of, period_figures
from tsunagari.lib.downloads import CSV, attachment_response, csv_writer


def _period(request: StaffRequest) -> tuple[PeriodForm, datetime.date, datetime.date]:
    start, end = fiscal_year_of(timezone.localdate())
    form = PeriodForm(request.GET or None, initial={"start": start, "end": end})
    if request.GET and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return form, start, end


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


@require_GET
@permission_required("events.view_results")
def figures_page(request: StaffRequest) -> HttpResponse:
    form, start, end = _period(request)
    figures = period_figures(start, end)
    return render(request, "events/staff/figures.html", {"form": form, "figures": figures})


COLUMNS = [
    "開催日",
    "イベント名",
    "定員",
    "申込",
    "参加確定",
    "キャンセル待ち",
    "取消",
    "来場",
    "当日参加",
    "参加率",
    "アンケート回答",
    "満足・やや満足",
    "満足度",
]


def _rows(figures: PeriodFigures) -> list[list[object]]:
    rows: list[list[object]] = []
    for line in figures.events:
        event = line.event
        rows.append(
            [
                timezone.localtime(event.starts_at).strftime("%Y-%m-%d"),
                event.title,
                event.capacity_venue + event.capacity_online,
                line.registered,
                line.confirmed,
                line.waiting,
                line.cancelled,
                line.attended,
                line.walk_ins,
                _rate(line.attendance_rate),
                line.answers,
                line.satisfied,
                _rate(line.satisfaction_rate),
            ]
        )
    names = ("registered", "confirmed", "waiting", "cancelled", "attended", "walk_ins")
    total: list[object] = ["", _("合計（%(n)d件）") % {"n": len(figures.events)}, ""]
    rows.append(
        total
        + [figures.total(n) for n in names]
        + [
            _rate(figures.attendance_rate),
            figures.total("answers"),
            figures.total("satisfied"),
            _rate(figures.satisfaction_rate),
        ]
    )
    return rows


@require_GET
@permission_required("events.view_results")
def figures_csv(request: StaffRequest) -> HttpResponse:
    _form, start, end = _period(request)
    response = attachment_response("\ufeff", f"イベント実績_{start:%Y%m%d}-{end:%Y%m%d}.csv", CSV)
    writer = csv_writer(response)
    writer.writerow(COLUMNS)
    writer.writerows(_rows(period_figures(start, end)))
    return response
