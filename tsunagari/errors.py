"""Error pages that still help (issue 19): 400, 403, 404, 500 and CSRF failure.

Every error page is in the site's layout, in the active language (Japanese first), and on a
platform's pages shows the platform's name, a link to its home, the 24-hour crisis lines and
the platform's fallback window (「迷ったら…」), so that a resident who reaches an error at night
still has somewhere to turn.

The 500 page never touches the database (it may be what failed): it is rendered without
context processors (no session, no user) from what is already in memory, the platform that
the middleware resolved or, when even that failed, ``HelpMemoMiddleware``'s last snapshot of
the platform's help for its slug, and otherwise the shipped national lines.
"""

from __future__ import annotations

import copy
import logging
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import db
from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
    JsonResponse,
)
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.template import loader
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from django_scopes import scope

from consultations.crisis import NATIONAL_CRISIS_LINES, CrisisLine, crisis_lines
from directory.fallback import FallbackWindow, fallback_window
from platforms.models import Platform
from tsunagari.lib.throttle import RateLimited, check

logger = logging.getLogger(__name__)
TEMPLATE = "errors/error.html"
_SLUG = re.compile(r"^/p/([-a-zA-Z0-9_]+)/")
# A process takes a platform's snapshot on its first request for it, renews it when an error
# page is shown with the database up, and otherwise after this long: rarely, so that the
# snapshot's few queries almost never fall on an ordinary request (whose query count tests pin).
MEMO_SECONDS = 6 * 3600


@dataclass(frozen=True)
class PlatformHelp:
    """What an error page of a platform shows, kept in memory for when the database is down."""

    platform: Platform  # the instance as loaded (no query needed to show its fields)
    lines: list[CrisisLine] = field(default_factory=list)
    fallback: FallbackWindow | None = None
    taken: float = 0.0


_memo: dict[str, PlatformHelp] = {}
_memo_lock = threading.Lock()


def platform_help(platform: Platform) -> PlatformHelp:
    """The platform's 24-hour lines and fallback window now (reads the database), remembered."""
    found = PlatformHelp(
        platform=copy.copy(platform),
        lines=crisis_lines(platform),
        fallback=fallback_window(platform, timezone.now()),
        taken=time.monotonic(),
    )
    with _memo_lock:
        _memo[platform.slug] = found
    return found


def remembered_help(slug: str) -> PlatformHelp | None:
    with _memo_lock:
        return _memo.get(slug)


class HelpMemoMiddleware:
    """Keeps each platform's help (lines, fallback window) in memory, at most MEMO_SECONDS old,
    for the 500 page; placed after PlatformMiddleware (inside the platform's scope)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        platform = getattr(request, "platform", None)
        if platform is not None and platform.is_public:
            known = remembered_help(platform.slug)
            if known is None or time.monotonic() - known.taken > MEMO_SECONDS:
                try:
                    platform_help(platform)
                except Exception:  # noqa: BLE001 - a failed snapshot must not fail the request
                    logger.exception("could not take the help snapshot of %s", platform.slug)
        return self.get_response(request)


# Limits of whole groups of requests per client address (shared by all workers), checked before
# the view (issue 16): scope -> (path, methods, visitors only). How many per how long is
# settings.PUBLIC_RATE_LIMITS[scope] (a scope missing there is not limited). The views keep their
# own, closer limits: web chat start/message/resume, password reset, the join form.
LIMITED_PATHS: dict[str, tuple[re.Pattern[str], frozenset[str], bool]] = {
    # The public HSDS API (per platform and the all-platform aggregate).
    "hsds": (re.compile(r"^/(?:p/[^/]+/)?hsds/"), frozenset({"GET", "HEAD"}), False),
    # The resident navigator's search.
    "search": (re.compile(r"^/p/[^/]+/search$"), frozenset({"GET", "HEAD"}), False),
    # Starting a survey answer (each start creates a response).
    "survey_start": (re.compile(r"^/p/[^/]+/s/[^/]+/$"), frozenset({"POST"}), False),
    # Every other POST of a visitor who is not signed in (forms, answers, subscriptions), except
    # LINE's signed webhook, which LINE's servers send in bursts.
    "anonymous_post": (re.compile(r"^/(?!line/)"), frozenset({"POST"}), True),
}
API_PATH = LIMITED_PATHS["hsds"][0]


class RateLimitedMiddleware:
    """Applies ``LIMITS`` before the view, and answers ``tsunagari.lib.throttle.RateLimited`` (from
    here or any view) with the Japanese 429 page (the platform's crisis lines included: the person
    may be in the anonymous chat) and ``Retry-After``; the HSDS API gets a JSON 429. Placed after
    PlatformMiddleware (inside the platform's scope)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        numbers: dict[str, tuple[int, int]] = getattr(settings, "PUBLIC_RATE_LIMITS", {})
        for scope_name, (path, methods, visitors_only) in LIMITED_PATHS.items():
            if (
                scope_name not in numbers
                or request.method not in methods
                or not path.match(request.path_info)
            ):
                continue
            if visitors_only and getattr(request, "user", None) and request.user.is_authenticated:
                continue
            limit, window = numbers[scope_name]
            try:
                check(request, scope_name, limit=limit, window=window)
            except RateLimited as exc:
                response = self.process_exception(request, exc)
                assert response is not None
                return response
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, RateLimited):
            return None
        if API_PATH.match(request.path_info):
            api = JsonResponse(
                {
                    "detail": "リクエストが多すぎます。しばらくしてからお試しください。",
                    "retry_after": exception.retry_after,
                },
                status=429,
            )
            api["Retry-After"] = str(exception.retry_after)
            return api
        minutes = max(1, -(-exception.retry_after // 60))
        message = _(
            "短い時間に多くの送信がありました。%(minutes)d分ほどたってから、もう一度お試しください。"
        ) % {"minutes": minutes}
        response = HttpResponse(
            _render(request, 429, _("しばらくしてからお試しください"), message), status=429
        )
        response["Retry-After"] = str(exception.retry_after)
        return response


def _platform_of(request: HttpRequest, *, live: bool) -> Platform | None:
    """The public platform whose page this is: the middleware's, or (live only) the one named by
    a /p/<slug>/ path that resolved to no view."""
    platform = getattr(request, "platform", None)
    if platform is None and live:
        match = _SLUG.match(request.path_info or "")
        if match:
            platform = Platform.objects.filter(slug=match.group(1)).first()
    return platform if platform is not None and platform.is_public else None


def _help(request: HttpRequest, status: int, *, live: bool) -> PlatformHelp | None:
    if live:
        try:
            platform = _platform_of(request, live=True)
            if platform is not None:
                with scope(platform=platform):
                    return platform_help(platform)
        except Exception:  # noqa: BLE001 - the error page must render whatever failed
            logger.exception("help for a %s page", status)
    platform = getattr(request, "platform", None)
    if platform is not None:
        return remembered_help(platform.slug) if platform.is_public else None
    match = _SLUG.match(request.path_info or "")
    return remembered_help(match.group(1)) if match else None


def _context(request: HttpRequest, status: int, title: str, message: str, *, live: bool) -> dict[str, Any]:
    help_ = _help(request, status, live=live)
    platform = getattr(request, "platform", None)
    if platform is None or not platform.is_public:
        platform = help_.platform if help_ is not None else None
    return {
        "status": status,
        "title": title,
        "message": message,
        "platform": platform,
        "site_name": platform.name if platform is not None else "tsunagari",
        "lines": help_.lines if help_ and help_.lines else NATIONAL_CRISIS_LINES,
        "fallback": help_.fallback if help_ else None,
        "LANGUAGE_CODE": translation.get_language() or "ja",
        "LANGUAGE_BIDI": translation.get_language_bidi(),
        "request": request,
    }


def _render(request: HttpRequest, status: int, title: str, message: str, *, live: bool = True) -> str:
    context = _context(request, status, title, message, live=live)
    if live:
        # With the database: the full layout (user menu, CSRF token of the language switch).
        context.pop("request")
        try:
            return loader.render_to_string(TEMPLATE, context, request)
        except Exception:  # noqa: BLE001 - fall back to the page without context processors
            logger.exception("error page %s with context processors", status)
            context = _context(request, status, title, message, live=False)
    return loader.get_template(TEMPLATE).render(context)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return HttpResponseBadRequest(
        _render(
            request,
            400,
            _("リクエストを処理できませんでした"),
            _("送られた内容の形が正しくありませんでした。前のページに戻って、もう一度お試しください。"),
        )
    )


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return HttpResponseForbidden(
        _render(request, 403, _("このページは表示できません"), _("このページを見る権限がありません。"))
    )


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return HttpResponseNotFound(
        _render(
            request,
            404,
            _("ページが見つかりません"),
            _("お探しのページは、移動したか、なくなった可能性があります。"),
        )
    )


def _database_unavailable() -> bool:
    """Is the error being handled the database's absence (down, restarting, unreachable)?"""
    error = sys.exc_info()[1]
    while error is not None:
        if isinstance(error, db.InterfaceError):
            return True
        if isinstance(error, db.OperationalError):
            # SQLite reports a missing table as an OperationalError too: that one is a bug (500).
            text = str(error).lower()
            return not text.startswith(("no such ", "near ")) and "syntax error" not in text
        error = error.__cause__ or error.__context__
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    """Never reads the database: rendered from memory only. While the database is away (an
    OperationalError: connection refused, server restarting) it is a 503 with Retry-After, so
    that load balancers and clients retry instead of treating it as a bug."""
    if _database_unavailable():
        response = HttpResponse(
            _render(
                request,
                503,
                _("ただいま表示できません"),
                _("データベースに接続できません。1分ほどしてから、もう一度お試しください。"),
                live=False,
            ),
            status=503,
        )
        response["Retry-After"] = "60"
        return response
    return HttpResponseServerError(
        _render(
            request,
            500,
            _("ただいま表示できません"),
            _("システムに問題が起きています。しばらくしてから、もう一度お試しください。"),
            live=False,
        )
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if reason == REASON_NO_CSRF_COOKIE:
        message = _(
            "ブラウザのCookieが無効になっているため、送信できませんでした。Cookieを有効にして、もう一度お試しください。"
        )
    else:
        message = _(
            "時間がたったため、送信できませんでした。ページを読み込みなおして、もう一度送信してください。"
        )
    return HttpResponseForbidden(_render(request, 403, _("送信できませんでした"), message))
