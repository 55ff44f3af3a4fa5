"""The real client address, taken only from a reverse proxy we trust.

Behind nginx every request comes from the proxy's address, so audit entries, rate limits and
the login lockout would all see one client. nginx sets ``X-Real-IP`` to the address it saw
(deploy/nginx/tsunagari.conf); this middleware believes that header only when the request
itself comes from an address listed in ``TRUSTED_PROXIES`` — a client talking to gunicorn
directly, or a client sending its own ``X-Real-IP`` / ``X-Forwarded-For`` through nginx, cannot
choose the address the application sees.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


class RealClientAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.trusted = frozenset(getattr(settings, "TRUSTED_PROXIES", ()))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.trusted and request.META.get("REMOTE_ADDR") in self.trusted:
            real = request.META.get("HTTP_X_REAL_IP", "").strip()
            if _valid(real):
                request.META["REMOTE_ADDR"] = real
        return self.get_response(request)
