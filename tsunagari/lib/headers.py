"""Response headers that keep sensitive pages out of caches and switch off unused browser features.

- ``Cache-Control: no-store`` (with ``private``/``no-cache``/``max-age=0``, via Django's
  ``add_never_cache_headers``) on every response under ``/p/<slug>/staff/`` (consultations,
  personal data, audit logs) and under the anonymous web chat ``/p/<slug>/chat/`` (the room, its
  start and resume pages and redirects): no shared or browser cache keeps a copy, so the back
  button on a shared device does not show someone else's conversation.
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

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(self)"
NO_STORE_PATHS = re.compile(r"^/p/[^/]+/(?:staff|chat)(?:/|$)")


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if NO_STORE_PATHS.match(request.path_info):
            add_never_cache_headers(response)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
