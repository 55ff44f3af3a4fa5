"""Consent and referrals: record consent, send, forward, respond, close the loop, relay the answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import can, permission_required
from audit.models import AuditEntry
from audit.services import log_action
from consultations import queries
from consultations.forms.casework import (
    CancelForm,
    CompleteForm,
    ConsentForm,
    ContactForm,
    ForwardForm,
    ReferralForm,
    RelayForm,
    RespondForm,
)
from consultations.models import Case, CaseworkSettings, Consent, Conversation, Referral, ShareItem
from consultations.services import referrals as services
from consultations.services.privacy import read_conversation

PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
@permission_required("consultations.use_inbox")
def consent_new(request: StaffRequest, uuid: UUID) -> HttpResponse:
    conversation: Conversation = get_object_or_404(Conversation.objects, uuid=uuid)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_record_consent(conversation, **form.cleaned_data, actor=request.actor)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("本人の同意を記録しました。"))
            return redirect("consultations:conversation", request.platform.slug, conversation.uuid)
    return render(
        request, "consultations/staff/consent_form.html", {"conversation": conversation, "form": form}
    )


@require_http_methods(["GET", "POST"])
@permission_required("consultations.use_inbox")
def referral_new(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """No consent, no referral: without an active consent the page says so and offers to record one."""
    conversation: Conversation = get_object_or_404(Conversation.objects, uuid=uuid)
    consent = Consent.objects.filter(conversation=conversation).active().first()
    rules = CaseworkSettings.for_platform(request.platform)
    form = None
    if consent is not None:
        form = ReferralForm(
            request.POST or None, consent=consent, via_secretariat=rules.referrals_via_secretariat
        )
        if request.method == "POST" and form.is_valid():
            try:
                referral = services.do_create_referral(
                    conversation, consent, **form.cleaned_data, actor=request.actor
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("紹介を送りました。"))
                return redirect("consultations:referral", request.platform.slug, referral.uuid)
    context = {"conversation": conversation, "consent": consent, "form": form, "rules": rules}
    status = 400 if request.method == "POST" else 200
    return render(request, "consultations/staff/referral_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@permission_required("consultations.open_case")
def case_referral_new(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """Refer a case onwards (a household case has no chat): the case's consent gates it."""
    case: Case = get_object_or_404(Case.objects.select_related("consent"), uuid=uuid)
    consent = case.consent if case.consent.is_active() and case.is_open else None
    rules = CaseworkSettings.for_platform(request.platform)
    form = None
    if consent is not None:
        form = ReferralForm(
            request.POST or None, consent=consent, via_secretariat=rules.referrals_via_secretariat
        )
        if request.method == "POST" and form.is_valid():
            try:
                referral = services.do_create_case_referral(case, **form.cleaned_data, actor=request.actor)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("紹介を送りました。"))
                return redirect("consultations:referral", request.platform.slug, referral.uuid)
    context = {"case": case, "consent": consent, "form": form, "rules": rules}
    status = 400 if request.method == "POST" else 200
    return render(request, "consultations/staff/referral_form.html", context, status=status)


@require_GET
@permission_required("consultations.view_referrals")
def referral_list(request: StaffRequest) -> HttpResponse:
    referrals = queries.referrals_visible_to(request.actor)
    show = request.GET.get("show", "open")
    if show == "open":
        referrals = referrals.open()
    elif show == "overdue":
        referrals = referrals.overdue()
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"referrals": page.object_list, "page": page, "show": show}
    return render(request, "consultations/staff/referral_list.html", context)


def _forward(referral: Referral, form: Any, request: StaffRequest) -> str:
    services.do_forward_referral(referral, **form.cleaned_data, actor=request.actor)
    return _("紹介先へ送付しました。")


def _respond(referral: Referral, form: Any, request: StaffRequest) -> str:
    data = form.cleaned_data
    services.do_respond(
        referral,
        data["decision"],
        decline_reason=data.get("decline_reason") or "",
        answer=data["answer"],
        note=data["note"],
        actor=request.actor,
    )
    return _("応答を記録しました。")


def _contact(referral: Referral, form: Any, request: StaffRequest) -> str:
    services.do_record_contact(referral, **form.cleaned_data, actor=request.actor)
    return _("本人との連絡を記録しました。")


def _complete(referral: Referral, form: Any, request: StaffRequest) -> str:
    services.do_complete(referral, **form.cleaned_data, actor=request.actor)
    return _("結果を記録し、紹介を完了しました。")


def _relay(referral: Referral, form: Any, request: StaffRequest) -> str:
    services.do_relay_answer(referral, form.cleaned_data["text"], actor=request.actor)
    return _("相談者へ返信しました。")


def _cancel(referral: Referral, form: Any, request: StaffRequest) -> str:
    services.do_cancel(referral, note=form.cleaned_data["note"], actor=request.actor)
    return _("紹介を取り消しました。")


Permitted = Callable[[StaffRequest, Referral], bool]


def _desk(request: StaffRequest, referral: Referral) -> bool:
    return can(request.actor, "consultations.use_inbox")


def _relays(request: StaffRequest, referral: Referral) -> bool:
    # A case's referral has no chat to answer through: its answer is read on the case.
    chat = referral.conversation_id is not None
    return chat and _desk(request, referral) and bool(referral.answer) and referral.consent is not None


def _cancels(request: StaffRequest, referral: Referral) -> bool:
    return _desk(request, referral) and referral.is_open


def _secretariat_forwards(request: StaffRequest, referral: Referral) -> bool:
    return can(request.actor, "consultations.forward_referrals") and referral.at_secretariat


def _responds(request: StaffRequest, referral: Referral) -> bool:
    return queries.can_respond(request.actor, referral)


# action → (who may, form factory, service call returning the success message)
ACTIONS: dict[
    str, tuple[Permitted, Callable[[Referral, Any], Form], Callable[[Referral, Any, StaffRequest], str]]
] = {
    "forward": (_secretariat_forwards, lambda r, d: ForwardForm(d, consent=r.consent, prefix="f"), _forward),
    "respond": (
        _responds,
        lambda r, d: RespondForm(d, prefix="p", from_case=r.case_id is not None),
        _respond,
    ),
    "contact": (_responds, lambda r, d: ContactForm(d, prefix="c"), _contact),
    "complete": (
        _responds,
        lambda r, d: CompleteForm(d, prefix="o", from_case=r.case_id is not None),
        _complete,
    ),
    "relay": (_relays, lambda r, d: RelayForm(d, prefix="y", initial={"text": r.answer}), _relay),
    "cancel": (_cancels, lambda r, d: CancelForm(d, prefix="x"), _cancel),
}


@require_http_methods(["GET", "POST"])
@permission_required("consultations.view_referrals")
def referral_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    referral = queries.referral_for(request.actor, uuid)
    allowed = {name for name, (may, _f, _s) in ACTIONS.items() if may(request, referral)}
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action and action not in allowed:
        return HttpResponse(status=403)
    forms = {name: ACTIONS[name][1](referral, request.POST if name == action else None) for name in allowed}
    if action and forms[action].is_valid():
        try:
            done = ACTIONS[action][2](referral, forms[action], request)
        except ValidationError as error:
            forms[action].add_error(None, error)
        else:
            messages.success(request, done)
            return redirect("consultations:referral", request.platform.slug, referral.uuid)
    if queries.can_respond(request.actor, referral):
        services.do_mark_received(referral, actor=request.actor)
        referral.refresh_from_db()
    log_action(AuditEntry.READ_SENSITIVE, by=request.actor, obj=referral)
    shares = {item: referral.shares(item) for item in ShareItem.values}
    is_desk = _desk(request, referral) or can(request.actor, "consultations.forward_referrals")
    events = list(referral.events.select_related("actor"))
    thread = [event for event in events if event.in_thread]
    receiver_may_read = is_desk or referral.consent.is_active()
    context = {
        "referral": referral,
        "events": events,
        "thread": thread if receiver_may_read else [],
        "thread_hidden": bool(thread) and not receiver_may_read,
        "shares": shares,
        "is_desk": is_desk,
        "consent_active": referral.consent.is_active(),
        "record": queries.record_of(referral.conversation)
        if referral.conversation is not None and (is_desk or shares[ShareItem.PROFILE])
        else None,
        "transcript": read_conversation(referral.conversation, actor=request.actor)
        if referral.conversation is not None and not is_desk and shares[ShareItem.TRANSCRIPT]
        else None,
        "household": _household_shown(referral, shares, is_desk),
        "forms": forms,
        **{f"{name}_form": form for name, form in forms.items()},
    }
    return render(request, "consultations/staff/referral_detail.html", context, status=400 if action else 200)


def _household_shown(referral: Referral, shares: dict[str, bool], is_desk: bool) -> list[Any]:
    """A case's household as the receiver may see it: members with their own consent to the profile."""
    if referral.case is None:
        return []
    members = list(referral.case.household.prefetch_related("consents__organisations"))
    if is_desk:
        return members
    if not shares[ShareItem.PROFILE]:
        return []
    division = referral.receiver_member_id is None
    return [
        member
        for member in members
        if any(
            consent.covers(ShareItem.PROFILE, referral.receiver_member_id, division=division)
            for consent in member.consents.all()
        )
    ]
