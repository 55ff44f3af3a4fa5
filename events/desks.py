"""The platform's next events on the residents' home page (a provider for ``platforms.desks``)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event
from platforms.desks import Desk
from platforms.models import Platform


def upcoming_events(platform: Platform, at: datetime.datetime) -> Iterable[Desk]:
    """The next two published events that have not started (read only, inside the scope)."""
    events = Event.objects.filter(status=Event.Status.PUBLISHED, starts_at__gt=at).order_by("starts_at")[:2]
    for event in events:
        when = timezone.localtime(event.starts_at).strftime("%Y年%-m月%-d日 %H:%M")
        yield Desk(
            kind="event",
            title=event.title,
            url=reverse("events:detail", args=[platform.slug, event.slug]),
            link_text=_("詳しく見る・申し込む"),
            description=" ".join(part for part in (when, event.venue) if part),
            keywords=("イベント", "研修", "フォーラム", "セミナー", "講座"),
            order=90,
        )
