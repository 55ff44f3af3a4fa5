"""Response headers that keep sensitive pages out of caches, switch off unused browser features and
allow the pages to run only the site's own scripts and styles.

- ``Cache-Control: no-store`` (with ``private``/``no-cache``/``max-age=0``, via Django's
  ``add_never_cache_headers``) on every response under ``/p/<slug>/staff/`` (consultations,
  personal data, audit logs), under the anonymous web chat ``/p/<slug>/chat/`` (the room, its
  start and resume pages and redirects), the sign-in and invitation pages under ``/accounts/`` and
  the operator's ``/admin/``: no shared or browser cache keeps a copy, so the back button on a
  shared device does not show someone else's conversation.
- ``Content-Security-Policy`` (``content_security_policy()``): scripts, styles, fonts and
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
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
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


def content_security_policy() -> str:
    return _policy(getattr(settings, "DIRECTORY_MAP_TILES", ""))


@cache
def _policy(tile_template: str) -> str:
    images = ["'self'", "data:"]
    tiles = tile_source(tile_template)
    if tiles:
        images.append(tiles)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": images,
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if NO_STORE_PATHS.match(request.path_info):
            add_never_cache_headers(response)
        if response.get("Content-Type", "").startswith(DOCUMENT_TYPES):
            response.headers.setdefault("Content-Security-Policy", content_security_policy())
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
