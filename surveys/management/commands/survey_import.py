"""python manage.py survey_import <platform-slug> <survey-slug> <file.csv|.xlsx>"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scope

from platforms.models import Platform
from surveys.models import Survey
from surveys.services.imports import ImportRejected, do_import_responses


class Command(BaseCommand):
    help = (
        "Import responses: columns are answer codes plus optional weight, stratum, mode, invitation. "
        "Any problem rejects the whole file with a report by row and column."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("platform")
        parser.add_argument("survey")
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        platform = Platform.objects.filter(slug=options["platform"]).first()
        if platform is None:
            raise CommandError(f"no platform {options['platform']!r}")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no file {path}")
        with scope(platform=platform):
            survey = Survey.objects.filter(slug=options["survey"]).first()
            if survey is None:
                raise CommandError(f"no survey {options['survey']!r} on {platform.slug}")
            started = time.perf_counter()
            try:
                batch = do_import_responses(survey, path.read_bytes(), path.name)
            except ImportRejected as exc:
                self.stderr.write(str(exc))
                raise CommandError(f"{path.name}: nothing imported ({exc.total} problems)") from None
        elapsed = time.perf_counter() - started
        self.stdout.write(f"imported {batch.rows} responses into {survey.slug} in {elapsed:.1f} s")
