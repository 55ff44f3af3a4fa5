"""/p/<slug>/go/<code> — a tracked link: count the click, then go to LINE or the web chat."""

from __future__ import annotations

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from accounts.http import PlatformRequest
from consultations.models import LinkTarget, TrackedLink
from consultations.queries import line_url
from consultations.services.links import do_count_click


@require_GET
def go(request: PlatformRequest, code: str) -> HttpResponse:
    link = TrackedLink.objects.filter(code=code.lower()).first()
    if link is None:
        raise Http404("link")
    do_count_click(link)
    if link.target == LinkTarget.LINE:
        url = line_url(link)
        if url is not None:
            return HttpResponseRedirect(url)
    # Web chat: remember the link for this browser session only, to attribute a first contact.
    sources = request.session.get("consult_src", {})
    sources[request.platform.slug] = link.code
    request.session["consult_src"] = sources
    return redirect("consultations:chat", request.platform.slug)
