"""The confidentiality pledge: members read and accept it; the secretariat sees who accepted."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from network import queries
from network.forms.pages import PledgeForm
from network.models import PledgeAcceptance
from network.services import pledges
from network.views.common import member_of
from partnership.models import MemberOrganisation
from tsunagari.lib.views import attempt


@require_http_methods(["GET", "POST"])
@permission_required("network.member")
def pledge(request: StaffRequest) -> HttpResponse:
    member = member_of(request)
    if request.method == "POST" and member is not None:
        if attempt(
            request, lambda: pledges.do_accept_pledge(request.actor, member), _("誓約を記録しました。")
        ):
            return redirect("network:listings", request.platform.slug)
    current = queries.current_pledge()
    accepted = (
        PledgeAcceptance.objects.filter(pledge=current).select_related("member", "accepted_by")
        if current is not None and member is None
        else []
    )
    context = {
        "pledge": current,
        "member": member,
        "pledged": member is not None and queries.has_pledged(member),
        "acceptances": accepted,
        "missing": MemberOrganisation.objects.active().exclude(pk__in=[a.member_id for a in accepted])
        if current is not None and member is None
        else [],
        "can_publish": request.actor.can("network.manage"),
    }
    return render(request, "network/pledge.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("network.manage")
def publish(request: StaffRequest) -> HttpResponse:
    """The secretariat publishes a new version; every member must accept it again."""
    current = queries.current_pledge()
    form = PledgeForm(request.POST or None, initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        if attempt(
            request,
            lambda: pledges.do_publish_pledge(request.actor, **form.cleaned_data),
            lambda pledge: (
                _("第%(v)s版を公開しました。会員はあらためて同意するまで、ニーズと提供・事例を見られません。")
                % {"v": pledge.version}
            ),
            form,
        ):
            return redirect("network:pledge", request.platform.slug)
    return render(request, "network/pledge_publish.html", {"form": form, "current": current})
