"""Fixtures of the governance tests: a Gifu-like プラットフォーム会議 with its 幹事団体."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django_scopes import scopes_disabled

from governance.models import AgendaItem, Body, Meeting, Response, Seat
from governance.rules import GIFU
from partnership.models import MemberOrganisation
from platforms.models import Platform
from tsunagari.lib.testing import make_member

START = datetime.date(2024, 4, 1)


def make_body(
    platform: Platform, n: int = 12, *, code: str = "pf-kaigi", rules: Any = GIFU, **extra: Any
) -> tuple[Body, list[Seat]]:
    with scopes_disabled():
        body = Body.objects.create(
            platform=platform,
            code=code,
            name="プラットフォーム会議",
            kind="council",
            rules=rules.to_dict(),
            **extra,
        )
        seats = []
        for i in range(1, n + 1):
            member: MemberOrganisation = make_member(
                platform, f"幹事団体{i:02d}-{code}", email=f"k{i}-{code}@{platform.slug}.example.jp"
            )
            seats.append(
                Seat.objects.create(
                    platform=platform,
                    body=body,
                    member=member,
                    name=member.name,
                    email=member.email,
                    starts_on=START,
                )
            )
        return body, seats


def make_meeting(
    body: Body,
    *,
    items: list[tuple[str, bool]] = (("議案1", True),),
    days: int = 7,
    status: str = Meeting.Status.CONVENED,
) -> Meeting:  # type: ignore[assignment]
    with scopes_disabled():
        meeting = Meeting.objects.create(
            platform=body.platform,
            body=body,
            number=Meeting.objects.filter(body=body).count() + 1,
            title="定例会議",
            starts_at=timezone.now() + datetime.timedelta(days=days),
            place="県庁 4階 会議室",
            online_url="https://meet.example.jp/pf",
            status=status,
        )
        for order, (code, notified) in enumerate(items, start=1):
            AgendaItem.objects.create(
                platform=body.platform,
                meeting=meeting,
                code=code,
                order=order,
                title=f"{code}の件",
                notified=notified,
            )
        return meeting


def check_in(meeting: Meeting, seats: list[Seat]) -> None:
    with scopes_disabled():
        for seat in seats:
            Response.objects.update_or_create(
                meeting=meeting,
                seat=seat,
                defaults={
                    "platform": meeting.platform,
                    "mode": Response.Mode.IN_PERSON,
                    "checked_in_at": timezone.now(),
                },
            )
