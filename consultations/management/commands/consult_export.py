"""Export everything stored about one person (disclosure request), as JSON on stdout.

    python manage.py consult_export yamagata --person <uuid>
    python manage.py consult_export yamagata --code ABCD-EFGH-JKLM-NPQR   (web chat code)

The export is written to the audit log.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand
from django_scopes import scope

from accounts.permissions import Actor
from consultations.management.person import add_person_arguments, find_person, platform_of
from consultations.services.privacy import export_person


class Command(BaseCommand):
    help = "Export one person's consultation data as JSON."

    def add_arguments(self, parser) -> None:
        add_person_arguments(parser)

    def handle(self, *args, slug: str, person: str | None, code: str | None, **options) -> None:
        platform = platform_of(slug)
        with scope(platform=platform):
            consulter = find_person(platform, person=person, code=code)
            data = export_person(consulter, actor=Actor(user=None, role=None, platform=platform))
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
