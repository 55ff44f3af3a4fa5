"""The members' board (staff side) with posting, umbrellas forwarding, and the public board."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import PlatformRequest, StaffRequest
from accounts.permissions import permission_required
from network import queries
from network.forms.pages import NoticeForm
from network.models import Forward, Notice, Umbrella
from network.services import board as services
from network.services.common import has_pledged
from network.views.common import attempt, member_of


@require_http_methods(["GET", "POST"])
@permission_required("network.member")
def index(request: StaffRequest) -> HttpResponse:
    member = member_of(request)
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            request,
            lambda: services.do_post_notice(request.actor, author=member, **data),
            _("掲載しました。"),
            form,
        ):
            return redirect("network:index", request.platform.slug)
    kind = request.GET.get("kind", "")
    umbrella = Umbrella.objects.filter(member=member).first() if member else None
    context = {
        "notices": queries.board(members=True, kind=kind, text=request.GET.get("q", ""))[:50],
        "kinds": Notice.Kind.choices,
        "kind": kind,
        "q": request.GET.get("q", ""),
        "form": form,
        "member": member,
        "pledged": member is None or has_pledged(member),
        "umbrella": umbrella,
        "forwarded": set(Forward.objects.filter(umbrella=umbrella).values_list("notice_id", flat=True))
        if umbrella
        else set(),
        "outcomes": queries.outcomes(),
    }
    return render(request, "network/index.html", context)


@permission_required("network.member")
def forward(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """An umbrella's staff pass a notice on to the umbrella's own members (POST)."""
    notice = get_object_or_404(Notice, uuid=uuid)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    member = member_of(request)
    umbrella = Umbrella.objects.filter(member=member).first() if member else None
    if umbrella is None:
        raise Http404
    attempt(
        request,
        lambda: services.do_forward(request.actor, notice, umbrella),
        _("傘下の%(n)s団体に転送しました。") % {"n": umbrella.member_count},
    )
    return redirect("network:index", request.platform.slug)


@require_GET
def public_board(request: PlatformRequest) -> HttpResponse:
    notices = queries.board(members=False, text=request.GET.get("q", ""))[:50]
    return render(request, "network/public.html", {"notices": notices, "q": request.GET.get("q", "")})
