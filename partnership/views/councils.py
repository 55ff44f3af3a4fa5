"""Ichihara's core-partner finder: existing councils, their seats and the ranking (seed 001, 4-5-7/4-5-8).

The secretariat edits; viewers read. Every object is looked up inside the
platform scope, so another platform's council answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import can, permission_required
from partnership import queries, ranking
from partnership.forms.councils import (
    AddMemberSeatForm,
    AddNamesForm,
    CorePartnerOptionsForm,
    CouncilForm,
    DeleteCouncilForm,
    LinkSeatForm,
    SeatCsvForm,
    SeatForm,
)
from partnership.models import Council
from partnership.seat_csv import SeatImportError
from partnership.services import councils as services

Service = Callable[[Council, Any, StaffRequest], str]


def _add_member(council: Council, form: Any, request: StaffRequest) -> str:
    seat = services.do_add_member_seat(council, form.cleaned_data["member"], actor=request.actor)
    return _("「%(name)s」を追加しました。") % {"name": seat.organisation_name}


def _add_names(council: Council, form: Any, request: StaffRequest) -> str:
    seats = services.do_add_seats(council, form.cleaned_data["names"], actor=request.actor)
    linked = sum(1 for seat in seats if seat.member_id)
    return _("%(n)d団体を追加しました（うち会員団体とリンク %(linked)d団体）。") % {
        "n": len(seats),
        "linked": linked,
    }


def _link(council: Council, form: Any, request: StaffRequest) -> str:
    seat, member = form.cleaned_data["seat"], form.cleaned_data["member"]
    services.do_link_seat(seat, member, actor=request.actor)
    return _("「%(seat)s」を会員団体「%(member)s」とリンクしました。") % {
        "seat": seat.organisation_name,
        "member": member.name,
    }


def _remove(council: Council, form: Any, request: StaffRequest) -> str:
    seat = form.cleaned_data["seat"]
    services.do_remove_seat(seat, actor=request.actor)
    return _("「%(name)s」を構成団体から外しました。") % {"name": seat.organisation_name}


def _edit(council: Council, form: Any, request: StaffRequest) -> str:
    services.do_update_council(council, form.cleaned_data, form.changed_data, actor=request.actor)
    return _("会議体の情報を更新しました。")


# action (the submit button's value) → (form factory, service call returning the success message)
DETAIL_ACTIONS: dict[str, tuple[Callable[[Council, Any], Form], Service]] = {
    "add_member": (lambda council, data: AddMemberSeatForm(data, council=council, prefix="m"), _add_member),
    "add_names": (lambda council, data: AddNamesForm(data, council=council, prefix="n"), _add_names),
    "link": (lambda council, data: LinkSeatForm(data, council=council, prefix="l"), _link),
    "remove": (lambda council, data: SeatForm(data, council=council), _remove),
    "edit": (lambda council, data: CouncilForm(data, council=council, prefix="c"), _edit),
}


def _action(request: StaffRequest) -> str:
    """The submitted action; only the secretariat may change anything."""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action and not can(request.actor, "partnership.manage_councils"):
        raise PermissionDenied
    return action


@require_http_methods(["GET", "POST"])
@permission_required("partnership.view_councils")
def council_list(request: StaffRequest) -> HttpResponse:
    action = _action(request)
    create_form = CouncilForm(request.POST if action == "create" else None, prefix="c")
    uploaded = action == "upload"
    upload_form = SeatCsvForm(
        request.POST if uploaded else None, request.FILES if uploaded else None, prefix="u"
    )
    import_errors: list[str] = []
    if action == "create" and create_form.is_valid():
        try:
            council = services.do_create_council(
                request.platform, create_form.cleaned_data, actor=request.actor
            )
        except ValidationError as error:
            create_form.add_error("name", error)
        else:
            messages.success(request, _("会議体「%(name)s」を登録しました。") % {"name": council.name})
            return redirect("partnership:council", request.platform.slug, council.uuid)
    elif uploaded and upload_form.is_valid():
        upload = upload_form.cleaned_data["file"]
        create_missing = upload_form.cleaned_data["create_missing"]
        try:
            result = services.do_import_seats(
                request.platform,
                upload.read(),
                create_missing=create_missing,
                actor=request.actor,
            )
        except SeatImportError as error:
            import_errors = error.shown
        else:
            messages.success(
                request,
                _("%(n)d件の参加団体を登録しました（新しい会議体 %(c)d件）。")
                % {"n": result.seats, "c": len(result.councils_created)},
            )
            return redirect("partnership:councils", request.platform.slug)
    status = 400 if action not in ("", "create", "upload") else 200
    context = {
        "councils": queries.councils_with_counts(),
        "create_form": create_form,
        "upload_form": upload_form,
        "import_errors": import_errors,
    }
    return render(request, "partnership/council_list.html", context, status=status)


@require_http_methods(["GET", "POST"])
@permission_required("partnership.view_councils")
def council_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    council: Council = get_object_or_404(Council.objects, uuid=uuid)
    action = _action(request)
    if action == "delete":
        return _delete(request, council)
    forms = {
        name: make(council, request.POST if name == action else None)
        for name, (make, _s) in DETAIL_ACTIONS.items()
    }
    if action in DETAIL_ACTIONS and forms[action].is_valid():
        try:
            done = DETAIL_ACTIONS[action][1](council, forms[action], request)
        except ValidationError as error:
            forms[action].add_error(None, error)
        else:
            messages.success(request, done)
            return redirect("partnership:council", request.platform.slug, council.uuid)
    status = 400 if action and action not in DETAIL_ACTIONS else 200
    return _render_detail(request, council, forms, DeleteCouncilForm(), status)


def _delete(request: StaffRequest, council: Council) -> HttpResponse:
    form = DeleteCouncilForm(request.POST)
    if not form.is_valid():
        forms = {name: make(council, None) for name, (make, _s) in DETAIL_ACTIONS.items()}
        return _render_detail(request, council, forms, form, 200)
    services.do_delete_council(council, actor=request.actor)
    messages.success(request, _("会議体「%(name)s」を削除しました。") % {"name": council.name})
    return redirect("partnership:councils", request.platform.slug)


def _render_detail(
    request: StaffRequest, council: Council, forms: dict[str, Form], delete_form: Form, status: int
) -> HttpResponse:
    context = {
        "council": council,
        "seats": queries.council_seats(council),
        "delete_form": delete_form,
        **{f"{name}_form": form for name, form in forms.items()},
    }
    return render(request, "partnership/council_detail.html", context, status=status)


@require_GET
@permission_required("partnership.view_councils")
def core_partners(request: StaffRequest) -> HttpResponse:
    options = CorePartnerOptionsForm(request.GET or None)
    rows = queries.core_partner_ranking(top=options.top_n)
    context = {
        "options": options,
        "rows": ranking.sort_rows(rows, options.sort_key, options.descending),
        "columns": options.columns(),
        "top": options.top_n,
        "top_count": sum(1 for row in rows if row.top),
        "member_count": sum(1 for row in rows if row.is_member),
        "council_count": queries.councils_with_counts().count(),
    }
    return render(request, "partnership/core_partners.html", context)
