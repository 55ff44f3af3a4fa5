"""Staff pages of the resource directory: services, member proposals and their review.

Public pages (navigator, search) are the search package's; the 情報交換・共有シート pages are in
``directory.views.sheet``."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import can, permission_required
from directory import queries
from directory.forms.services import (
    DecisionForm,
    NewServiceForm,
    ServiceFilterForm,
    ServiceForm,
    field_labels,
)
from directory.hours import describe
from directory.models import Metadata, Service, ServiceChange
from directory.services import editing
from partnership.queries import organisation_of


def _pending() -> Exists:
    return Exists(ServiceChange.objects.filter(service=OuterRef("pk"), status=ServiceChange.Status.PENDING))


def _map_tiles() -> dict[str, str]:
    """The map tiles of the place picker (the navigator's map uses the same)."""
    return {"tile_url": settings.DIRECTORY_MAP_TILES, "tile_attribution": settings.DIRECTORY_MAP_ATTRIBUTION}


@require_GET
@permission_required("directory.view_services")
def service_list(request: StaffRequest) -> HttpResponse:
    form = ServiceFilterForm(request.GET or None)
    services = Service.objects.select_related("organization").annotate(has_pending=_pending())
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            services = services.filter(Q(name__icontains=data["q"]) | Q(description__icontains=data["q"]))
        if data["category"]:
            services = services.in_category(data["category"])
        state = data["state"]
        if state == "published":
            services = services.filter(is_published=True)
        elif state == "draft":
            services = services.filter(is_published=False)
        elif state == "pending":
            services = services.filter(has_pending=True)
    page = Paginator(services.order_by("-has_pending", "name_kana", "name", "pk"), 50).get_page(
        request.GET.get("page")
    )
    own = organisation_of(request.role)
    context = {"form": form, "page": page, "own": own}
    return render(request, "directory/services/service_list.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("directory.view_services")
def service_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    service: Service = get_object_or_404(Service.objects.select_related("organization", "member"), uuid=uuid)
    if request.method == "POST":  # looked up first: another platform's service is 404, not 405
        return HttpResponseNotAllowed(["GET"])
    context = {
        "service": service,
        "values": queries.current_values(service),
        "hours": describe(service.schedules.all()).inline(),
        "locations": service.service_at_locations.select_related("location").prefetch_related(
            "location__addresses"
        ),
        "history": queries.history_rows(
            Metadata.objects.filter(resource_id=service.uuid).select_related("user")[:50], field_labels()
        ),
        "changes": service.changes.select_related("submitted_by")[:10],
        "can_edit": queries.can_edit(request.role, service),
        "pending": queries.pending_change(service),
    }
    return render(request, "directory/services/service_detail.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("directory.propose_service")
def service_edit(request: StaffRequest, uuid: UUID) -> HttpResponse:
    service: Service = get_object_or_404(Service.objects, uuid=uuid)
    if not queries.can_edit(request.role, service):
        raise PermissionDenied
    secretariat = can(request.actor, "directory.edit_service")
    pending = None if secretariat else queries.pending_change(service)
    if pending is not None:  # say so before the long form, not after it is submitted
        return render(
            request, "directory/services/service_pending.html", {"service": service, "pending": pending}
        )
    returned = None if secretariat else queries.returned_change(service)
    form = ServiceForm(
        request.POST or None,
        initial=queries.proposal_values(service, returned),
        secretariat=secretariat,
        shared=queries.shared_places(service),
    )
    if request.method == "POST" and form.is_valid():
        try:
            if secretariat:
                changed = editing.do_update_service(service, form.cleaned_data, actor=request.actor)
                messages.success(request, _("%(count)s 項目を更新しました。") % {"count": len(changed)})
            else:
                editing.do_propose_change(service, form.cleaned_data, actor=request.actor)
                messages.success(request, _("変更を申請しました。事務局が確認すると公開されます。"))
            return redirect("directory:service", request.platform.slug, service.uuid)
        except ValidationError as error:
            form.add_error(None, error)
    context = {
        "form": form,
        "service": service,
        "returned": returned,
        "hours_now": describe(service.schedules.all()).inline(),
        "other_hours": describe(queries.other_schedules(service)).inline(),
        **_map_tiles(),
    }
    return render(request, "directory/services/service_form.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("directory.propose_service")
def service_new(request: StaffRequest) -> HttpResponse:
    secretariat = can(request.actor, "directory.edit_service")
    member = None if secretariat else organisation_of(request.role)
    if not secretariat and (member is None or not member.is_active):
        raise PermissionDenied
    form_class = NewServiceForm if secretariat else ServiceForm
    form = form_class(
        request.POST or None, initial={"status": Service.Status.ACTIVE}, secretariat=secretariat
    )
    if request.method == "POST" and form.is_valid():
        if member is None:
            data = form.cleaned_data
            service = editing.do_create_service(
                request.platform,
                data["organization"],
                data,
                actor=request.actor,
                publish=data["publish"],
            )
            messages.success(request, _("窓口を登録しました。"))
        else:
            service = editing.do_create_member_service(member, form.cleaned_data, actor=request.actor).service
            messages.success(request, _("窓口の掲載を申請しました。事務局が確認すると公開されます。"))
        return redirect("directory:service", request.platform.slug, service.uuid)
    return render(
        request, "directory/services/service_form.html", {"form": form, "service": None, **_map_tiles()}
    )


@require_GET
@permission_required("directory.review_changes")
def change_list(request: StaffRequest) -> HttpResponse:
    changes = ServiceChange.objects.select_related("service__organization", "submitted_by")
    context = {
        "pending": changes.filter(status=ServiceChange.Status.PENDING).order_by("submitted_at"),
        "decided": changes.exclude(status=ServiceChange.Status.PENDING)[:30],
    }
    return render(request, "directory/services/change_list.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("directory.review_changes")
def change_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    change: ServiceChange = get_object_or_404(
        ServiceChange.objects.select_related("service", "submitted_by"), uuid=uuid
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("action") == "approve":
                editing.do_approve_change(change, actor=request.actor)
                messages.success(request, _("変更を承認し、公開しました。"))
            else:
                editing.do_reject_change(change, form.cleaned_data["reason"], actor=request.actor)
                messages.success(request, _("変更申請を差し戻しました。"))
            return redirect("directory:changes", request.platform.slug)
        except ValidationError as error:
            form.add_error("reason", error)
    rows = queries.change_rows(change, field_labels())
    return render(
        request, "directory/services/change_detail.html", {"change": change, "rows": rows, "form": form}
    )
