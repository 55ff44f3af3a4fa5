"""Who gets a certificate: attended an event (checked in), or enough sessions of a course."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.permissions import Actor
from audit.services import log_action
from events.models import Course, Event, Registration
from events.queries import course_attendance
from tsunagari.lib.pdf import template_to_pdf


@dataclass
class Certificate:
    name: str
    organisation: str
    title: str
    body: str
    number: str


def for_event(event: Event) -> list[Certificate]:
    people = Registration.objects.filter(event=event, checked_in_at__isnull=False).order_by(
        "name_kana", "name"
    )
    return [
        Certificate(p.name, p.organisation, event.title, "", f"{event.slug}-{index:04d}")
        for index, p in enumerate(people, start=1)
    ]


def for_course(course: Course) -> list[Certificate]:
    lines = [line for line in course_attendance(course) if line.completed]
    return [
        Certificate(line.name, line.organisation, course.title, course.certificate_title, f"C{index:04d}")
        for index, line in enumerate(lines, start=1)
    ]


def do_render_certificates(subject: Event | Course, *, actor: Actor) -> tuple[bytes, int]:
    """The certificates PDF (one A4 landscape page each); issuing them is recorded in the audit log."""
    certificates = for_course(subject) if isinstance(subject, Course) else for_event(subject)
    issued_on = timezone.localdate()
    body = template_to_pdf(
        "events/print/certificates.html",
        {
            "certificates": certificates,
            "issued_on": issued_on,
            "platform": subject.platform,
            "subject": subject,
        },
    )
    with transaction.atomic():
        log_action(
            "events.certificates",
            by=actor,
            obj=subject,
            data={"count": len(certificates)},
        )
    return body, len(certificates)
