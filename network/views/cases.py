"""Case studies: the library (by tag and text), a case's referral path, and sharing it."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from network import queries
from network.forms.pages import StepForm
from network.services import cases as services
from network.views.common import attempt, member_of


@require_http_methods(["GET"])
@permission_required("network.member")
def library(request: StaffRequest) -> HttpResponse:
    try:
        found = queries.cases_for(
            member_of(request), tag=request.GET.get("tag", ""), text=request.GET.get("q", "")
        )
    except queries.PledgeRequired:
        return redirect("network:pledge", request.platform.slug)
    return render(
        request,
        "network/cases.html",
        {"cases": found, "q": request.GET.get("q", ""), "tag": request.GET.get("tag", "")},
    )


@require_http_methods(["GET", "POST"])
@permission_required("network.member")
def case(request: StaffRequest, uuid: UUID) -> HttpResponse:
    member = member_of(request)
    try:
        found = get_object_or_404(queries.cases_for(member), uuid=uuid)
    except queries.PledgeRequired:
        return redirect("network:pledge", request.platform.slug)
    form = StepForm(request.POST or None)
    if request.method == "POST":
        if member is not None:
            raise PermissionDenied
        if request.POST.get("share"):
            attempt(request, lambda: services.do_share_case(request.actor, found), _("会員に共有しました。"))
            return redirect("network:case", request.platform.slug, found.uuid)
        if form.is_valid() and attempt(
            request,
            lambda: services.do_add_step(request.actor, found, **form.cleaned_data),
            _("段階を追加しました。"),
            form,
        ):
            return redirect("network:case", request.platform.slug, found.uuid)
    context = {
        "case": found,
        "steps": found.steps.all(),
        "form": form if member is None else None,
        "problems": services.personal_details(found) if member is None and found.status == "draft" else [],
    }
    return render(request, "network/case.html", context)
