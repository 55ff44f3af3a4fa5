"""PlatformCommand: the slug resolves to a platform, whose scope the command runs in."""

from __future__ import annotations

import io
from typing import Any

from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError, CommandParser

from partnership.models import MemberOrganisation
from platforms.commands import PlatformCommand
from platforms.models import Platform
from tsunagari.lib.testing import BaseTestCase


class CountMembers(PlatformCommand):
    def add_platform_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--prefix", default="")

    def handle_platform(self, platform: Platform, **options: Any) -> None:
        # A scoped model answers only inside the platform's scope.
        names = MemberOrganisation.objects.values_list("name", flat=True)
        self.stdout.write(f"{options['prefix']}{platform.slug}:{sorted(names)}")


# What each command needs after the slug to get as far as looking the platform up.
ARGUMENTS = {
    "import_hsds": ["folder"],
    "export_hsds": ["folder"],
    "survey_create": ["kodoku"],
    "survey_import": ["kodoku", "answers.csv"],
    "consult_report": ["--from", "2024-04-01", "--to", "2024-04-30"],
}


class PlatformCommandTestCase(BaseTestCase):
    def test_it_runs_inside_the_named_platforms_scope(self) -> None:
        out = io.StringIO()
        call_command(CountMembers(), "alpha", "--prefix", "> ", stdout=out)
        self.assertEqual(out.getvalue().strip(), "> alpha:['NPO法人アルファ支援ネット']")
        out = io.StringIO()
        call_command(CountMembers(), "beta", stdout=out)
        self.assertEqual(out.getvalue().strip(), "beta:['NPO法人ベータ支援ネット']")

    def test_it_stops_at_an_unknown_platform(self) -> None:
        with self.assertRaisesMessage(CommandError, "unknown platform: 'gamma'"):
            call_command(CountMembers(), "gamma")

    def test_it_is_the_base_of_the_commands_that_take_a_slug(self) -> None:
        for app, name in (
            ("directory", "import_hsds"),
            ("directory", "export_hsds"),
            ("surveys", "survey_create"),
            ("surveys", "survey_import"),
            ("consultations", "consult_report"),
        ):
            self.assertIsInstance(load_command_class(app, name), PlatformCommand, name)
            with self.assertRaisesMessage(CommandError, "unknown platform: 'gamma'"):
                call_command(name, "gamma", *ARGUMENTS[name])
