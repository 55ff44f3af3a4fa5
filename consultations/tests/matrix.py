"""Objects for the staff-URL × role matrix (platforms/tests/test_url_matrix.py)."""

from __future__ import annotations

import datetime

from consultations.models import (
    BusinessHours,
    Channel,
    ChannelKind,
    Consulter,
    Medium,
    SpecialPeriod,
    TrackedLink,
)
from partnership.models import MemberOrganisation
from platforms.models import Platform


def objects(platform: Platform, member: MemberOrganisation) -> dict[str, object]:
    hours = BusinessHours.objects.create(
        platform=platform, weekday=0, start=datetime.time(18), end=datetime.time(21)
    )
    period = SpecialPeriod.objects.create(
        platform=platform,
        name="強化月間",
        start_date=datetime.date(2030, 5, 1),
        end_date=datetime.date(2030, 5, 31),
        closed=True,
    )
    link = TrackedLink.objects.create(
        platform=platform, code=f"m{platform.slug}", medium=Medium.FLYER, label="チラシ"
    )
    channel = Channel.objects.create(platform=platform, kind=ChannelKind.WEB, name="Web")
    person = Consulter.objects.create(
        platform=platform, channel=channel, identity_hash=f"m{platform.slug}", label="MTRX"
    )
    return {
        "consultations:person_export": person,
        "consultations:hours_delete": hours,
        "consultations:period_delete": period,
        "consultations:link_qr": link,
    }
