"""A small fixed-window rate limit for public forms, kept in the shared cache.

The cache is the database cache by default (see CACHES in settings), so every gunicorn worker
sees the same counts. Keys hold a hash of the client address, never the address itself.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from tsunagari.lib.client import client_ip


def throttled(request: HttpRequest, scope: str, *, limit: int, window: int, key: str | None = None) -> bool:
    """Count one attempt of this client (or of ``key``) in ``scope``; True when it is over
    ``limit`` per ``window`` s."""
    subject = key if key is not None else client_ip(request) or "unknown"
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{subject}".encode()).hexdigest()[:24]
    key = f"throttle:{scope}:{digest}:{int(time.time() // window)}"
    if cache.add(key, 1, timeout=window):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return False
    return count > limit


class RateLimited(Exception):
    """Raised by ``check`` when a client is over a limit; the middleware ``tsunagari.errors.
    RateLimitedMiddleware`` answers it with the Japanese 429 page and ``Retry-After``."""

    def __init__(self, retry_after: int):
        super().__init__(f"rate limited, retry after {retry_after} s")
        self.retry_after = retry_after


def retry_after(window: int) -> int:
    """Seconds until the current fixed window of ``window`` s ends (at least 1)."""
    return max(1, window - int(time.time()) % window)


def check(request: HttpRequest, scope: str, *, limit: int, window: int, key: str | None = None) -> None:
    """Count one attempt and raise ``RateLimited`` when over ``limit`` per ``window`` s.

    Counted per client address, or per ``key`` when given (an e-mail address, an account), so
    one address cannot be flooded from many clients; the key is stored only as a hash.
    """
    if throttled(request, scope, limit=limit, window=window, key=key):
        raise RateLimited(retry_after(window))
