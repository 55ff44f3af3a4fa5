"""Objects for the staff-URL × role matrix (platforms/tests/test_url_matrix.py): one per uuid URL.

The event is proposed by the organisation of the platform's member_staff user, so that the role
the guard lets in also sees it.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import Role
from events.models import Course, Event, Registration
from partnership.models import MemberOrganisation
from platforms.models import Platform


def objects(platform: Platform, member: MemberOrganisation) -> dict[str, object]:
    staff_role = Role.objects.filter(
        platform=platform, kind=Role.MEMBER_STAFF, organisation__isnull=False
    ).first()
    course = Course.objects.create(platform=platform, title="養成研修")
    event = Event.objects.create(
        platform=platform,
        slug=f"matrix-{platform.slug}",
        title="マトリクスの会",
        starts_at=timezone.now() + datetime.timedelta(days=30),
        capacity_venue=10,
        status=Event.Status.PUBLISHED,
        course=course,
        proposed_by=staff_role.organisation if staff_role is not None else member,
    )
    person = Registration.objects.create(
        platform=platform,
        event=event,
        name="マトリクス",
        email="m@example.jp",
        email_key="m@example.jp",
        status="confirmed",
    )
    found: dict[str, object] = {
        name: event
        for name in (
            "events:staff_event",
            "events:staff_edit",
            "events:staff_status",
            "events:staff_signup",
            "events:roster_csv",
            "events:seating",
            "events:seating_pdf",
            "events:reception",
            "events:feedback_results",
            "events:certificates",
        )
    }
    found["events:registration_cancel"] = person
    found["events:checkin"] = person
    found["events:course"] = course
    found["events:course_certificates"] = course
    return found
