"""``event_cancel <slug> <event-slug> --email E``: cancel as the registrant's own link does."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django_scopes import scope

from events.management.commands._common import event_of
from events.models import Registration
from events.services.registration import RegistrationError, do_cancel
from events.tokens import email_key
from platforms.commands import platform_of


class Command(BaseCommand):
    help = "Cancel one registration by e-mail; a freed seat goes to the waiting list at once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("event_slug")
        parser.add_argument("--email", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        platform = platform_of(options["slug"])
        with scope(platform=platform), translation.override("ja"):
            event = event_of(options["event_slug"])
            registration = (
                Registration.objects.active()
                .filter(event=event, email_key=email_key(options["email"]))
                .first()
            )
            if registration is None:
                raise CommandError(f"no live registration for {options['email']!r}")
            try:
                promoted = do_cancel(registration, reason="registrant")
            except RegistrationError as error:
                raise CommandError(error.messages[0]) from error
        self.stdout.write(f"cancelled {registration.email}")
        for person in promoted:
            self.stdout.write(f"offered {person.email or person.name}")
