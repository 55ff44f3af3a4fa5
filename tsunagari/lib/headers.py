"""Response headers that keep sensitive pages out of caches, switch off unused browser features and
allow the pages to run only the site's own scripts and styles.

- ``Cache-Control: no-store`` (with ``private``/``no-cache``/``max-age=0``, via Django's
  ``add_never_cache_headers``) on every response under ``/p/<slug>/staff/`` (consultations,
  personal data, audit logs), under the anonymous web chat ``/p/<slug>/chat/`` (the room, its
  start and resume pages and redirects), the sign-in and invitation pages under ``/accounts/`` and
  the operator's ``/admin/``: no shared or browser cache keeps a copy, so the back button on a
  shared device does not show someone else's conversation.
- ``Content-Security-Policy`` (django-csp's middleware, ``settings.CONTENT_SECURITY_POLICY``;
  ``DocumentCSPMiddleware`` adds the map tiles' host and leaves downloads alone;
  ``content_security_policy()`` is what it sends): scripts, styles, fonts and
  connections from this origin only, no inline script or style (not even ``style=""``
  attributes: ``static/css/site.css`` has the classes), no plugins, no ``<base>``, forms post
  only here, no framing by anyone (``frame-ancestors 'none'``); images from here, ``data:``
  (the authenticator QR code) and the directory map's tile server (``DIRECTORY_MAP_TILES``); on
  every HTML (or SVG) answer, error pages and redirects' bodies included.
  No page needs a nonce: scripts are files under ``/static/`` and JSON data travels in
  ``<script type="application/json">`` blocks (``json_script``), which are never executed.
- ``Permissions-Policy``: no camera or microphone anywhere; geolocation only for this origin
  (the resident navigator's 「現在地から探す」).

``Referrer-Policy`` and ``X-Frame-Options`` come from Django's settings
(``SECURE_REFERRER_POLICY``, ``X_FRAME_OPTIONS``). The middleware wraps
``accounts.middleware.PlatformMiddleware`` (it is listed just before it in ``MIDDLEWARE``), so it
sees the response after that middleware and also marks its own answers (the login redirect, the
second-factor redirect) on staff URLs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(self)"
# Responses a browser renders as a document (a CSP on a PDF or a download means nothing).
DOCUMENT_TYPES = ("text/html", "image/svg+xml", "application/xhtml+xml")
NO_STORE_PATHS = re.compile(r"^(?:/p/[^/]+/(?:staff|chat)(?:/|$)|/accounts/|/admin/)")


def tile_source(template: str) -> str:
    """The CSP source of a map tile URL template: its origin, ``{s}`` subdomains as ``*``."""
    parts = urlsplit(template)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return ""
    host = re.sub(r"\{[a-z]+\}", "*", parts.netloc)
    if "*" in host:
        host = "*." + host.split("*.", 1)[-1] if "*." in host else host.replace("*", "")
    return f"{parts.scheme}://{host}"


def _tiles_update() -> dict[str, list[str]]:
    """Images from the directory map's tile server too (``DIRECTORY_MAP_TILES``, read per response
    so that a changed setting applies at once)."""
    tiles = tile_source(getattr(settings, "DIRECTORY_MAP_TILES", ""))
    return {"img-src": [tiles]} if tiles else {}


def content_security_policy() -> str:
    """The policy every HTML or SVG answer carries."""
    return build_policy(update=_tiles_update())


class DocumentCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, on documents only (a policy on a PDF or a CSV means nothing)."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not response.get("Content-Type", "").startswith(DOCUMENT_TYPES):
            return response
        return super().process_response(request, response)

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.update is None:
            parts.update = _tiles_update()
        return parts


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if NO_STORE_PATHS.match(request.path_info):
            add_never_cache_headers(response)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
