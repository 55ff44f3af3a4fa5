"""Ichihara's department touch-point matrix: departments × signs of isolation, and where each hands over."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import PlatformRequest, StaffRequest
from accounts.permissions import can, permission_required
from gaps import queries
from gaps.forms.touch_points import DeleteForm, DepartmentForm, SignalForm, TouchPointForm
from gaps.models import Department, IsolationSignal, TouchPoint
from gaps.services import touch_points
from tsunagari.lib.downloads import CSV, XLSX, attachment_response


def _secretariat_post(request: StaffRequest) -> str:
    """The submitted action; only the secretariat may change anything."""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action and not can(request.actor, "gaps.edit_analysis"):
        raise PermissionDenied
    return action


def _add_department(request: PlatformRequest, form: Any) -> str:
    d = touch_points.do_add_department(request.platform, actor=request.actor, **form.cleaned_data)
    return _("部局「%(name)s」を追加しました。") % {"name": d.name}


def _add_signal(request: PlatformRequest, form: Any) -> str:
    s = touch_points.do_add_signal(request.platform, actor=request.actor, **form.cleaned_data)
    return _("孤立のサイン「%(name)s」を追加しました。") % {"name": s.name}


def _save_point(request: PlatformRequest, form: Any) -> str:
    data = form.cleaned_data
    point = touch_points.do_save_touch_point(
        request.platform,
        data["department"],
        data["signal"],
        situation=data["situation"],
        handover=data["handover"],
        services=list(data["services"]),
        actor=request.actor,
    )
    return _("「%(cell)s」を保存しました。") % {"cell": str(point)}


MATRIX_ACTIONS: dict[str, tuple[Callable[[Any], Any], Callable[[StaffRequest, Any], str]]] = {
    "department": (lambda data: DepartmentForm(data, prefix="d"), _add_department),
    "signal": (lambda data: SignalForm(data, prefix="s"), _add_signal),
    "point": (lambda data: TouchPointForm(data, prefix="p"), _save_point),
}


@require_http_methods(["GET", "POST"])
@permission_required("gaps.view_analysis")
def touch_point_matrix(request: StaffRequest) -> HttpResponse:
    action = _secretariat_post(request)
    forms = {
        name: make(request.POST if name == action else None) for name, (make, _s) in MATRIX_ACTIONS.items()
    }
    if action in MATRIX_ACTIONS and forms[action].is_valid():
        try:
            done = MATRIX_ACTIONS[action][1](request, forms[action])
        except ValidationError as error:
            forms[action].add_error(None, error)
        else:
            messages.success(request, done)
            return redirect("gaps:touch_points", request.platform.slug)
    status = 400 if action and action not in MATRIX_ACTIONS else 200
    context = {"matrix": queries.touch_matrix(), **{f"{name}_form": form for name, form in forms.items()}}
    return render(request, "gaps/touch_points.html", context, status=status)


@require_http_methods(["GET", "POST"])
@permission_required("gaps.edit_analysis")
def touch_point_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    point: TouchPoint = get_object_or_404(
        TouchPoint.objects.select_related("department", "signal"), uuid=uuid
    )
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = TouchPointForm(request.POST if action == "save" else None, point=point)
    delete_form = DeleteForm(request.POST if action == "delete" else None)
    if action == "save" and form.is_valid():
        messages.success(request, _save_point(request, form))
        return redirect("gaps:touch_points", request.platform.slug)
    if action == "delete" and delete_form.is_valid():
        touch_points.do_delete_touch_point(point, actor=request.actor)
        messages.success(request, _("「%(cell)s」を削除しました。") % {"cell": str(point)})
        return redirect("gaps:touch_points", request.platform.slug)
    context = {"point": point, "form": form, "delete_form": delete_form}
    return render(request, "gaps/touch_point.html", context)


def _named_detail(
    request: PlatformRequest, obj: Department | IsolationSignal, form_class: Any
) -> HttpResponse:
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = form_class(request.POST if action == "save" else None, instance=obj)
    delete_form = DeleteForm(request.POST if action == "delete" else None)
    if action == "save" and form.is_valid():
        try:
            touch_points.do_update_named(obj, form.cleaned_data, actor=request.actor)
        except ValidationError as error:
            form.add_error("name", error)
        else:
            messages.success(request, _("「%(name)s」を保存しました。") % {"name": obj.name})
            return redirect("gaps:touch_points", request.platform.slug)
    if action == "delete" and delete_form.is_valid():
        touch_points.do_delete_named(obj, actor=request.actor)
        messages.success(request, _("「%(name)s」を削除しました。") % {"name": obj.name})
        return redirect("gaps:touch_points", request.platform.slug)
    context = {
        "obj": obj,
        "form": form,
        "delete_form": delete_form,
        "is_department": isinstance(obj, Department),
    }
    return render(request, "gaps/named.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("gaps.edit_analysis")
def department_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    return _named_detail(request, get_object_or_404(Department.objects, uuid=uuid), DepartmentForm)


@require_http_methods(["GET", "POST"])
@permission_required("gaps.edit_analysis")
def signal_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    return _named_detail(request, get_object_or_404(IsolationSignal.objects, uuid=uuid), SignalForm)


def _touch_export(request: PlatformRequest, fmt: str) -> HttpResponse:
    export = touch_points.do_export_csv if fmt == "csv" else touch_points.do_export_xlsx
    content = export(actor=request.actor)
    content_type = CSV if fmt == "csv" else XLSX
    return attachment_response(content, touch_points.filename(request.platform, fmt), content_type)


@require_GET
@permission_required("gaps.view_analysis")
def touch_points_csv(request: StaffRequest) -> HttpResponse:
    return _touch_export(request, "csv")


@require_GET
@permission_required("gaps.view_analysis")
def touch_points_xlsx(request: StaffRequest) -> HttpResponse:
    return _touch_export(request, "xlsx")
