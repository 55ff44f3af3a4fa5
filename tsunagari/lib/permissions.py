"""The capability table and its checks, for every layer (this module imports no app).

A capability is a name, ``"app.codename"``, granted to role kinds (strings such as
``"secretariat_admin"``). ``accounts.permissions`` is the API apps use: it adds the role-kind sets,
checks registered kinds against the roles that exist, and ``Actor``. This module holds what the
apps below accounts (platforms, audit) need for their pages without importing accounts:
``permission_required`` reads ``request.role.kind``, ``can`` reads ``.kind`` of an actor or role.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import wraps
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponseBase

__all__ = ["allowed_kinds", "can", "capabilities", "permission_required", "register"]

View = Callable[..., HttpResponseBase]

_table: dict[str, frozenset[str]] = {}


def register(granted: Mapping[str, Iterable[str]]) -> None:
    """Add capabilities (codename -> role kinds). Registering a codename again with the same kinds
    is harmless; with other kinds it is a configuration error."""
    for codename, kinds in granted.items():
        if "." not in codename:
            raise ImproperlyConfigured(f"capability {codename!r} must be 'app.codename'")
        frozen = frozenset(kinds)
        if codename in _table and _table[codename] != frozen:
            raise ImproperlyConfigured(f"capability {codename!r} registered twice with different roles")
        _table[codename] = frozen


def capabilities() -> dict[str, frozenset[str]]:
    """A copy of the whole table (codename -> role kinds)."""
    return dict(_table)


def allowed_kinds(codename: str) -> frozenset[str]:
    try:
        return _table[codename]
    except KeyError:
        raise LookupError(f"unknown capability {codename!r} (not registered by any app)") from None


def can(subject: Any, codename: str) -> bool:
    """May ``subject`` do ``codename``? ``subject``: an actor or a role (anything with ``.kind``), a
    role kind, or None (nobody). Unknown codenames raise ``LookupError``."""
    kinds = allowed_kinds(codename)
    if subject is None:
        return False
    kind = subject if isinstance(subject, str) else getattr(subject, "kind", None)
    return kind is not None and kind in kinds


def permission_required(codename: str) -> Callable[[View], View]:
    """Allow the view only to roles holding ``codename`` on the current platform (403 otherwise).

    The platform middleware has already answered 404 to users with no role here. The wrapper
    carries ``permission`` (the codename) for the URL x role matrix test.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not can(getattr(request, "role", None), codename):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        guarded: Any = wrapper
        guarded.permission = codename
        return guarded

    return decorator
