"""python manage.py survey_import <platform-slug> <survey-slug> <file.csv|.xlsx>"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from platforms.commands import PlatformCommand
from platforms.models import Platform
from surveys.models import Survey
from surveys.services.imports import do_import_responses
from surveys.tables import ImportRejected


class Command(PlatformCommand):
    help = (
        "Import responses: columns are answer codes plus optional weight, stratum, mode, invitation. "
        "Any problem rejects the whole file with a report by row and column."
    )

    def add_platform_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("survey")
        parser.add_argument("file")

    def handle_platform(self, platform: Platform, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no file {path}")
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
