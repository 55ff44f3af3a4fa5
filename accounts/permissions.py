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
The table and the checks themselves live in ``tsunagari.lib.permissions`` (re-exported here), so
that platforms and audit, below accounts, can guard their pages too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from accounts.models import Role, User
from platforms.models import Platform
from tsunagari.lib.client import client_ip
from tsunagari.lib.permissions import allowed_kinds, can, capabilities, permission_required
from tsunagari.lib.permissions import register as _register

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

ANY_STAFF: frozenset[str] = frozenset(kind for kind, _label in Role.KINDS)
SECRETARIAT: frozenset[str] = frozenset({Role.SECRETARIAT_ADMIN, Role.SECRETARIAT_STAFF})
SECRETARIAT_ADMIN: frozenset[str] = frozenset({Role.SECRETARIAT_ADMIN})
SECRETARIAT_OR_VIEWER: frozenset[str] = SECRETARIAT | {Role.VIEWER}


def register(granted: Mapping[str, Iterable[str]]) -> None:
    """Add capabilities (codename -> role kinds); every kind must be one of ``Role.KINDS``."""
    for codename, kinds in granted.items():
        unknown = set(kinds) - ANY_STAFF
        if unknown:
            raise ImproperlyConfigured(f"capability {codename!r}: unknown role kinds {sorted(unknown)}")
    _register(granted)


@dataclass(frozen=True)
class Actor:
    """Who acts: the signed-in user (None for a visitor), their role here and the platform.

    Services take an ``Actor`` instead of an ``HttpRequest``; commands and tasks build one
    directly (``Actor(user=None, role=None, platform=platform)`` for the system itself).
    """

    user: User | None
    role: Role | None
    platform: Platform | None
    # Where the request came from, for the audit log (``audit.services.log_action(by=actor)``).
    ip_address: str | None = None

    @classmethod
    def from_request(cls, request: HttpRequest) -> Actor:
        user: User | AnonymousUser | Any = getattr(request, "user", None)
        return cls(
            user=user if isinstance(user, User) else None,
            role=getattr(request, "role", None),
            platform=getattr(request, "platform", None),
            ip_address=client_ip(request),
        )

    @classmethod
    def of_role(cls, role: Role) -> Actor:
        return cls(user=role.user, role=role, platform=role.platform)

    @property
    def kind(self) -> str | None:
        return self.role.kind if self.role is not None else None

    def can(self, codename: str) -> bool:
        return can(self, codename)
