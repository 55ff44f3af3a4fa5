"""``manage.py load_demo``: the demo platforms, members, councils and staff accounts (idempotent)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Role
from tsunagari.demo.loader import PlatformResult, load_demo
from tsunagari.demo.platforms import PLATFORMS
from tsunagari.demo.specs import DEMO_PASSWORD, DEMO_STAFF, staff_email

ROLE_LABELS = dict(Role.KINDS)


class Command(BaseCommand):
    help = (
        "Load the demo platforms (Saitama, Gifu, Shiga, Yamagata city, Ichihara, Kamakura, Tsuruoka, Ise, "
        "Tokushima) with members, applications, councils and staff accounts. Running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--platform",
            action="append",
            choices=[spec.slug for spec in PLATFORMS],
            help="load only this platform (repeatable)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            results = load_demo(options["platform"])
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self._summary(results, time.monotonic() - started)

    def _summary(self, results: list[PlatformResult], seconds: float) -> None:
        out = self.stdout.write
        created = sum(sum(r.created.values()) for r in results)
        loaded = [r for r in results if not r.skipped]
        skipped = f", {len(results) - len(loaded)} skipped" if len(loaded) < len(results) else ""
        out(
            self.style.SUCCESS(
                f"Demo data: {len(loaded)} platforms{skipped}, {created} records created in {seconds:.1f} s."
            )
        )
        out("")
        out(
            f"{'slug':<14}{'code':<8}{'members':>8}{'former':>8}{'pending':>8}{'councils':>9}{'seats':>7}  created"
        )
        for r in results:
            if r.skipped:
                out(self.style.WARNING(f"{r.spec.slug:<14}skipped: {r.skipped}"))
                continue
            t = r.totals
            new = ", ".join(f"{k} {v}" for k, v in r.created.items() if v) or "nothing (already loaded)"
            out(
                f"{r.spec.slug:<14}{r.platform.code:<8}{t['members']:>8}{t['former_members']:>8}"
                f"{t['pending_applications']:>8}{t['councils']:>9}{t['seats']:>7}  {new}"
            )
            out(f"{'':<14}{r.platform.name}")
        out("")
        out(
            f"Demo logins (password for all: {DEMO_PASSWORD}), at {settings.SITE_URL.rstrip('/')}/accounts/login/"
        )
        for local, kind, _label in DEMO_STAFF:
            second = "  + TOTP code" if kind in Role.TWO_FACTOR_KINDS else ""
            out(f"  {staff_email(local, '<slug>'):<32}{ROLE_LABELS[kind]}{second}")
        for r in loaded:
            if r.member_staff_of:
                out(f"  {staff_email('member', r.spec.slug):<32}works for {r.member_staff_of}")
        out("  e.g. " + ", ".join(staff_email("admin", r.spec.slug) for r in loaded[:3]))
        out("")
        out(
            "Every staff account signs in with a second factor. Its TOTP device has a key\n"
            "derived from the e-mail address; print the current 6-digit code with:\n"
            "  .venv/bin/python manage.py demo_totp admin@gifu.example.jp\n"
            "(demo_totp runs only when TSUNAGARI_DEMO=1, as `make run` sets, or with --force)."
        )
        if not settings.DEMO_MODE:
            self.stderr.write(
                self.style.WARNING(
                    "TSUNAGARI_DEMO is off: these demo accounts have a published password and a predictable "
                    "second factor. Never load the demo into a production database."
                )
            )
