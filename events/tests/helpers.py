"""Builders for the events tests."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Role
from accounts.permissions import Actor
from events.models import Event, Registration
from events.services.registration import SignUp, do_register
from platforms.models import Platform


def make_event(platform: Platform, slug: str = "forum", **extra: Any) -> Event:
    defaults: dict[str, Any] = dict(
        title="つながりフォーラム",
        venue="ピアザ淡海 大会議室",
        starts_at=timezone.now() + datetime.timedelta(days=10),
        deadline=timezone.now() + datetime.timedelta(days=9),
        capacity_venue=3,
        waitlist=True,
        status=Event.Status.PUBLISHED,
    )
    defaults.update(extra)
    with scopes_disabled():
        return Event.objects.create(platform=platform, slug=slug, **defaults)


def register(event: Event, email: str, *, name: str = "", **extra: Any) -> Registration:
    with scopes_disabled():
        return do_register(event, SignUp(name=name or email.split("@")[0], email=email, **extra))


def statuses(event: Event) -> list[tuple[str, str]]:
    with scopes_disabled():
        return list(
            Registration.objects.filter(event=event)
            .order_by("created_at", "id")
            .values_list("email", "status")
        )


def staff_actor(user: Any, platform: Platform) -> Actor:
    """The secretariat member acting, as a view passes ``request.actor``."""
    with scopes_disabled():
        role = Role.objects.filter(user=user, platform=platform).first()
    return Actor(user=user, role=role, platform=platform)
