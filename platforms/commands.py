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

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scope

from platforms.models import Platform


def platform_of(slug: str) -> Platform:
    """The platform with this slug, or the command's error."""
    platform = Platform.objects.filter(slug=slug).first()
    if platform is None:
        raise CommandError(f"unknown platform: {slug!r}")
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
