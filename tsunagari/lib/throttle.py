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


def throttled(request: HttpRequest, scope: str, *, limit: int, window: int) -> bool:
    """Count one attempt of this client in ``scope``; True when it is over ``limit`` per ``window`` s."""
    address = client_ip(request) or "unknown"
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:24]
    key = f"throttle:{scope}:{digest}:{int(time.time() // window)}"
    if cache.add(key, 1, timeout=window):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return False
    return count > limit
