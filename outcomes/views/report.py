"""The annual report of a fiscal year: edit its text, print it (PDF, Word), publish its open data."""

from __future__ import annotations

import io
import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from outcomes import annual, dashboard, exports
from outcomes.forms.pages import ReportForm
from outcomes.models import AnnualReport
from outcomes.services.reports import do_save_report
from tsunagari.lib.downloads import CSV, JSON, PDF, attachment_response

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _year(request: StaffRequest) -> int:
    raw = request.GET.get("year", "") or request.POST.get("fiscal_year", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return request.platform.fiscal_year_of(timezone.localdate())


@require_http_methods(["GET", "POST"])
@permission_required("outcomes.view")
def report_page(request: StaffRequest) -> HttpResponse:
    year = _year(request)
    report = AnnualReport.objects.filter(fiscal_year=year).first()
    initial: dict[str, object] = {"fiscal_year": year}
    if report is not None:
        initial.update(foreword=report.foreword, assessment=report.assessment, next_steps=report.next_steps)
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not request.actor.can("outcomes.manage"):
            return HttpResponse(status=403)
        if form.is_valid():
            values = {k: form.cleaned_data[k] for k in ("foreword", "assessment", "next_steps")}
            do_save_report(request.platform, year, values, by=request.actor)
            messages.success(request, _("年次報告の文章を保存しました。"))
            return redirect(reverse("outcomes:report", args=[request.platform.slug]) + f"?year={year}")
    data = annual.context(request.platform, year, report)
    data.update(form=form, years=dashboard.years(request.platform), year=year)
    return render(request, "outcomes/report.html", data)


@require_GET
@permission_required("outcomes.view")
def report_pdf(request: StaffRequest) -> HttpResponse:
    year = _year(request)
    content = annual.pdf(request.platform, year, AnnualReport.objects.filter(fiscal_year=year).first())
    return attachment_response(content, _("年次報告-%(year)s年度.pdf") % {"year": year}, PDF, inline=True)


@require_GET
@permission_required("outcomes.view")
def report_docx(request: StaffRequest) -> HttpResponse:
    year = _year(request)
    content = annual.docx(request.platform, year, AnnualReport.objects.filter(fiscal_year=year).first())
    return attachment_response(content, _("年次報告-%(year)s年度.docx") % {"year": year}, DOCX)


@require_GET
@permission_required("outcomes.view")
def open_data_json(request: StaffRequest) -> HttpResponse:
    year = _year(request)
    board = dashboard.build(request.platform, year, suppress=True, only_year=True)
    content = json.dumps(exports.open_data(board), ensure_ascii=False, indent=2)
    return attachment_response(content, f"outcomes-{request.platform.code}-{year}.json", JSON)


@require_GET
@permission_required("outcomes.view")
def open_data_csv(request: StaffRequest) -> HttpResponse:
    year = _year(request)
    board = dashboard.build(request.platform, year, suppress=True, only_year=True)
    buffer = io.StringIO()
    exports.write_csv(buffer, exports.dashboard_sheets(board))
    return attachment_response(
        "\ufeff" + buffer.getvalue(), f"outcomes-{request.platform.code}-{year}.csv", CSV
    )


@require_GET
@permission_required("outcomes.view")
def open_data_schema(request: StaffRequest) -> HttpResponse:
    content = json.dumps(exports.OPEN_DATA_SCHEMA, ensure_ascii=False, indent=2)
    return attachment_response(content, "outcomes-schema.json", JSON, inline=True)
