"""The platform's public pages of its own: its 規約 and how it handles personal information."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

if TYPE_CHECKING:  # accounts sits above platforms: its request types are annotations only
    from accounts.http import PlatformRequest


@require_GET
def terms(request: PlatformRequest) -> HttpResponse:
    """The platform's 規約 (text and/or the URL of the official one); public."""
    platform = request.platform
    if not (platform.terms_text or platform.bylaws_url):
        raise Http404
    return render(request, "platforms/terms.html")


@require_GET
def privacy(request: PlatformRequest) -> HttpResponse:
    """How the platform handles personal information (its own text, else the standard one); public."""
    return render(request, "platforms/privacy.html")
