"""The outcomes dashboard (one fiscal year of the platform) and the prefecture's comparison."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from outcomes import dashboard, exports
from tsunagari.lib.downloads import CSV, XLSX, attachment_response


def _year(request: StaffRequest) -> int | None:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None


def _board(request: StaffRequest) -> dashboard.Dashboard:
    # Small counts are the secretariat's to see; a viewer sees 「5未満」.
    suppress = not request.role.is_secretariat
    return dashboard.build(request.platform, _year(request), suppress=suppress)


@require_GET
@permission_required("outcomes.view")
def dashboard_page(request: StaffRequest) -> HttpResponse:
    board = _board(request)
    context = {"board": board, "years": dashboard.years(request.platform)}
    return render(request, "outcomes/dashboard.html", context)


@require_GET
@permission_required("outcomes.view")
def dashboard_csv(request: StaffRequest) -> HttpResponse:
    board = _board(request)
    buffer = io.StringIO()
    exports.write_csv(buffer, exports.dashboard_sheets(board))
    name = _("成果ダッシュボード-%(year)s年度.csv") % {"year": board.fiscal_year}
    return attachment_response("\ufeff" + buffer.getvalue(), name, CSV)


@require_GET
@permission_required("outcomes.view")
def dashboard_xlsx(request: StaffRequest) -> HttpResponse:
    board = _board(request)
    book = Workbook()
    exports.write_xlsx(book, exports.dashboard_sheets(board))
    out = io.BytesIO()
    book.save(out)
    name = _("成果ダッシュボード-%(year)s年度.xlsx") % {"year": board.fiscal_year}
    return attachment_response(out.getvalue(), name, XLSX)


def _comparison(request: StaffRequest) -> dashboard.Comparison | None:
    if not request.platform.is_prefecture:
        return None
    year = _year(request) or request.platform.fiscal_year_of(timezone.localdate())
    found = dashboard.comparison(request.platform, year)
    found.sort(request.GET.get("sort", ""), request.GET.get("order") == "desc")
    return found


@require_GET
@permission_required("outcomes.view")
def comparison_page(request: StaffRequest) -> HttpResponse:
    found = _comparison(request)
    key = request.GET.get("map", "") or (found.columns[0].key if found and found.columns else "")
    context = {
        "comparison": found,
        "map": found.map(key) if found else None,
        "map_key": key,
        "sort": request.GET.get("sort", ""),
        "order": request.GET.get("order", ""),
        "year_label": dashboard.fiscal_year_label(found.fiscal_year) if found else "",
    }
    return render(request, "outcomes/comparison.html", context)


@require_GET
@permission_required("outcomes.view")
def comparison_csv(request: StaffRequest) -> HttpResponse:
    found = _comparison(request)
    buffer = io.StringIO()
    if found is not None:
        exports.write_csv(buffer, [exports.comparison_sheet(found)])
    return attachment_response("\ufeff" + buffer.getvalue(), _("市町村比較.csv"), CSV)
