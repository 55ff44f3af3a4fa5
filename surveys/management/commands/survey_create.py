"""python manage.py survey_create <platform-slug> <survey-slug> --template national [--module hikikomori]"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from platforms.commands import PlatformCommand
from platforms.models import Platform
from surveys.models import Audience
from surveys.national import MODULES, NATIONAL
from surveys.services.questionnaire import do_create_survey


class Command(PlatformCommand):
    help = "Create a survey (a draft questionnaire), optionally from the national template."

    def add_platform_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("survey", help="survey slug (used in the answering URL)")
        parser.add_argument("--template", choices=[NATIONAL], default="")
        parser.add_argument(
            "--module", action="append", choices=MODULES, default=[], help="optional module (repeatable)"
        )
        parser.add_argument("--title", default="", help="title (default: 孤独・孤立に関する実態調査)")
        parser.add_argument(
            "--regions", default="", help="地域 options, comma-separated (e.g. 中央,西部,東部)"
        )
        parser.add_argument("--organisations", action="store_true", help="a survey of member organisations")
        parser.add_argument(
            "--open-web", action="store_true", help="also accept answers without an invitation code"
        )

    def handle_platform(self, platform: Platform, **options: Any) -> None:
        regions = [r.strip() for r in options["regions"].split(",") if r.strip()]
        try:
            survey = do_create_survey(
                platform,
                slug=options["survey"],
                title=options["title"] or "孤独・孤立に関する実態調査",
                template=options["template"],
                modules=options["module"],
                audience=Audience.ORGANISATIONS if options["organisations"] else Audience.RESIDENTS,
                regions=regions,
                allow_open_web=options["open_web"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        count = survey.current_version().questions.count()
        self.stdout.write(f"created survey {survey.slug} ({survey.uuid}) with {count} questions")
