"""Finding one person for the commands that answer a person's request (export, erase)."""

from __future__ import annotations

import uuid
from argparse import ArgumentParser

from django.core.management.base import CommandError

from consultations.models import Case, Consulter
from consultations.services.webchat import find_by_code
from platforms.models import Platform


def add_person_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("slug")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--person", help="the person's uuid (shown on the staff pages)")
    group.add_argument("--code", help="the web chat code the person gives")
    group.add_argument(
        "--case",
        help="a household case that began outside a chat (its uuid or reference, e.g. C-2026-0003)",
    )


def find_person(platform: Platform, *, person: str | None, code: str | None) -> Consulter:
    """The person named by ``--person`` or ``--code``; call inside the platform's scope."""
    if code:
        found = find_by_code(platform, code)
        if found is None:
            raise CommandError(
                "no person with this web chat code on this platform "
                "(check the 16 characters; the code of an erased person no longer works)"
            )
        return found
    try:
        key = uuid.UUID(person or "")
    except ValueError as exc:
        raise CommandError(f"--person: not a uuid: {person!r}") from exc
    found = Consulter.objects.filter(uuid=key).first()
    if found is None:
        raise CommandError(f"--person: no person {key} on platform {platform.slug!r}")
    return found


def find_case(platform: Platform, key: str) -> Case:
    """The case named by ``--case`` (uuid or reference); call inside the platform's scope."""
    try:
        found = Case.objects.filter(uuid=uuid.UUID(key)).first()
    except ValueError:
        found = Case.objects.filter(reference=key.strip().upper()).first()
    if found is None:
        raise CommandError(f"--case: no case {key!r} on platform {platform.slug!r}")
    return found
