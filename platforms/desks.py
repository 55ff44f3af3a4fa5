"""The platform's own desks: the ways in that the platform itself runs for residents.

A resident who reaches a platform's home page should see, before anything else, where this
platform itself answers: its web chat (today's hours, open now or not), its LINE account,
the サポートリスト PDF, the surveys it asks residents to answer, and the window to call when
in doubt (「迷ったら」). Each of these belongs to a different capability app (consultations,
surveys, directory), and the page that shows them (directory's navigator) may not import the
apps above it. So each app registers a provider here in its ``AppConfig.ready()``, and the
navigator asks ``desks_of(platform)``.

A provider is ``provider(platform, at) -> Iterable[Desk]``, called inside the platform's
scope, reading only (a resident's GET never writes). ``keywords`` are the words a resident
may type to find the desk in search (チャット, LINE, 相談 …).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone

from platforms.models import Platform

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Desk:
    kind: str  # "chat", "line", "support_list", "survey", "fallback"
    title: str
    url: str = ""
    link_text: str = ""
    description: str = ""
    phone: str = ""
    hours: str = ""  # e.g. today's hours 「今日 18:00〜21:00」
    open_now: bool | None = None  # None: the desk has no hours (a PDF, a survey)
    status: str = ""  # one line about now: 「いま相談員が対応しています」
    qr_svg: str = ""  # data: URI of a QR code (the LINE friend link)
    keywords: tuple[str, ...] = ()
    order: int = 100


Provider = Callable[[Platform, datetime.datetime], Iterable[Desk]]
_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Register (or replace) the provider called ``name`` (an app label)."""
    _providers[name] = provider


def desks_of(platform: Platform, at: datetime.datetime | None = None) -> list[Desk]:
    """Every registered desk of ``platform``, in display order.

    A provider that fails is logged and left out: a resident's page shows the other desks
    (and the crisis lines) rather than an error page.
    """
    at = at or timezone.now()
    found: list[Desk] = []
    for name, provider in _providers.items():
        try:
            found.extend(provider(platform, at))
        except Exception:
            logger.exception("desk provider %s failed for platform %s", name, platform.slug)
    return sorted(found, key=lambda desk: desk.order)
