"""``PlatformCommand``: the base of every management command that works on one platform.

The command's first argument is the platform's slug. An unknown slug stops the command with
``unknown platform: '<slug>'``; otherwise ``handle_platform(platform, **options)`` runs inside the
platform's scope (tenant models answer for this platform only, as in its web pages)::

    class Command(PlatformCommand):
        help = "..."

        def add_platform_arguments(self, parser: CommandParser) -> None:
            parser.add_argument("folder")

        def handle_platform(self, platform: Platform, **options: Any) -> None:
            ...
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scope

from platforms import queries
from platforms.models import Platform


def platform_of(slug: str) -> Platform:
    """The platform with this slug, or the command's error."""
    platform = queries.platform_by_slug(slug)
    if platform is None:
        known = list(Platform.objects.order_by("slug").values_list("slug", flat=True)[:21])
        listed = ", ".join(known[:20]) + (", …" if len(known) > 20 else "")
        raise CommandError(f"unknown platform: {slug!r} (platforms: {listed or 'none yet'})")
    return platform


class PlatformCommand(BaseCommand):
    slug_help = "the platform's slug (as in /p/<slug>/)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help=self.slug_help)
        self.add_platform_arguments(parser)

    def add_platform_arguments(self, parser: CommandParser) -> None:
        """The command's own arguments, after the slug."""

    def handle(self, *args: Any, **options: Any) -> Any:
        platform = platform_of(options.pop("slug"))
        with scope(platform=platform):
            return self.handle_platform(platform, **options)

    def handle_platform(self, platform: Platform, **options: Any) -> Any:
        raise NotImplementedError


class DailyPlatformsCommand(BaseCommand):
    """The base of a daily job run over platforms: the slugs given (default: every platform), each
    inside its scope, with ``--today YYYY-MM-DD`` for catching up or testing. ``run_platform``
    returns how many it did; a line per platform that did something and the total are printed
    with ``done_line`` and ``total_line``::

        class Command(DailyPlatformsCommand):
            help = "..."
            done_line = "{slug}: {n} reminder(s) queued"
            total_line = "queued {n}"

            def run_platform(self, platform: Platform, today: datetime.date | None) -> int:
                return do_send_reminders(platform, today)
    """

    done_line = "{slug}: {n}"
    total_line = "{n}"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", help="platform slugs (default: every platform)")
        parser.add_argument("--today", help="YYYY-MM-DD (default: today in Asia/Tokyo)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError as error:
                raise CommandError(f"--today: not a date (YYYY-MM-DD): {options['today']!r}") from error
        platforms = Platform.objects.all()
        if options["slugs"]:
            platforms = platforms.filter(slug__in=options["slugs"])
            missing = set(options["slugs"]) - set(platforms.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"unknown platform: {', '.join(sorted(missing))}")
        total = 0
        for platform in platforms:
            with scope(platform=platform):
                done = self.run_platform(platform, today)
            if done:
                self.stdout.write(self.done_line.format(slug=platform.slug, n=done))
            total += done
        self.stdout.write(self.total_line.format(n=total))

    def run_platform(self, platform: Platform, today: datetime.date | None) -> int:
        raise NotImplementedError
