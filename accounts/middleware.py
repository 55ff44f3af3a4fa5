"""Resolve the tenant once per request and enter its query scope.

Every URL under ``/p/<platform_slug>/`` is resolved here: an unknown slug is
404, and the rest of the request runs inside ``django_scopes.scope`` so that
tenant-scoped managers only ever return this platform's rows. Staff URLs
(``/p/<slug>/staff/...``) additionally require a role on this platform:
anonymous users go to the login page, users without a role get 404 (the
same answer as for a platform that does not exist), and roles that require
two-factor authentication are sent to verify their TOTP code first.

A public, non-staff view may look its platform up itself (``resolves_own_platform``): the
LINE webhook, which answers many small machine requests and keeps the platform and its
channel in a per-process cache. Such a view must answer 404 to an unknown slug and enter
the platform's scope itself; ``request.platform`` stays None for it here, and it keeps its
``platform_slug`` argument.

Every other view resolved here does NOT receive ``platform_slug`` (``process_view`` drops it;
URLs still carry it): it reads ``request.platform`` (typed by ``accounts.http.PlatformRequest``).
``request.actor`` (``accounts.permissions.Actor``) is set on every request.

A platform that is not public (``Platform.is_public`` off: being prepared, or closed) shows no
public face: every non-staff URL answers 404, the same as for a slug that does not exist, with
two exceptions. Its own staff (any role on it) see the pages as residents would, under a banner
saying the platform is not public (``request.private_preview``). Views reached by a personal
signed link sent to one person (a ballot, an unsubscribe or mail-preferences link, an event
registration's own page) are marked ``reachable_when_private``: someone who already holds such a
link keeps it working. The LINE webhook resolves its own platform and is not affected, so a resident's
LINE message is never refused. See README, "Private platforms".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from accounts.permissions import Actor
from platforms import queries as platforms_queries
from platforms.models import Platform

View = Callable[..., HttpResponse]


def resolves_own_platform(view: View) -> View:
    """Mark a public view that resolves ``platform_slug`` (404, scope) by itself."""
    _state(view).resolves_own_platform = True
    return view


def reachable_when_private(view: View) -> View:
    """Mark a public view reached only by a personal signed link: it stays open on a private platform."""
    _state(view).reachable_when_private = True
    return view


class PlatformMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _state(request).platform = None
        _state(request).role = None
        _state(request).private_preview = False
        _state(request).actor = Actor.from_request(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        if match.namespaces and match.namespaces[0] == "admin":
            # The operator's admin site works across platforms by design.
            with scopes_disabled():
                return self.get_response(request)
        slug = match.kwargs.get("platform_slug")
        if slug is None:
            return self.get_response(request)
        staff = request.path_info.startswith(f"/p/{slug}/staff/")
        if not staff and getattr(match.func, "resolves_own_platform", False):
            return self.get_response(request)
        platform = platforms_queries.platform_by_slug(slug)
        if platform is None:
            raise Http404("platform")
        _state(request).platform = platform
        _state(request).actor = Actor.from_request(request)
        with scope(platform=platform):
            if staff:
                denied = self._check_staff(request, platform)
                if denied is not None:
                    return denied
            elif not platform.is_public and not getattr(match.func, "reachable_when_private", False):
                self._check_preview(request, platform)
            return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: View, view_args: list, view_kwargs: dict
    ) -> HttpResponse | None:
        """Views of a resolved platform read ``request.platform``, not the slug."""
        if getattr(request, "platform", None) is not None:
            view_kwargs.pop("platform_slug", None)
        return None

    def _check_preview(self, request: HttpRequest, platform: Platform) -> None:
        """A private platform's public page: its own staff preview it, everyone else gets 404."""
        user = request.user
        if not user.is_authenticated or not Role.objects.filter(user=user, platform=platform).exists():
            raise Http404("platform")
        _state(request).private_preview = True

    def _check_staff(self, request: HttpRequest, platform: Platform) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        role = Role.objects.filter(user=user, platform=platform).first()
        if role is None:
            raise Http404("platform")
        _state(request).role = role
        _state(request).actor = Actor.from_request(request)
        if role.requires_2fa and not _state(user).is_verified():  # django-otp's middleware adds it
            return redirect(f"{_otp_url()}?next={request.get_full_path()}")
        return None


def _state(request: Any) -> Any:
    """The request (or view) as the middleware writes it: it is here that ``platform``, ``role`` and
    ``actor`` come into being (``accounts.http.PlatformRequest`` types them for the views)."""
    return request


def _otp_url() -> str:
    return reverse("accounts:otp")
