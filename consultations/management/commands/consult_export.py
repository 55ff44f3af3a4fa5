"""Export everything stored about one person (disclosure request), as JSON on stdout.

    python manage.py consult_export yamagata --person <uuid>
    python manage.py consult_export yamagata --code ABCD-EFGH-JKLM-NPQR   (web chat code)
    python manage.py consult_export kamakura --case C-2026-0003            (a household case)

The export is written to the audit log.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand
from django_scopes import scope

from accounts.permissions import Actor
from consultations.management.person import add_person_arguments, find_case, find_person
from consultations.services.privacy import export_case, export_person
from platforms.commands import platform_of


class Command(BaseCommand):
    help = "Export one person's consultation data as JSON."

    def add_arguments(self, parser) -> None:
        add_person_arguments(parser)

    def handle(
        self, *args, slug: str, person: str | None, code: str | None, case: str | None, **options
    ) -> None:
        platform = platform_of(slug)
        system = Actor(user=None, role=None, platform=platform)
        with scope(platform=platform):
            if case:
                data = export_case(find_case(platform, case), actor=system)
            else:
                data = export_person(find_person(platform, person=person, code=code), actor=system)
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
