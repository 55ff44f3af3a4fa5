"""Typed requests for views under ``/p/<slug>/``.

The platform middleware (``accounts.middleware.PlatformMiddleware``) resolves the tenant and sets
``request.platform``, ``request.role`` and ``request.actor`` on every request; these classes only
tell the type checker so. They are never instantiated: annotate views with them.

- ``PlatformRequest``: any page of a platform (public pages too): ``role`` is None for visitors.
- ``StaffRequest``: a page under ``/p/<slug>/staff/``: the user is signed in and has a role here.

Views do not take the ``platform_slug`` URL argument: the middleware drops it from the view
kwargs (use ``request.platform.slug``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from accounts.models import Role, User
    from accounts.permissions import Actor
    from platforms.models import Platform

__all__ = ["PlatformRequest", "StaffRequest"]


class PlatformRequest(HttpRequest):
    platform: Platform
    role: Role | None
    actor: Actor
    private_preview: bool  # a private platform's public page, shown to its own staff


class StaffRequest(PlatformRequest):
    role: Role
    user: User
