"""Export everything stored about one person (disclosure request), as JSON on stdout.

    python manage.py consult_export yamagata --person <uuid>
    python manage.py consult_export yamagata --code ABCD-EFGH-JKLM-NPQR   (web chat code)

The export is written to the audit log.
"""

from __future__ import annotations

import json
import uuid

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from consultations.models import Consulter
from consultations.services.privacy import export_person
from consultations.services.webchat import find_by_code
from platforms.models import Platform


def _uuid(value: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(value or "")
    except ValueError as exc:
        raise CommandError(f"--person: not a uuid: {value!r}") from exc


class Command(BaseCommand):
    help = "Export one person's consultation data as JSON."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("slug")
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--person", help="the person's uuid (shown on the staff pages)")
        group.add_argument("--code", help="the web chat code the person gives")

    def handle(self, *args, slug: str, person: str | None, code: str | None, **options) -> None:  # type: ignore[no-untyped-def]
        platform = Platform.objects.filter(slug=slug).first()
        if platform is None:
            raise CommandError(f"no platform with slug {slug!r}")
        with scope(platform=platform):
            consulter = (
                find_by_code(platform, code) if code else Consulter.objects.filter(uuid=_uuid(person)).first()
            )
            if consulter is None:
                raise CommandError("no such person on this platform")
            data = export_person(consulter)
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
