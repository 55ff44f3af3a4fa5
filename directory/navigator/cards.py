"""The navigator's result cards, each written once per service, language and platform and kept
(directory.pieces) until the directory changes.

A search page used to load its 20 services with their organisation, phones and every schedule
(six prefetch querysets) and render a template include per card on every request. A card now
is kept as its HTML around the one part that depends on the hour, the 「今開いています」 badge,
with the schedules that decide it; a page loads and renders only the services whose cards are
not kept, and works out "open now" per request from the kept schedules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.template.loader import get_template
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django_scopes import scopes_disabled

from directory import pieces
from directory.models import Schedule, Service
from directory.navigator import queries
from directory.opening import is_open

TEMPLATE = "directory/navigator/_service_card.html"


@dataclass(frozen=True)
class KeptCard:
    """One service's card without the hour: the HTML before and after where the badge goes."""

    pk: int
    name: str
    is_national: bool
    is_24h: bool
    schedules: tuple[Schedule, ...]
    head: str
    tail: str


@dataclass(frozen=True)
class Card:
    """A card as shown at one moment (what the search page's template and view read)."""

    kept: KeptCard
    open_now: bool

    @property
    def pk(self) -> int:
        return self.kept.pk

    @property
    def name(self) -> str:
        return self.kept.name

    @property
    def is_national(self) -> bool:
        return self.kept.is_national

    @property
    def html(self) -> SafeString:
        badge = open_badge() if self.open_now else ""
        return mark_safe(self.kept.head + badge + self.kept.tail)  # noqa: S308 - rendered by the template


def open_badge() -> str:
    return format_html('<span class="badge open">{}</span>', gettext("今開いています"))


def write(service: Any, platform: Any) -> KeptCard:
    """Render ``service``'s card (loaded with organisation, phones and schedules) as open now,
    and keep the HTML around its badge (the first ``badge open``: names are escaped)."""
    service.open_now = True
    html = get_template(TEMPLATE).render({"s": service, "platform": platform})
    head, _badge, tail = html.partition(open_badge())
    return KeptCard(
        pk=service.pk,
        name=service.name,
        is_national=service.is_national,
        is_24h=service.is_24h,
        schedules=tuple(queries.schedules_of(service)),
        head=head,
        tail=tail,
    )


def cards(service_ids: Sequence[int], platform: Any, at: dt.datetime) -> list[Card]:
    """The cards of ``service_ids`` in that order (services that no longer load left out)."""
    scope = ("navigator-card", translation.get_language(), platform.pk)
    keys = [(*scope, pk) for pk in service_ids]
    enabled = pieces.enabled()
    generation = pieces.current() if enabled else ""
    kept = pieces.get_many(generation, keys) if enabled else {}
    missing = [key[-1] for key in keys if key not in kept]
    if missing:
        with scopes_disabled():  # ids the search just found in the platform's scope
            loaded = queries.with_schedules(Service.objects.select_related("organization")).prefetch_related(
                "phones"
            )
            made = {(*scope, s.pk): write(s, platform) for s in loaded.filter(pk__in=missing)}
        if enabled:
            pieces.put_many(generation, made)
        kept.update(made)
    shown = []
    for key in keys:
        card = kept.get(key)
        if card is not None:
            shown.append(Card(card, is_open(list(card.schedules), at, always_open=card.is_24h)))
    return shown
