"""What a request says about its client."""

from __future__ import annotations

from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as the web server saw it (``REMOTE_ADDR``; behind a proxy, the proxy's
    unless the proxy or a middleware sets it)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None
