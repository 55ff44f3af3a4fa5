"""Issuing certificates: the PDF of who attended an event (checked in), or enough sessions of a course
(``events.queries.certificates_for_event`` / ``certificates_for_course``)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.permissions import Actor
from audit.services import log_action
from events.models import Course, Event
from events.queries import certificates_for_course, certificates_for_event
from tsunagari.lib.pdf import template_to_pdf


def do_render_certificates(subject: Event | Course, *, actor: Actor) -> tuple[bytes, int]:
    """The certificates PDF (one A4 landscape page each); issuing them is recorded in the audit log."""
    certificates = (
        certificates_for_course(subject) if isinstance(subject, Course) else certificates_for_event(subject)
    )
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
