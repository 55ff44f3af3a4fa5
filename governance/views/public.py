"""Public pages: the response form from the convocation mail, and the archive of minutes."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import PlatformRequest
from accounts.middleware import reachable_when_private
from governance import minutes as printing
from governance import queries
from governance.forms.pages import ResponseForm
from governance.models import AgendaItem, Meeting, Response, WrittenResolution
from governance.services import meetings as services
from governance.signing import RESPONSE_SALT, unsign
from tsunagari.lib.downloads import attachment_response
from tsunagari.lib.views import attempt


@reachable_when_private
@require_http_methods(["GET", "POST"])
def respond(request: PlatformRequest, token: str) -> HttpResponse:
    """出欠回答: attend in person or online, or be absent with a proxy or e-mail votes."""
    response_uuid = unsign(token, RESPONSE_SALT)
    if response_uuid is None:
        raise Http404
    response: Response = get_object_or_404(
        Response.objects.select_related("meeting", "meeting__body", "seat", "proxy_to"), uuid=response_uuid
    )
    initial: dict[str, Any] = {
        "mode": response.mode if response.mode != Response.Mode.NONE else None,
        "proxy_to": response.proxy_to,
    }
    initial |= {f"proxy_{code}": True for code in response.proxy_items}
    initial |= {f"vote_{code}": choice for code, choice in response.email_votes.items()}
    form = ResponseForm(request.POST or None, response=response, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if attempt(
            request,
            lambda: services.do_respond(
                response,
                mode=d["mode"],
                proxy_to=d.get("proxy_to"),
                proxy_items=form.proxy_items(),
                email_votes=form.email_votes(),
                comment=d.get("comment", ""),
                actor=request.actor,
            ),
            _("ご回答を受け付けました。会議の前日まで何度でも変更できます。"),
        ):
            return redirect("governance:respond", request.platform.slug, token)
    meeting = response.meeting
    context = {
        "response": response,
        "meeting": meeting,
        "items": list(meeting.items.all()),
        "form": form,
        "ruleset": meeting.body.ruleset(),
        "closed": meeting.status in (Meeting.Status.HELD, Meeting.Status.CANCELLED),
    }
    return render(request, "governance/respond.html", context)


@require_GET
def archive(request: PlatformRequest) -> HttpResponse:
    """議事録・議決の公開: final minutes the platform chose to publish, and their decisions."""
    minutes = list(queries.public_minutes())
    decided = AgendaItem.objects.filter(
        meeting__in=[m.meeting for m in minutes], passed__isnull=False
    ).select_related("meeting")
    written = WrittenResolution.objects.filter(body__public_archive=True).exclude(
        status=WrittenResolution.Status.OPEN
    )
    return render(
        request,
        "governance/archive.html",
        {"minutes": minutes, "decided": decided, "written": written.select_related("body")},
    )


@require_GET
def archive_pdf(request: PlatformRequest, uuid: UUID) -> HttpResponse:
    minutes = get_object_or_404(queries.public_minutes(), meeting__uuid=uuid)
    name = f"{minutes.meeting.body.name}_第{minutes.meeting.number}回_議事録.pdf"
    return attachment_response(printing.pdf(minutes), name, "application/pdf", inline=True)
