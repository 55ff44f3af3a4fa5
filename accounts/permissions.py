"""Permissions by name: capabilities (``"app.codename"``) granted to role kinds.

Each app registers its capabilities once, from its ``AppConfig.ready()``::

    from accounts import permissions
    from accounts.models import Role

    permissions.register({
        "directory.edit_service": permissions.SECRETARIAT,
        "directory.view_services": permissions.ANY_STAFF,
    })

and then asks by name:

- views: ``@permission_required("directory.edit_service")`` (403 for other roles; the URL x role
  matrix test reads the codename from the view);
- services: ``can(actor, "directory.edit_service")``, where ``actor`` is the ``Actor`` (user,
  role, platform) a view passes instead of its request;
- templates: ``{% load permissions %}{% if actor|can:"directory.edit_service" %}``.

An unknown codename is a programming error (``LookupError``), never a silent "no".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from accounts.models import Role, User
from platforms.models import Platform

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

__all__ = [
    "ANY_STAFF",
    "SECRETARIAT",
    "SECRETARIAT_ADMIN",
    "SECRETARIAT_OR_VIEWER",
    "Actor",
    "allowed_kinds",
    "can",
    "capabilities",
    "permission_required",
    "register",
]

View = Callable[..., HttpResponseBase]

ANY_STAFF: frozenset[str] = frozenset(kind for kind, _label in Role.KINDS)
SECRETARIAT: frozenset[str] = frozenset({Role.SECRETARIAT_ADMIN, Role.SECRETARIAT_STAFF})
SECRETARIAT_ADMIN: frozenset[str] = frozenset({Role.SECRETARIAT_ADMIN})
SECRETARIAT_OR_VIEWER: frozenset[str] = SECRETARIAT | {Role.VIEWER}

_table: dict[str, frozenset[str]] = {}


def register(granted: Mapping[str, Iterable[str]]) -> None:
    """Add capabilities (codename -> role kinds). Registering a codename twice alike is harmless;
    registering it again with other kinds is a configuration error."""
    known = {kind for kind, _label in Role.KINDS}
    for codename, kinds in granted.items():
        if "." not in codename:
            raise ImproperlyConfigured(f"capability {codename!r} must be 'app.codename'")
        kinds = frozenset(kinds)
        unknown = kinds - known
        if unknown:
            raise ImproperlyConfigured(f"capability {codename!r}: unknown role kinds {sorted(unknown)}")
        if codename in _table and _table[codename] != kinds:
            raise ImproperlyConfigured(f"capability {codename!r} registered twice with different roles")
        _table[codename] = kinds


def capabilities() -> dict[str, frozenset[str]]:
    """A copy of the whole table (codename -> role kinds)."""
    return dict(_table)


def allowed_kinds(codename: str) -> frozenset[str]:
    try:
        return _table[codename]
    except KeyError:
        raise LookupError(f"unknown capability {codename!r} (not registered by any app)") from None


@dataclass(frozen=True)
class Actor:
    """Who acts: the signed-in user (None for a visitor), their role here and the platform.

    Services take an ``Actor`` instead of an ``HttpRequest``; commands and tasks build one
    directly (``Actor(user=None, role=None, platform=platform)`` for the system itself).
    """

    user: User | None
    role: Role | None
    platform: Platform | None

    @classmethod
    def from_request(cls, request: HttpRequest) -> Actor:
        user: User | AnonymousUser | Any = getattr(request, "user", None)
        return cls(
            user=user if isinstance(user, User) else None,
            role=getattr(request, "role", None),
            platform=getattr(request, "platform", None),
        )

    @classmethod
    def of_role(cls, role: Role) -> Actor:
        return cls(user=role.user, role=role, platform=role.platform)

    @property
    def kind(self) -> str | None:
        return self.role.kind if self.role is not None else None

    def can(self, codename: str) -> bool:
        return can(self, codename)


def can(actor_or_role: Actor | Role | str | None, codename: str) -> bool:
    """May this actor (or role, or role kind) do ``codename``? Unknown codenames raise."""
    kinds = allowed_kinds(codename)
    if actor_or_role is None:
        return False
    if isinstance(actor_or_role, str):
        return actor_or_role in kinds
    role = actor_or_role.role if isinstance(actor_or_role, Actor) else actor_or_role
    return role is not None and role.kind in kinds


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

        wrapper.permission = codename  # type: ignore[attr-defined]
        return wrapper

    return decorator
