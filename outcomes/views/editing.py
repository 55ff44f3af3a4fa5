"""Edit and delete screens of projects, cost lines, KPIs, measurements and campaigns, and undo.

A deletion asks first (GET shows what goes with it), deletes on POST, and offers 「元に戻す」 on
the page it lands on: the audit entry of the deletion holds what is needed to put it back.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from audit.models import AuditEntry
from outcomes.forms.pages import CampaignForm, CostForm, KpiForm, ProjectForm
from outcomes.models import Campaign, CostLine, Kpi, Measurement, TrialProject
from outcomes.services import editing
from outcomes.services import projects as project_service
from tsunagari.lib.views import attempt

UNDO_KEY = "outcomes_undo"


def _offer_undo(request: StaffRequest, entry: AuditEntry, what: str) -> None:
    request.session[UNDO_KEY] = {"entry": str(entry.uuid), "what": what}
    messages.success(request, _("「%(what)s」を削除しました。") % {"what": what})


def _url(request: StaffRequest, name: str, obj: TrialProject | Campaign) -> str:
    return reverse(f"outcomes:{name}", args=[request.platform.slug, obj.uuid])


def take_undo(request: StaffRequest) -> dict[str, str] | None:
    """The deletion just made, offered once on the page the person lands on."""
    return request.session.pop(UNDO_KEY, None)


def _form_data(request: StaffRequest) -> QueryDict | None:
    """The POST for the edit form, None when the POST was the delete button."""
    return None if request.method != "POST" or request.POST.get("delete") else request.POST


def _confirmed_delete(request: StaffRequest) -> bool:
    """A delete button pressed with its confirmation box ticked (a bare POST deletes nothing)."""
    if not request.POST.get("delete"):
        return False
    if request.POST.get("confirm") != "1":
        messages.error(request, _("削除するには「削除することを確認しました」にチェックを入れてください。"))
        return False
    return True


def _confirm(request: StaffRequest, what: str, goes: list[str], back: str) -> HttpResponse:
    return render(request, "outcomes/confirm_delete.html", {"what": what, "goes": goes, "back": back})


@require_http_methods(["GET", "POST"])
@permission_required("outcomes.manage")
def project_edit(request: StaffRequest, uuid: UUID) -> HttpResponse:
    project = get_object_or_404(TrialProject, uuid=uuid)
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        project_service.do_save_project(request.platform, project, form.cleaned_data, by=request.actor)
        messages.success(request, _("実証事業を保存しました。"))
        return redirect("outcomes:project", request.platform.slug, project.uuid)
    return render(
        request,
        "outcomes/edit.html",
        {"form": form, "title": _("実証事業を編集"), "back": _url(request, "project", project)},
    )


@require_http_methods(["GET", "POST"])
@permission_required("outcomes.manage")
def project_delete(request: StaffRequest, uuid: UUID) -> HttpResponse:
    project = get_object_or_404(TrialProject, uuid=uuid)
    if request.method == "POST":
        entry = editing.do_delete_project(project, by=request.actor)
        _offer_undo(request, entry, project.name)
        return redirect("outcomes:projects", request.platform.slug)
    goes = [
        _("費用 %(n)s 件") % {"n": project.costs.count()},
        _("KPI %(n)s 件とその測定値") % {"n": project.kpis.count()},
    ]
    return _confirm(
        request, project.name, goes, reverse("outcomes:project", args=[request.platform.slug, project.uuid])
    )


@require_http_methods(["GET", "POST"])
@permission_required("outcomes.manage")
def cost_edit(request: StaffRequest, uuid: UUID) -> HttpResponse:
    line: CostLine = get_object_or_404(CostLine.objects.select_related("project"), uuid=uuid)
    initial = {"payee": line.payee, "amount": line.amount, "note": line.note}
    form = CostForm(_form_data(request), initial=initial)
    if request.method == "POST":
        if _confirmed_delete(request):
            entry = editing.do_delete_cost(line, by=request.actor)
            _offer_undo(request, entry, f"{line.payee} {line.amount:,}円")
            return redirect("outcomes:project", request.platform.slug, line.project.uuid)
        if form.is_valid() and attempt(
            request,
            lambda: editing.do_update_cost(line, form.cleaned_data, by=request.actor),
            _("費用を保存しました。"),
        ):
            return redirect("outcomes:project", request.platform.slug, line.project.uuid)
    context = {
        "form": form,
        "title": _("費用を編集"),
        "back": _url(request, "project", line.project),
        "deletable": True,
    }
    return render(request, "outcomes/edit.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("outcomes.manage")
def kpi_edit(request: StaffRequest, uuid: UUID) -> HttpResponse:
    kpi: Kpi = get_object_or_404(Kpi.objects.select_related("project", "tracked_link"), uuid=uuid)
    form = KpiForm(_form_data(request), instance=kpi, platform=request.platform)
    if request.method == "POST":
        if _confirmed_delete(request):
            entry = editing.do_delete_kpi(kpi, by=request.actor)
            _offer_undo(request, entry, kpi.name)
            return redirect("outcomes:project", request.platform.slug, kpi.project.uuid)
        if form.is_valid():
            values = {k: form.cleaned_data[k] for k in form.Meta.fields}
            if attempt(
                request,
                lambda: editing.do_update_kpi(kpi, values, by=request.actor),
                _("KPI を保存しました。"),
            ):
                return redirect("outcomes:project", request.platform.slug, kpi.project.uuid)
    measurements = Measurement.objects.filter(kpi=kpi)
    context = {
        "form": form,
        "title": _("KPI を編集"),
        "back": _url(request, "project", kpi.project),
        "deletable": True,
        "measurements": measurements,
        "kpi": kpi,
    }
    return render(request, "outcomes/edit.html", context)


@permission_required("outcomes.manage")
def measurement_delete(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """POST only; the guard and the lookup come first (403, then 404, then 405)."""
    measurement: Measurement = get_object_or_404(
        Measurement.objects.select_related("kpi__project"), uuid=uuid
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    entry = editing.do_delete_measurement(measurement, by=request.actor)
    _offer_undo(request, entry, f"{measurement.kpi.name} {measurement.measured_on:%Y/%m/%d}")
    return redirect("outcomes:kpi_edit", request.platform.slug, measurement.kpi.uuid)


@require_http_methods(["GET", "POST"])
@permission_required("outcomes.manage")
def campaign_edit(request: StaffRequest, uuid: UUID) -> HttpResponse:
    campaign = get_object_or_404(Campaign, uuid=uuid)
    form = CampaignForm(_form_data(request), instance=campaign)
    if request.method == "POST":
        if _confirmed_delete(request):
            entry = editing.do_delete_campaign(campaign, by=request.actor)
            _offer_undo(request, entry, campaign.name)
            return redirect("outcomes:campaigns", request.platform.slug)
        if form.is_valid():
            editing.do_update_campaign(campaign, form.cleaned_data, by=request.actor)
            messages.success(request, _("キャンペーンを保存しました。"))
            return redirect("outcomes:campaign", request.platform.slug, campaign.uuid)
    context = {
        "form": form,
        "title": _("キャンペーンを編集"),
        "back": _url(request, "campaign", campaign),
        "deletable": True,
    }
    return render(request, "outcomes/edit.html", context)


@permission_required("outcomes.manage")
@require_POST
def undo(request: StaffRequest) -> HttpResponse:
    """Put back what a deletion removed (the entry named in the form, this platform's only)."""
    try:
        key = UUID(request.POST.get("entry", ""))
    except ValueError:
        key = None
    entry = AuditEntry.objects.filter(uuid=key, platform=request.platform).first() if key else None
    request.session.pop(UNDO_KEY, None)
    if entry is None:
        messages.error(request, _("この操作は元に戻せません。"))
        return redirect("outcomes:projects", request.platform.slug)
    try:
        what = editing.do_restore(entry, by=request.actor)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("「%(what)s」を元に戻しました。") % {"what": what})
    if entry.action == "outcomes.campaign_deleted":
        return redirect("outcomes:campaigns", request.platform.slug)
    return redirect("outcomes:projects", request.platform.slug)
