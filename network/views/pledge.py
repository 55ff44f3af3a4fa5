"""The confidentiality pledge: members read and accept it; the secretariat sees who accepted."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from network.models import PledgeAcceptance
from network.services import pledges
from network.services.common import current_pledge, has_pledged
from network.views.common import attempt, member_of


@require_http_methods(["GET", "POST"])
@permission_required("network.member")
def pledge(request: StaffRequest) -> HttpResponse:
    member = member_of(request)
    if request.method == "POST" and member is not None:
        if attempt(
            request, lambda: pledges.do_accept_pledge(request.actor, member), _("誓約を記録しました。")
        ):
            return redirect("network:listings", request.platform.slug)
    current = current_pledge()
    context = {
        "pledge": current,
        "member": member,
        "pledged": member is not None and has_pledged(member),
        "acceptances": (
            PledgeAcceptance.objects.filter(pledge=current).select_related("member", "accepted_by")
            if current is not None and member is None
            else []
        ),
    }
    return render(request, "network/pledge.html", context)
