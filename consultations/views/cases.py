"""Multi-agency case conferences: the secretariat opens and runs them; invited organisations see their part."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from audit.models import AuditEntry
from audit.services import log_action
from consultations.forms.casework import (
    CaseIntakeForm,
    CaseOpenForm,
    ContactLogForm,
    EntryForm,
    HouseholdFormSet,
    HouseholdMemberForm,
    InviteForm,
    PlanForm,
    ReviewForm,
    TaskForm,
)
from consultations.models import CaseParticipant, CaseTask, Consent, Conversation
from consultations.services import cases as services
from partnership.models import MemberOrganisation


@require_http_methods(["GET", "POST"])
@permission_required("consultations.open_case")
def case_new(request: StaffRequest, uuid: UUID) -> HttpResponse:
    conversation: Conversation = get_object_or_404(Conversation.objects, uuid=uuid)
    consent = Consent.objects.filter(conversation=conversation).active().first()
    form = CaseOpenForm(request.POST or None, consent=consent) if consent else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            case = services.do_open_case(conversation, consent, **form.cleaned_data, actor=request.actor)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("ケース会議 %(ref)s を開きました。") % {"ref": case.reference})
            return redirect("consultations:case", request.platform.slug, case.uuid)
    context = {"conversation": conversation, "consent": consent, "form": form}
    return render(
        request,
        "consultations/staff/case_form.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


def _members(rows: list[dict[str, Any]]) -> list[services.MemberInput]:
    return [services.MemberInput(**row) for row in rows if row and row.get("label", "").strip()]


@require_http_methods(["GET", "POST"])
@permission_required("consultations.open_case")
def case_intake(request: StaffRequest) -> HttpResponse:
    """A household case from a phone call, a counter or home visit or an agency's referral."""
    data = request.POST if request.method == "POST" else None
    form = CaseIntakeForm(data)
    household = HouseholdFormSet(data, prefix="m")
    if data is not None and form.is_valid() and household.is_valid():
        try:
            case = services.do_open_case_from_contact(
                request.platform,
                **form.cleaned_data,
                members=_members(household.cleaned_data),
                actor=request.actor,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("ケース %(ref)s を開きました。") % {"ref": case.reference})
            return redirect("consultations:case", request.platform.slug, case.uuid)
    context = {"form": form, "household": household}
    return render(
        request, "consultations/staff/case_intake.html", context, status=400 if data is not None else 200
    )


@require_GET
@permission_required("consultations.view_cases")
def case_list(request: StaffRequest) -> HttpResponse:
    page = Paginator(services.cases_visible_to(request.actor), 50).get_page(request.GET.get("page"))
    return render(request, "consultations/staff/case_list.html", {"cases": page.object_list, "page": page})


def _plan(view: services.CaseView, form: Any, request: StaffRequest) -> str:
    services.do_update_plan(view.case, **form.cleaned_data, actor=request.actor)
    return _("見立て・支援方針を更新しました。")


def _task(view: services.CaseView, form: Any, request: StaffRequest) -> str:
    services.do_add_task(view.case, **form.cleaned_data, actor=request.actor)
    return _("課題を追加しました。")


def _entry(view: services.CaseView, form: Any, request: StaffRequest) -> str:
    services.do_add_entry(view, **form.cleaned_data, actor=request.actor)
    return _("記録を追加しました。")


def _invite(view: services.CaseView, form: Any, request: StaffRequest) -> str:
    services.do_invite(view.case, form.cleaned_data["organisation"], actor=request.actor)
    return _("団体を招待しました。")


def _close(view: services.CaseView, form: Any, request: StaffRequest) -> str:
    services.do_close_case(view.case, actor=request.actor)
    return _("ケースを終結しました。匿名の統計記録を残しました。")


def _member(view: services.CaseView, form: Any, request: StaffRequest) -> str:
    services.do_add_member(view.case, services.MemberInput(**form.cleaned_data), actor=request.actor)
    return _("世帯員を追加しました。")


def _contact(view: services.CaseView, form: Any, request: StaffRequest) -> str:
    services.do_log_contact(view.case, **form.cleaned_data, actor=request.actor)
    return _("接触記録を追加しました。")


def _review(view: services.CaseView, form: Any, request: StaffRequest) -> str:
    day = services.do_schedule_review(view.case, **form.cleaned_data, actor=request.actor)
    return _("次回の見直しを %(day)s にしました。") % {"day": day.isoformat()}


def _participants(view: services.CaseView) -> Any:
    ids = CaseParticipant.objects.filter(case=view.case).values("organisation_id")
    return MemberOrganisation.objects.filter(pk__in=ids).order_by("name_kana")


def _invitable(view: services.CaseView) -> Any:
    ids = CaseParticipant.objects.filter(case=view.case).values("organisation_id")
    return view.case.consent.organisations.exclude(pk__in=ids).order_by("name_kana")


Secretariat = True
ACTIONS: dict[str, tuple[bool, Callable[[services.CaseView, Any], Form], Callable[..., str]]] = {
    "plan": (
        Secretariat,
        lambda v, d: PlanForm(d, prefix="p", initial={"assessment": v.case.assessment, "plan": v.case.plan}),
        _plan,
    ),
    "task": (Secretariat, lambda v, d: TaskForm(d, prefix="t", organisations=_participants(v)), _task),
    "invite": (Secretariat, lambda v, d: InviteForm(d, prefix="i", organisations=_invitable(v)), _invite),
    "member": (Secretariat, lambda v, d: HouseholdMemberForm(d, prefix="h"), _member),
    "contact": (Secretariat, lambda v, d: ContactLogForm(d, prefix="c"), _contact),
    "review": (Secretariat, lambda v, d: ReviewForm(d, prefix="r"), _review),
    "close": (Secretariat, lambda v, d: Form(d), _close),
    "entry": (False, lambda v, d: EntryForm(d, prefix="e", secretariat=v.is_secretariat), _entry),
}


@require_http_methods(["GET", "POST"])
@permission_required("consultations.view_cases")
def case_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    view = services.case_for(request.actor, uuid)
    allowed = [
        name
        for name, (secretariat_only, _f, _s) in ACTIONS.items()
        if view.is_secretariat or not secretariat_only
    ]
    if not view.case.is_open:
        allowed = []
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "task_done":
        return _task_done(request, view)
    if action and action not in allowed:
        return HttpResponse(status=403)
    forms = {name: ACTIONS[name][1](view, request.POST if name == action else None) for name in allowed}
    if action and forms[action].is_valid():
        try:
            done = ACTIONS[action][2](view, forms[action], request)
        except ValidationError as error:
            forms[action].add_error(None, error)
        else:
            messages.success(request, done)
            return redirect("consultations:case", request.platform.slug, view.case.uuid)
    log_action(AuditEntry.READ_SENSITIVE, by=request.actor, obj=view.case)
    context = {
        "view": view,
        "case": view.case,
        "participants": _participants(view),
        "tasks": view.tasks(),
        "entries": view.entries(),
        "household": list(view.case.household.all()) if view.sees_assessment else [],
        "contacts": list(view.case.contacts.select_related("staff")) if view.is_secretariat else [],
        **{f"{name}_form": form for name, form in forms.items()},
    }
    return render(request, "consultations/staff/case_detail.html", context, status=400 if action else 200)


def _task_done(request: StaffRequest, view: services.CaseView) -> HttpResponse:
    try:
        task = CaseTask.objects.get(case=view.case, uuid=UUID(request.POST.get("task", "")))
    except (ValueError, CaseTask.DoesNotExist) as error:
        raise Http404 from error
    try:
        services.do_complete_task(view, task, actor=request.actor)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("課題を完了にしました。"))
    return redirect("consultations:case", view.case.platform.slug, view.case.uuid)
