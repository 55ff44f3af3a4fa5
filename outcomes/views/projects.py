"""Trial projects (実証事業): the list with actual costs, a project with its costs and KPIs."""

from __future__ import annotations

import io
from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from openpyxl import Workbook

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from outcomes import queries
from outcomes.forms.pages import CostForm, KpiForm, MeasurementForm, ProjectForm, ProjectImportForm
from outcomes.models import CostLine, Kpi, TrialProject
from outcomes.project_import import parse_file as parse_projects
from outcomes.services import projects as service
from outcomes.views.editing import take_undo
from tsunagari.lib.downloads import CSV, XLSX, attachment_response, csv_writer, xlsx_value
from tsunagari.lib.views import attempt


@require_GET
@permission_required("outcomes.view")
def project_list(request: StaffRequest) -> HttpResponse:
    rows, total = queries.projects()
    return render(
        request, "outcomes/projects.html", {"rows": rows, "total": total, "undo": take_undo(request)}
    )


@require_GET
@permission_required("outcomes.view")
def projects_csv(request: StaffRequest) -> HttpResponse:
    rows, total = queries.projects()
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(["事業名称", "年度", "実施時期", "発注先", "予算（円）", "実費（円）", "実施後の反響"])
    for row in rows:
        p = row.project
        writer.writerow(
            [p.name, p.fiscal_year, p.period, p.contractor, p.budget or "", row.cost, p.reactions]
        )
    writer.writerow(["計", "", "", "", "", total, ""])
    return attachment_response("\ufeff" + buffer.getvalue(), "実証事業.csv", CSV)


@require_http_methods(["GET", "POST"])
@permission_required("outcomes.manage")
def project_new(request: StaffRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        project = service.do_save_project(request.platform, None, form.cleaned_data, by=request.actor)
        return redirect("outcomes:project", request.platform.slug, project.uuid)
    return render(request, "outcomes/project_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@permission_required("outcomes.view")
def project_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    project = get_object_or_404(TrialProject, uuid=uuid)
    action = request.POST.get("action", "")
    cost_form = CostForm(request.POST if action == "cost" else None, prefix="cost")
    kpi_form = KpiForm(request.POST if action == "kpi" else None, prefix="kpi", platform=request.platform)
    measure_form = MeasurementForm(request.POST if action == "measure" else None, prefix="m")
    if request.method == "POST":
        if not request.actor.can("outcomes.manage"):
            return HttpResponse(status=403)
        done = False
        if action == "cost" and cost_form.is_valid():
            d = cost_form.cleaned_data
            done = attempt(
                request,
                lambda: service.do_add_cost(project, **d, by=request.actor),
                _("費用を追加しました。"),
            )
        elif action == "kpi" and kpi_form.is_valid():
            d = kpi_form.cleaned_data
            done = attempt(
                request, lambda: service.do_add_kpi(project, d, by=request.actor), _("KPI を追加しました。")
            )
        elif action == "measure" and measure_form.is_valid():
            kpi = get_object_or_404(Kpi, uuid=request.POST.get("kpi"), project=project)
            d = measure_form.cleaned_data
            done = attempt(
                request,
                lambda: service.do_record_measurement(kpi, **d, by=request.actor),
                _("測定値を記録しました。"),
            )
        if done:
            return redirect("outcomes:project", request.platform.slug, project.uuid)
    context = {
        "project": project,
        "costs": project.costs.all(),
        "cost": queries.actual_cost(project),
        "kpis": queries.kpis(project),
        "cost_form": cost_form,
        "kpi_form": kpi_form,
        "measure_form": measure_form,
        "undo": take_undo(request),
    }
    return render(request, "outcomes/project.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("outcomes.manage")
def projects_import(request: StaffRequest) -> HttpResponse:
    """The seeds' 試行事業一覧 from Excel or CSV: all projects and their costs, or none (the cell named)."""
    form = ProjectImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]

        def run() -> None:
            rows, _total = parse_projects(upload.read(), upload.name, form.cleaned_data["fiscal_year"])
            service.do_import_projects(request.platform, rows, by=request.actor)

        if attempt(request, run, _("実証事業一覧を取り込みました。")):
            return redirect("outcomes:projects", request.platform.slug)
    return render(request, "outcomes/projects_import.html", {"form": form})


@require_GET
@permission_required("outcomes.view")
def projects_xlsx(request: StaffRequest) -> HttpResponse:
    """The projects as the seeds' table: one row per project, payees with their amounts."""
    rows, total = queries.projects()
    book = Workbook()
    sheet = book.active
    sheet.title = "試行事業一覧"
    header = [
        "事業名称",
        "事業内容",
        "期待される効果",
        "年度",
        "実施時期",
        "発注先 (予算配分)",
        "実施後の反響",
        "実費（円）",
    ]
    for col, title in enumerate(header, start=1):
        xlsx_value(sheet.cell(row=1, column=col), title)
    costs: dict[int, list[str]] = {}
    for line in CostLine.objects.order_by("created_at", "id"):
        note = f"（{line.note}）" if line.note else ""
        costs.setdefault(line.project_id, []).append(f"{line.payee} ({line.amount:,}){note}")
    for r, row in enumerate(rows, start=2):
        p = row.project
        values = [
            p.name,
            p.content,
            p.expected_effect,
            p.fiscal_year,
            p.period,
            " ".join(costs.get(p.pk, [])),
            p.reactions,
            row.cost,
        ]
        for col, value in enumerate(values, start=1):
            xlsx_value(sheet.cell(row=r, column=col), value)
    last = len(rows) + 2
    xlsx_value(sheet.cell(row=last, column=5), "計")
    xlsx_value(sheet.cell(row=last, column=8), total)
    out = io.BytesIO()
    book.save(out)
    return attachment_response(out.getvalue(), "試行事業一覧.xlsx", XLSX)
