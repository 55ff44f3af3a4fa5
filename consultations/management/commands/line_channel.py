"""Set a platform's LINE channel secret and access token (stored encrypted)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from consultations.services.channels import do_configure_line
from platforms.commands import platform_of


class Command(BaseCommand):
    help = "Configure the LINE channel of a platform: line_channel <slug> --secret S --token T"

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--secret", default="", help="Channel secret (Basic settings)")
        parser.add_argument("--token", default="", help="Channel access token (long-lived)")
        parser.add_argument("--basic-id", default=None, help="LINE basic ID such as @733gquft")

    def handle(self, *args, slug: str, secret: str, token: str, basic_id: str | None, **options) -> None:
        platform = platform_of(slug)
        if not (secret or token or basic_id is not None):
            raise CommandError("give --secret, --token and/or --basic-id")
        if secret and len(secret) < 16:
            raise CommandError("--secret looks too short (LINE channel secrets are 32 hex characters)")
        with scope(platform=platform):
            channel = do_configure_line(platform, secret=secret, token=token, basic_id=basic_id)
        state = "ready" if channel.line_configured else "incomplete (secret and token are both needed)"
        self.stdout.write(f"{slug}: LINE channel {state}; webhook URL /line/{slug}/webhook")
