"""Guards for staff views. The tenant itself is checked once, in PlatformMiddleware."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from accounts.models import Role

View = Callable[..., HttpResponseBase]


def role_required(*kinds: str) -> Callable[[View], View]:
    """Allow only the given role kinds on the current platform (403 otherwise).

    PlatformMiddleware has already answered 404 to users with no role here.
    """
    allowed: Iterable[str] = set(kinds)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            role = getattr(request, "role", None)
            if role is None or role.kind not in allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        guarded: Any = wrapper
        guarded.allowed_roles = frozenset(allowed)
        return guarded

    return decorator


ANY_STAFF = tuple(kind for kind, _label in Role.KINDS)
SECRETARIAT = (Role.SECRETARIAT_ADMIN, Role.SECRETARIAT_STAFF)
SECRETARIAT_ADMIN = (Role.SECRETARIAT_ADMIN,)
SECRETARIAT_OR_VIEWER = (*SECRETARIAT, Role.VIEWER)
