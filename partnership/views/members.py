"""Staff pages for member organisations: list, export, detail, tiers and the life cycle."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import can, permission_required
from partnership.forms.members import (
    ChangeDecisionForm,
    ExpulsionCancelForm,
    ExpulsionDecideForm,
    ExpulsionNotifyForm,
    ExpulsionProposeForm,
    MemberFilterForm,
    MemberTierForm,
    PaperWithdrawalForm,
    WithdrawalDecisionForm,
    tier_formset,
)
from partnership.models import ChangeRequest, Expulsion, MemberOrganisation, MemberTier, Withdrawal
from partnership.queries import (
    change_diff,
    display_value,
    fiscal_year_label,
    open_expulsion,
    organisation_of,
    pending_change_requests,
    pending_withdrawals,
    staff_members,
    tier_usage,
)
from partnership.services import export, lifecycle
from tsunagari.lib.downloads import CSV, XLSX, attachment_response

PAGE_SIZE = 50


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
@permission_required("partnership.view_member_list")
def member_list(request: StaffRequest) -> HttpResponse:
    """All members for the secretariat; the shared 会員名簿 (active members) for member staff."""
    as_member = not can(request.actor, "partnership.view_members")
    if as_member:
        own = organisation_of(request.role)
        if own is None or not own.is_active:
            raise PermissionDenied
    form = MemberFilterForm(request.GET or None, show_status=not as_member)
    filters = form.filters()
    if as_member:
        filters["status"] = MemberOrganisation.Status.ACTIVE
    page = Paginator(staff_members(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "as_member": as_member, "query": _query_without_page(request)}
    return render(request, "partnership/member_list.html", context)


@require_GET
@permission_required("partnership.export_members")
def export_csv(request: StaffRequest) -> HttpResponse:
    members = staff_members(**MemberFilterForm(request.GET or None).filters())
    content, filename = export.do_export_csv(
        members,
        request.platform,
        filters=request.GET.dict(),
        actor=request.actor,
    )
    return attachment_response(content, filename, CSV)


@require_GET
@permission_required("partnership.export_members")
def export_xlsx(request: StaffRequest) -> HttpResponse:
    members = staff_members(**MemberFilterForm(request.GET or None).filters())
    content, filename = export.do_export_xlsx(
        members,
        request.platform,
        filters=request.GET.dict(),
        actor=request.actor,
    )
    return attachment_response(content, filename, XLSX)


@require_http_methods(["GET", "POST"])
@permission_required("partnership.view_members")
def member_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    member: MemberOrganisation = get_object_or_404(
        MemberOrganisation.objects.select_related("tier"), uuid=uuid
    )
    form = MemberTierForm(request.POST or None, initial={"tier": member.tier})
    if request.method == "POST":
        if not can(request.actor, "partnership.manage_members"):
            raise PermissionDenied
        if form.is_valid():
            try:
                lifecycle.do_change_tier(member, form.cleaned_data["tier"], actor=request.actor)
            except ValidationError as error:
                form.add_error("tier", error)
            else:
                messages.success(request, _("会員区分を変更しました。"))
                return redirect("partnership:member", request.platform.slug, member.uuid)
    context = {
        "member": member,
        "tier_form": form,
        "fiscal_year": fiscal_year_label(request.platform, member.joined_on),
        "published": display_value("published_fields", member.published_fields),
        "changes": member.change_requests.select_related("submitted_by")[:20],
        "withdrawals": member.withdrawals.all()[:20],
        "expulsions": member.expulsions.all()[:20],
        "open_expulsion": open_expulsion(member),
    }
    return render(request, "partnership/member_detail.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("partnership.manage_members")
def withdraw(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """Record a 退会届 received on paper; it is accepted at once."""
    member: MemberOrganisation = get_object_or_404(MemberOrganisation.objects, uuid=uuid)
    form = PaperWithdrawalForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.do_record_paper_withdrawal(member, actor=request.actor, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("退会届を記録し、退会の手続をしました。"))
            return redirect("partnership:member", request.platform.slug, member.uuid)
    return render(request, "partnership/member_withdraw.html", {"member": member, "form": form})


def _expulsion_forms(expulsion: Expulsion | None, data: Any) -> dict[str, Form]:
    if expulsion is None:
        return {"propose": ExpulsionProposeForm(data)}
    return {
        "notify": ExpulsionNotifyForm(data),
        "decide": ExpulsionDecideForm(data, expulsion=expulsion),
        "cancel": ExpulsionCancelForm(data, prefix="cancel"),
    }


def _expulsion_step(
    step: str, member: MemberOrganisation, exp: Any, data: dict, request: StaffRequest
) -> str:
    """Run one step of the procedure; returns the success message."""
    if step == "propose":
        lifecycle.do_propose_expulsion(
            member, ground=data["ground"], reason=data["reason"], actor=request.actor
        )
        return _("除名の手続を始めました。次に、弁明の機会の通知を記録してください。")
    if step == "notify":
        lifecycle.do_notify_hearing(
            exp,
            notified_on=data["hearing_notified_on"],
            deadline=data["hearing_deadline"],
            actor=request.actor,
        )
        return _("弁明の機会の通知を記録し、団体にメールで知らせました。")
    if step == "decide":
        lifecycle.do_decide_expulsion(
            exp,
            no_hearing=data["hearing"] == ExpulsionDecideForm.NONE,
            hearing_record=data["hearing_record"],
            resolution=data["resolution"],
            decided_on=data["decided_on"],
            actor=request.actor,
        )
        return _("除名を決定しました。会員名簿から削除されました。")
    lifecycle.do_cancel_expulsion(exp, reason=data["cancel_reason"], actor=request.actor)
    return _("除名の手続を取りやめました。")


@require_http_methods(["GET", "POST"])
@permission_required("partnership.expel_member")
def expel(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """除名 (規約第8条): propose → notify the hearing opportunity → decide (or cancel)."""
    member: MemberOrganisation = get_object_or_404(MemberOrganisation.objects, uuid=uuid)
    expulsion = open_expulsion(member)
    forms = _expulsion_forms(expulsion, None)
    if request.method == "POST":
        step = request.POST.get("step", "")
        form = _expulsion_forms(expulsion, request.POST).get(step)
        if form is None:
            messages.error(request, _("この操作は現在の手続の段階では行えません。"))
        elif form.is_valid():
            try:
                message = _expulsion_step(step, member, expulsion, form.cleaned_data, request)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, message)
                return redirect("partnership:expel", request.platform.slug, member.uuid)
        if form is not None:
            forms[step] = form
    history = member.expulsions.exclude(pk=expulsion.pk) if expulsion else member.expulsions.all()
    context = {"member": member, "expulsion": expulsion, "forms": forms, "history": history}
    return render(request, "partnership/expulsion.html", context)


@require_GET
@permission_required("partnership.manage_members")
def pending_changes(request: StaffRequest) -> HttpResponse:
    context = {"changes": pending_change_requests(), "withdrawals": pending_withdrawals()}
    return render(request, "partnership/change_list.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("partnership.manage_members")
def change_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    change: ChangeRequest = get_object_or_404(
        ChangeRequest.objects.select_related("organisation", "submitted_by"), uuid=uuid
    )
    form = ChangeDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["action"] == ChangeDecisionForm.APPLY:
                lifecycle.do_apply_change(change, actor=request.actor)
                messages.success(request, _("変更届の内容を会員情報に反映しました。"))
            else:
                lifecycle.do_return_change(change, form.cleaned_data["reason"], actor=request.actor)
                messages.success(request, _("変更届を差し戻しました。"))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("partnership:changes", request.platform.slug)
    context = {"change": change, "diff": change_diff(change), "form": form}
    return render(request, "partnership/change_detail.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("partnership.manage_members")
def withdrawal_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    withdrawal: Withdrawal = get_object_or_404(
        Withdrawal.objects.select_related("organisation", "submitted_by"), uuid=uuid
    )
    form = WithdrawalDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["action"] == WithdrawalDecisionForm.ACCEPT:
                lifecycle.do_accept_withdrawal(withdrawal, actor=request.actor)
                messages.success(request, _("退会届を受理しました。会員名簿から削除されました。"))
            else:
                lifecycle.do_cancel_withdrawal(withdrawal, actor=request.actor)
                messages.success(request, _("退会届を取下げとして記録しました。"))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("partnership:changes", request.platform.slug)
    context = {
        "withdrawal": withdrawal,
        "form": form,
        "open_expulsion": open_expulsion(withdrawal.organisation),
    }
    return render(request, "partnership/withdrawal_detail.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("partnership.manage_tiers")
def tiers(request: StaffRequest) -> HttpResponse:
    formset = tier_formset(request.POST if request.method == "POST" else None)
    error = None
    if request.method == "POST" and formset.is_valid():
        try:
            lifecycle.do_save_tiers(formset, request.platform, actor=request.actor)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("会員区分を保存しました。"))
            return redirect("partnership:tiers", request.platform.slug)
    usage = tier_usage()
    rows = [(form, usage.get(form.instance.pk, 0)) for form in formset.forms]
    context = {"formset": formset, "rows": rows, "error": error, "tiers": MemberTier.objects.all()}
    return render(request, "partnership/tiers.html", context)
