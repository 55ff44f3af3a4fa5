"""Case studies: the library (by tag and text), a case's referral path, and sharing it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from network import queries
from network.forms.pages import CaseForm, StepForm, StepFormSet, steps_of
from network.models import CaseStudy
from network.services import cases as services
from network.views.common import member_of, pledge_gate
from tsunagari.lib.views import attempt


@require_http_methods(["GET"])
@permission_required("network.member")
@pledge_gate
def library(request: StaffRequest) -> HttpResponse:
    found = queries.cases_for(
        member_of(request), tag=request.GET.get("tag", ""), text=request.GET.get("q", "")
    )
    drafts = request.GET.get("status") == CaseStudy.Status.DRAFT
    if drafts:  # the secretariat's home links here: what members brought, not yet shared
        found = found.filter(status=CaseStudy.Status.DRAFT, author__isnull=False)
    return render(
        request,
        "network/cases.html",
        {"cases": found, "q": request.GET.get("q", ""), "tag": request.GET.get("tag", ""), "drafts": drafts},
    )


@require_http_methods(["GET", "POST"])
@permission_required("network.member")
@pledge_gate
def case(request: StaffRequest, uuid: UUID) -> HttpResponse:
    member = member_of(request)
    found = get_object_or_404(queries.cases_for(member), uuid=uuid)
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
        "can_edit": queries.can_edit(found, member),
        "form": form if member is None else None,
        "problems": queries.personal_details(found) if member is None and found.status == "draft" else [],
    }
    return render(request, "network/case.html", context)


def _case_forms(request: StaffRequest, case: CaseStudy | None = None) -> tuple[CaseForm, Any]:
    data = request.POST if request.method == "POST" else None
    form = CaseForm(data, instance=case, initial={"members": list(case.members.all())} if case else None)
    initial = (
        [
            {"role": s.role, "organisation_label": s.organisation_label, "text": s.text}
            for s in case.steps.all()
        ]
        if case
        else [{"role": role} for role in ("noticed", "contacted", "acted", "outcome")]
    )
    # bound, the rows are read as sent (initial rows would count as "unchanged" and be dropped)
    formset = (
        StepFormSet(data, prefix="steps")
        if data is not None
        else StepFormSet(initial=initial, prefix="steps")
    )
    if case is None and data is None:
        formset.extra = 0
    return form, formset


@require_http_methods(["GET", "POST"])
@permission_required("network.member")
@pledge_gate
def new_case(request: StaffRequest) -> HttpResponse:
    """A member (or the secretariat) writes a case with its path; it starts as a draft."""
    member = member_of(request)
    queries.require_pledge(member)
    form, formset = _case_forms(request)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = {**form.cleaned_data}
        data.pop("members")
        created: list[CaseStudy] = []
        if attempt(
            request,
            lambda: created.append(
                services.do_create_case(
                    request.actor,
                    **data,
                    members=list(form.cleaned_data["members"]),
                    author=member,
                    steps=steps_of(formset),
                )
            ),
            _("下書きを保存しました。事務局が個人情報の確認をしてから会員に共有します。"),
            form,
        ):
            return redirect("network:case", request.platform.slug, created[0].uuid)
    return render(request, "network/case_form.html", {"form": form, "formset": formset, "case": None})


@require_http_methods(["GET", "POST"])
@permission_required("network.member")
@pledge_gate
def edit_case(request: StaffRequest, uuid: UUID) -> HttpResponse:
    member = member_of(request)
    found = get_object_or_404(queries.cases_for(member), uuid=uuid)
    if not queries.can_edit(found, member):
        raise PermissionDenied
    form, formset = _case_forms(request, found)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = {**form.cleaned_data}
        data.pop("members")
        if attempt(
            request,
            lambda: services.do_update_case(
                request.actor,
                found,
                member,
                **data,
                members=list(form.cleaned_data["members"]),
                steps=steps_of(formset),
            ),
            _("保存しました。"),
            form,
        ):
            return redirect("network:case", request.platform.slug, found.uuid)
    return render(request, "network/case_form.html", {"form": form, "formset": formset, "case": found})
