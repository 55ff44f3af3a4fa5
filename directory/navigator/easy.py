"""やさしい日本語 (plain Japanese) for the fixed UI text of the resident pages.

The plain wording is a gettext catalogue of its own, locale ``ja-easy``
(``directory/locale/ja_Easy/LC_MESSAGES/django.po``): msgid = the usual Japanese text,
msgstr = the やさしい日本語 version. Templates keep using ``{% translate %}``; a page served
in plain mode renders under ``translation.override("ja-easy")``, and any message the
catalogue lacks falls back to the usual Japanese. Residents switch with ``?easy=1`` /
``?easy=0`` (a link on every navigator page, no JavaScript), remembered in a cookie.
Only Japanese pages switch: an English page stays English.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

COOKIE = "easy_ja"
LANGUAGE = "ja-easy"
ONE_YEAR = 365 * 24 * 3600


def wanted(request: HttpRequest) -> bool:
    choice = request.GET.get("easy")
    if choice in ("0", "1"):
        return choice == "1"
    return request.COOKIES.get(COOKIE) == "1"


def toggle_url(request: HttpRequest, on: bool) -> str:
    query = request.GET.copy()
    query["easy"] = "1" if on else "0"
    query.pop("page", None)
    return f"{request.path}?{query.urlencode()}"


def easy_japanese(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Render ``view`` in やさしい日本語 when the resident asked for it (Japanese pages only)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        easy = wanted(request)
        japanese = (translation.get_language() or "ja").startswith("ja")
        state: Any = request  # the attributes the page's templates read
        state.easy_japanese = easy and japanese
        state.easy_toggle_url = toggle_url(request, not easy)
        if easy and japanese:
            with translation.override(LANGUAGE):
                response = view(request, *args, **kwargs)
        else:
            response = view(request, *args, **kwargs)
        if request.GET.get("easy") in ("0", "1"):
            response.set_cookie(
                COOKIE,
                request.GET["easy"],
                max_age=ONE_YEAR,
                samesite="Lax",
                httponly=True,
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    return wrapper
