"""Members' 得意分野 and 「相談体制・支援内容」: the list for members, one member's page (its own
staff edit it), the secretariat's review of changes to public profiles, and the public list."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import PlatformRequest, StaffRequest
from accounts.permissions import permission_required
from network import queries
from network.forms.pages import ProfileForm
from network.models import Profile, ProfileChange
from network.services import profiles as services
from network.views.common import member_of
from partnership.models import MemberOrganisation
from tsunagari.lib.japanese import normalise
from tsunagari.lib.views import attempt


def _with_strength(profiles: list[Profile], strength: str) -> list[Profile]:
    wanted = normalise(strength)
    return [p for p in profiles if any(wanted in normalise(s) for s in p.strengths)] if wanted else profiles


@require_GET
@permission_required("network.member")
def members(request: StaffRequest) -> HttpResponse:
    strength = request.GET.get("strength", "")
    found = list(
        Profile.objects.filter(member__status=MemberOrganisation.Status.ACTIVE).select_related("member")
    )
    found.sort(key=lambda p: p.member.name_kana)
    context = {
        "profiles": _with_strength(found, strength),
        "strength": strength,
        "member": member_of(request),
        "pending": ProfileChange.objects.filter(status=ProfileChange.Status.PENDING).count()
        if request.actor.can("network.manage")
        else 0,
    }
    return render(request, "network/members.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("network.member")
def member_profile(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """A member's profile; its own staff (or the secretariat) edit it."""
    organisation = get_object_or_404(MemberOrganisation.objects.active(), uuid=uuid)
    member = member_of(request)
    can_edit = member is None or member.pk == organisation.pk
    profile = queries.profile_of(organisation)
    initial = {
        "strengths": "、".join(profile.strengths),
        "consultation_setup": profile.consultation_setup,
        "support_content": profile.support_content,
        "is_public": profile.is_public,
    }
    form = ProfileForm(request.POST or None, initial=initial) if can_edit else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            if attempt(
                request,
                lambda: services.do_save_profile(
                    request.actor, organisation, **form.cleaned_data, reviewed=member is not None
                ),
                lambda saved: (
                    _("変更を事務局に送りました。確認の後に反映されます。")
                    if isinstance(saved, ProfileChange)
                    else _("保存しました。")
                ),
                form,
            ):
                return redirect("network:member_profile", request.platform.slug, organisation.uuid)
    context = {
        "organisation": organisation,
        "profile": profile,
        "form": form,
        "pending": queries.pending_change(profile),
        "returned": ProfileChange.objects.filter(
            profile=profile, status=ProfileChange.Status.RETURNED
        ).first()
        if profile.pk
        else None,
    }
    return render(request, "network/member.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("network.manage")
def profile_changes(request: StaffRequest) -> HttpResponse:
    """The secretariat applies or returns members' changes to public profiles."""
    if request.method == "POST":
        change = get_object_or_404(ProfileChange, uuid=request.POST.get("change"))
        if request.POST.get("decision") == "apply":
            attempt(
                request, lambda: services.do_apply_profile_change(request.actor, change), _("反映しました。")
            )
        else:
            reason = request.POST.get("reason", "")
            attempt(
                request,
                lambda: services.do_return_profile_change(request.actor, change, reason=reason),
                _("差し戻しました。"),
            )
        return redirect("network:profile_changes", request.platform.slug)
    pending = ProfileChange.objects.filter(status=ProfileChange.Status.PENDING).select_related(
        "profile__member", "submitted_by"
    )
    return render(request, "network/profile_changes.html", {"changes": pending, "labels": LABELS})


LABELS = {
    "strengths": _("得意分野"),
    "consultation_setup": _("相談体制"),
    "support_content": _("支援内容"),
    "is_public": _("公開ページに載せる"),
}


@require_GET
def public_members(request: PlatformRequest) -> HttpResponse:
    """Members who chose to show their strengths and 相談体制・支援内容 to the public."""
    strength = request.GET.get("strength", "")
    found = list(
        Profile.objects.filter(
            is_public=True, member__status=MemberOrganisation.Status.ACTIVE
        ).select_related("member")
    )
    found.sort(key=lambda p: p.member.name_kana)
    return render(
        request,
        "network/public_members.html",
        {"profiles": _with_strength(found, strength), "strength": strength},
    )
