"""``manage.py demo_totp <email>``: the current TOTP code of a demo account (demo mode only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagari.demo import totp


class Command(BaseCommand):
    help = "Print the current 6-digit TOTP code of a demo account created by load_demo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="e.g. admin@gifu.example.jp")
        parser.add_argument("--force", action="store_true", help="run even when TSUNAGARI_DEMO is off")

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEMO_MODE or options["force"]):
            raise CommandError(
                "demo_totp only runs in demo mode: set TSUNAGARI_DEMO=1 (as `make run` does) or pass --force."
            )
        email = options["email"].strip().lower()
        device = TOTPDevice.objects.filter(user__email=email, name=totp.DEVICE_NAME, confirmed=True).first()
        if device is None:
            raise CommandError(
                f"{email} has no demo TOTP device (only load_demo's secretariat and counsellor accounts do)."
            )
        self.stdout.write(totp.current_code(device))
        self.stderr.write(f"valid for about {totp.seconds_left(device)} more seconds")
