"""Written resolutions (みなし決議): open, follow, remind, close; the ballot by signed link."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import PlatformRequest, StaffRequest
from accounts.middleware import reachable_when_private
from accounts.permissions import permission_required
from governance import queries
from governance.forms.pages import BallotForm, ReasonForm, WrittenForm
from governance.models import Ballot, WrittenResolution
from governance.services import written as services
from governance.signing import BALLOT_SALT, unsign
from governance.views.bodies import _body, _require_editor
from tsunagari.lib.views import attempt


@require_http_methods(["GET", "POST"])
@permission_required("governance.manage")
def written_new(request: StaffRequest, uuid: UUID) -> HttpResponse:
    body = _body(uuid)
    form = WrittenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        created: list[WrittenResolution] = []
        if attempt(
            request,
            lambda: created.append(services.do_open_written(body, actor=request.actor, **d)),
            _("書面による決議を始めました。構成員への表決のリンクの送信を予約しました。"),
        ):
            return redirect("governance:written", request.platform.slug, created[0].uuid)
    return render(
        request, "governance/written_form.html", {"body": body, "form": form, "ruleset": body.ruleset()}
    )


@require_http_methods(["GET", "POST"])
@permission_required("governance.view")
def written_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    resolution: WrittenResolution = get_object_or_404(
        WrittenResolution.objects.select_related("body"), uuid=uuid
    )
    action = request.POST.get("action")
    withdraw_form = ReasonForm(request.POST if action == "withdraw" else None, prefix="w")
    if request.method == "POST":
        _require_editor(request)
        done = False
        if action == "remind":
            done = attempt(
                request,
                lambda: services.do_remind_written(resolution, actor=request.actor),
                _("未回答の構成員への督促の送信を予約しました。"),
            )
        elif action == "close":
            done = attempt(
                request,
                lambda: services.do_close_written(resolution, actor=request.actor),
                _("締め切りました。"),
            )
        elif action == "withdraw" and withdraw_form.is_valid():
            reason = withdraw_form.cleaned_data["reason"]
            done = attempt(
                request,
                lambda: services.do_withdraw_written(resolution, reason=reason, actor=request.actor),
                _("取り下げました。"),
            )
        if done:
            return redirect("governance:written", request.platform.slug, resolution.uuid)
    tally = queries.evaluate_written(resolution)
    context = {
        "resolution": resolution,
        "ballots": queries.ballots(resolution),
        "tally": tally,
        "withdraw_form": withdraw_form,
        "overdue": resolution.is_open and timezone.now() > resolution.deadline,
        "ruleset": resolution.body.ruleset(),
    }
    return render(request, "governance/written_detail.html", context)


@reachable_when_private
@require_http_methods(["GET", "POST"])
def ballot(request: PlatformRequest, token: str) -> HttpResponse:
    """The member's ballot, opened from the signed link in the e-mail (no login)."""
    ballot_uuid = unsign(token, BALLOT_SALT)
    if ballot_uuid is None:
        raise Http404
    ballot: Ballot = get_object_or_404(
        Ballot.objects.select_related("resolution", "resolution__body", "seat"), uuid=ballot_uuid
    )
    form = BallotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        choice = form.cleaned_data["choice"]
        if attempt(
            request,
            lambda: services.do_cast_ballot(ballot, choice=choice, actor=request.actor),
            _("表決を受け付けました。ありがとうございました。"),
        ):
            return redirect("governance:ballot", request.platform.slug, token)
    ballot.refresh_from_db()
    resolution = ballot.resolution
    resolution.refresh_from_db()
    context = {
        "ballot": ballot,
        "resolution": resolution,
        "form": form,
        "closed": not resolution.is_open or timezone.now() > resolution.deadline,
        "ruleset": resolution.body.ruleset(),
    }
    return render(request, "governance/ballot.html", context)
