"""Member staff keep their own organisation current: 変更届 and 退会届 (Gifu 入会規則第3条・第4条)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import PlatformRequest, StaffRequest
from accounts.permissions import permission_required
from partnership.forms.members import MemberDetailsForm, WithdrawalForm
from partnership.models import ChangeRequest, MemberOrganisation, Withdrawal
from partnership.queries import fiscal_year_label, organisation_of, public_card
from partnership.services import lifecycle


def _own_organisation(request: StaffRequest) -> MemberOrganisation:
    """The caller's organisation on this platform (scoped lookup; 404 when there is none)."""
    member = organisation_of(request.role)
    if member is None:
        raise Http404
    return member


def _closed(request: PlatformRequest, member: MemberOrganisation) -> HttpResponse | None:
    if member.is_active:
        return None
    messages.error(
        request,
        _("%(name)s は現在「%(status)s」のため、届出はできません。")
        % {"name": member.name, "status": member.get_status_display()},
    )
    return redirect("partnership:my_organisation", request.platform.slug)


@require_GET
@permission_required("partnership.act_for_own_organisation")
def my_organisation(request: StaffRequest) -> HttpResponse:
    member = _own_organisation(request)
    context = {
        "member": member,
        "card": public_card(member),
        "fiscal_year": fiscal_year_label(request.platform, member.joined_on),
        "changes": member.change_requests.all()[:10],
        "pending_change": member.change_requests.filter(status=ChangeRequest.Status.PENDING).first(),
        "pending_withdrawal": member.withdrawals.filter(status=Withdrawal.Status.PENDING).first(),
    }
    return render(request, "partnership/my_organisation.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("partnership.act_for_own_organisation")
def change_request(request: StaffRequest) -> HttpResponse:
    member = _own_organisation(request)
    if closed := _closed(request, member):
        return closed
    form = MemberDetailsForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        changes, previous = form.changes()
        try:
            lifecycle.do_submit_change(member, changes, previous, actor=request.actor)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("変更届を提出しました。事務局が確認のうえ反映します。"))
            return redirect("partnership:my_organisation", request.platform.slug)
    pending = member.change_requests.filter(status=ChangeRequest.Status.PENDING).exists()
    return render(
        request,
        "partnership/my_organisation_change.html",
        {"member": member, "form": form, "pending": pending},
    )


@require_http_methods(["GET", "POST"])
@permission_required("partnership.act_for_own_organisation")
def withdrawal(request: StaffRequest) -> HttpResponse:
    member = _own_organisation(request)
    if closed := _closed(request, member):
        return closed
    form = WithdrawalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.do_submit_withdrawal(member, actor=request.actor, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("退会届を提出しました。事務局が受理すると、会員名簿から削除されます。")
            )
            return redirect("partnership:my_organisation", request.platform.slug)
    pending = member.withdrawals.filter(status=Withdrawal.Status.PENDING).first()
    return render(
        request,
        "partnership/my_organisation_withdraw.html",
        {"member": member, "form": form, "pending": pending},
    )
