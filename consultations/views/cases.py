"""Multi-agency case conferences: the secretariat opens and runs them; invited organisations see their part."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.forms import Form
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from audit.models import AuditEntry
from audit.services import log_action
from consultations import queries
from consultations.forms.casework import (
    CaseIntakeForm,
    CaseOpenForm,
    ConferenceForm,
    ConferenceInvitationForm,
    ContactLogForm,
    EntryForm,
    ErasureForm,
    GuestForm,
    HouseholdFormSet,
    HouseholdMemberForm,
    InviteForm,
    MemberConsentForm,
    PlanForm,
    ReviewForm,
    TaskForm,
)
from consultations.models import (
    Case,
    CaseParticipant,
    CaseTask,
    ConferenceAttendee,
    Consent,
    Conversation,
    MemberConsent,
)
from consultations.services import cases as services
from consultations.services.privacy import do_erase_case, export_case
from partnership.models import MemberOrganisation
from tsunagari.lib import mail
from tsunagari.lib.downloads import JSON, attachment_response


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
    page = Paginator(queries.cases_visible_to(request.actor), 50).get_page(request.GET.get("page"))
    return render(request, "consultations/staff/case_list.html", {"cases": page.object_list, "page": page})


def _plan(view: queries.CaseView, form: Any, request: StaffRequest) -> str:
    services.do_update_plan(view.case, **form.cleaned_data, actor=request.actor)
    return _("見立て・支援方針を更新しました。")


def _task(view: queries.CaseView, form: Any, request: StaffRequest) -> str:
    services.do_add_task(view.case, **form.cleaned_data, actor=request.actor)
    return _("課題を追加しました。")


def _entry(view: queries.CaseView, form: Any, request: StaffRequest) -> str:
    services.do_add_entry(view, **form.cleaned_data, actor=request.actor)
    return _("記録を追加しました。")


def _invite(view: queries.CaseView, form: Any, request: StaffRequest) -> str:
    services.do_invite(view.case, form.cleaned_data["organisation"], actor=request.actor)
    return _("団体を招待しました。")


def _guest(view: queries.CaseView, form: Any, request: StaffRequest) -> str:
    guest = services.do_invite_guest(view.case, **form.cleaned_data, actor=request.actor)
    return _("「%(org)s」を会員外の参加機関として招待しました。") % {"org": guest.organisation_name}


def _conference(view: queries.CaseView, form: Any, request: StaffRequest) -> str:
    services.do_record_conference(view.case, **form.cleaned_data, actor=request.actor)
    return _("支援調整会議の結果を記録しました。")


def _guest_mail(view: queries.CaseView, form: Any, request: StaffRequest) -> str:
    queued = services.do_mail_conference_invitation(view.case, **form.cleaned_data, actor=request.actor)
    return mail.notice(queued, _("%(n)d機関への会議の案内メール") % {"n": len(queued)})


def _close(view: queries.CaseView, form: Any, request: StaffRequest) -> str:
    services.do_close_case(view.case, actor=request.actor)
    return _("ケースを終結しました。匿名の統計記録を残しました。")


def _member(view: queries.CaseView, form: Any, request: StaffRequest) -> str:
    services.do_add_member(view.case, services.MemberInput(**form.cleaned_data), actor=request.actor)
    return _("世帯員を追加しました。")


def _member_consent(view: queries.CaseView, form: Any, request: StaffRequest) -> str:
    data = form.cleaned_data
    services.do_record_member_consent(
        data["member"],
        items=data["items"],
        organisations=data["organisations"],
        city_divisions=data.get("city_divisions", False),
        valid_until=data["valid_until"],
        statement=data["statement"],
        actor=request.actor,
    )
    return _("%(who)s の同意を記録しました。") % {"who": data["member"].label}


def _contact(view: queries.CaseView, form: Any, request: StaffRequest) -> str:
    services.do_log_contact(view.case, **form.cleaned_data, actor=request.actor)
    return _("接触記録を追加しました。")


def _review(view: queries.CaseView, form: Any, request: StaffRequest) -> str:
    day = services.do_schedule_review(view.case, **form.cleaned_data, actor=request.actor)
    return _("次回の見直しを %(day)s にしました。") % {"day": day.isoformat()}


def _participants(view: queries.CaseView) -> Any:
    ids = CaseParticipant.objects.filter(case=view.case).values("organisation_id")
    return MemberOrganisation.objects.filter(pk__in=ids).order_by("name_kana")


def _invitable(view: queries.CaseView) -> Any:
    ids = CaseParticipant.objects.filter(case=view.case).values("organisation_id")
    return view.case.consent.organisations.exclude(pk__in=ids).order_by("name_kana")


Secretariat = True
ACTIONS: dict[str, tuple[bool, Callable[[queries.CaseView, Any], Form], Callable[..., str]]] = {
    "plan": (
        Secretariat,
        lambda v, d: PlanForm(d, prefix="p", initial={"assessment": v.case.assessment, "plan": v.case.plan}),
        _plan,
    ),
    "task": (
        Secretariat,
        lambda v, d: TaskForm(
            d,
            prefix="t",
            organisations=_participants(v),
            guests=v.case.guests.all(),
            conferences=v.case.conferences.order_by("-held_on", "-id"),
        ),
        _task,
    ),
    "guest": (Secretariat, lambda v, d: GuestForm(d, prefix="g"), _guest),
    "conference": (
        Secretariat,
        lambda v, d: ConferenceForm(
            d, prefix="k", organisations=_participants(v), guests=v.case.guests.all()
        ),
        _conference,
    ),
    "guest_mail": (
        Secretariat,
        lambda v, d: ConferenceInvitationForm(d, prefix="gm", guests=v.case.guests.all()),
        _guest_mail,
    ),
    "invite": (Secretariat, lambda v, d: InviteForm(d, prefix="i", organisations=_invitable(v)), _invite),
    "member": (Secretariat, lambda v, d: HouseholdMemberForm(d, prefix="h"), _member),
    "member_consent": (
        Secretariat,
        lambda v, d: MemberConsentForm(d, prefix="mc", members=v.household, consent=v.case.consent),
        _member_consent,
    ),
    "contact": (Secretariat, lambda v, d: ContactLogForm(d, prefix="c"), _contact),
    "review": (Secretariat, lambda v, d: ReviewForm(d, prefix="r"), _review),
    "close": (Secretariat, lambda v, d: Form(d), _close),
    "entry": (False, lambda v, d: EntryForm(d, prefix="e", secretariat=v.is_secretariat), _entry),
}


@require_http_methods(["GET", "POST"])
@permission_required("consultations.view_cases")
def case_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    view = queries.case_for(request.actor, uuid)
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
    if action == "member_consent_withdraw" and "member_consent" in allowed:
        return _withdraw_member_consent(request, view)
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
        "guests": list(view.case.guests.all()),
        "conferences": list(
            view.case.conferences.prefetch_related(
                Prefetch(
                    "attendees", queryset=ConferenceAttendee.objects.select_related("organisation", "guest")
                )
            )
        )
        if view.sees_notes
        else [],
        "household": view.members(),
        "contacts": list(view.case.contacts.select_related("staff")) if view.is_secretariat else [],
        "referrals": list(view.case.referrals.select_related("receiver_member", "receiver_service"))
        if view.is_secretariat
        else [],
        **{f"{name}_form": form for name, form in forms.items()},
    }
    return render(request, "consultations/staff/case_detail.html", context, status=400 if action else 200)


def _withdraw_member_consent(request: StaffRequest, view: queries.CaseView) -> HttpResponse:
    try:
        consent = MemberConsent.objects.select_related("member").get(
            member__case=view.case, uuid=UUID(request.POST.get("consent", ""))
        )
    except (ValueError, MemberConsent.DoesNotExist) as error:
        raise Http404 from error
    try:
        cancelled = services.do_withdraw_member_consent(consent, actor=request.actor)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(who)s の同意を撤回しました。共有は直ちに止まります。") % {"who": consent.member.label},
        )
        if cancelled:
            messages.info(
                request,
                _("この世帯員の同意で送った紹介%(n)d件を取り消し、紹介先に知らせました。") % {"n": cancelled},
            )
    return redirect("consultations:case", view.case.platform.slug, view.case.uuid)


def _task_done(request: StaffRequest, view: queries.CaseView) -> HttpResponse:
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


@permission_required("consultations.manage_personal_data")
def case_export(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """A household case's data as a JSON download (disclosure request); the export is audited."""
    case = get_object_or_404(Case, uuid=uuid)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    data = export_case(case, actor=request.actor)
    content = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    return attachment_response(content, f"case-{case.reference}.json", JSON, private=True)


@permission_required("consultations.manage_personal_data")
@require_http_methods(["GET", "POST"])
def case_erase(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """Erase a household case on the household's request: what will go, a reason, a confirmation."""
    case: Case = get_object_or_404(Case.objects.select_related("conversation__consulter"), uuid=uuid)
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            counts = do_erase_case(case, actor=request.actor, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if any(counts.values()):
                messages.success(
                    request, _("ケース %(ref)s の記録を消去しました。") % {"ref": case.reference}
                )
            else:
                messages.info(
                    request,
                    _("ケース %(ref)s の記録は既に消去されています。消去するものはありませんでした。")
                    % {"ref": case.reference},
                )
            return redirect("consultations:case", request.platform.slug, case.uuid)
    context = {"case": case, "preview": queries.case_erasure_preview(case), "form": form}
    return render(request, "consultations/staff/case_erase.html", context, status=400 if form.errors else 200)
