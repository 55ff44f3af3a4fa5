"""棚卸し・ギャップ分析: the coverage matrix (services by category × target, age or area) and its exports."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.http import PlatformRequest, StaffRequest
from accounts.permissions import permission_required
from gaps import queries
from gaps.forms.coverage import CoverageForm
from gaps.services import coverage
from tsunagari.lib.downloads import CSV, XLSX, attachment_response

CONTENT_TYPES = {"csv": CSV, "xlsx": XLSX}


@require_GET
@permission_required("gaps.view_analysis")
def coverage_matrix(request: StaffRequest) -> HttpResponse:
    platform = request.platform
    form = CoverageForm(request.GET, platform=platform)
    options = form.options()
    matrix = queries.coverage(platform, options)
    query = request.GET.copy()
    cell = queries.cell_services(matrix, query.pop("cell", [""])[-1])
    context = {"form": form, "options": options, "matrix": matrix, "query": query.urlencode(), "cell": cell}
    return render(request, "gaps/coverage.html", context)


def _coverage_export(request: PlatformRequest, fmt: str) -> HttpResponse:
    platform = request.platform
    form = CoverageForm(request.GET, platform=platform)
    matrix = queries.coverage(platform, form.options())
    export = coverage.do_export_csv if fmt == "csv" else coverage.do_export_xlsx
    content = export(matrix, form.conditions(), actor=request.actor)
    return attachment_response(content, coverage.filename(platform, fmt), CONTENT_TYPES[fmt])


@require_GET
@permission_required("gaps.view_analysis")
def coverage_csv(request: StaffRequest) -> HttpResponse:
    return _coverage_export(request, "csv")


@require_GET
@permission_required("gaps.view_analysis")
def coverage_xlsx(request: StaffRequest) -> HttpResponse:
    return _coverage_export(request, "xlsx")
