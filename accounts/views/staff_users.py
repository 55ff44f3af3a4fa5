"""The platform's staff: who holds which role, invitations sent and cancelled, a colleague's role
changed or removed, an account unlocked."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import queries
from accounts.forms.staff_users import ChangeRoleForm, GrantRoleForm
from accounts.http import StaffRequest
from accounts.models import Invitation, Role
from accounts.permissions import permission_required
from accounts.services.invitations import do_cancel_invitation, do_invite
from accounts.services.roles import do_change_role, do_revoke_role
from accounts.services.signin import do_unlock_account


@require_http_methods(["GET", "POST"])
@permission_required("accounts.manage_staff")
def staff_users(request: StaffRequest) -> HttpResponse:
    platform = request.platform
    form = GrantRoleForm(request.POST or None, platform=platform)
    if request.method == "POST" and form.is_valid():
        invitation = do_invite(**form.cleaned_data, actor=request.actor)
        # The same words whether or not the address already has an account.
        messages.success(
            request,
            _("%(email)s に招待メールの送信を予約しました。承諾されると役割が付与されます。")
            % {"email": invitation.email},
        )
        return redirect("accounts:staff_users", platform.slug)
    roles = queries.staff_roles(platform)
    invitations = queries.open_invitations(platform)
    return render(
        request,
        "accounts/staff_users.html",
        {"form": form, "roles": roles, "invitations": invitations},
    )


@permission_required("accounts.manage_staff")
def invitation_cancel(request: StaffRequest, uuid: UUID) -> HttpResponse:
    invitation = get_object_or_404(Invitation, platform=request.platform, uuid=uuid)  # 404 before 405
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    do_cancel_invitation(invitation, actor=request.actor)
    messages.success(request, _("%(email)s への招待を取り消しました。") % {"email": invitation.email})
    return redirect("accounts:staff_users", request.platform.slug)


@require_http_methods(["GET", "POST"])
@permission_required("accounts.manage_staff")
def staff_role(request: StaffRequest, role_uuid: str) -> HttpResponse:
    platform = request.platform
    target = get_object_or_404(Role.objects.select_related("user"), platform=platform, uuid=role_uuid)
    form = ChangeRoleForm(request.POST or None, instance=target, platform=platform)
    if request.method == "POST":
        if "unlock" in request.POST:
            do_unlock_account(target.user, actor=request.actor)
            messages.success(
                request, _("%(email)s のログイン制限を解除しました。") % {"email": target.user.email}
            )
            return redirect("accounts:staff_role", platform.slug, target.uuid)
        if "revoke" in request.POST:
            error = do_revoke_role(target, actor=request.actor)
            if error:
                messages.error(request, error)
                return redirect("accounts:staff_role", platform.slug, target.uuid)
            messages.success(request, _("役割を削除しました。"))
            return redirect("accounts:staff_users", platform.slug)
        if form.is_valid():
            error = do_change_role(target, form.cleaned_data, actor=request.actor)
            if error:
                messages.error(request, error)
            else:
                messages.success(request, _("役割を変更しました。"))
                return redirect("accounts:staff_users", platform.slug)
    return render(
        request,
        "accounts/staff_role.html",
        {"form": form, "target": target, "lock": queries.lock_state(target.user)},
    )
