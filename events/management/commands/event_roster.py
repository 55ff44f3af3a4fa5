"""``event_roster <slug> <event-slug> [--json]``: who is confirmed, waiting and cancelled, in order."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django_scopes import scope

from events.management.commands._common import event_of
from events.queries import roster
from events.services.registration import do_expire_offers
from platforms.commands import platform_of


class Command(BaseCommand):
    help = (
        "The registrations of an event by state: confirmed (a freed seat offered to a waiting person "
        "counts as confirmed; 'offered' lists those not yet confirmed by their link), waitlisted, cancelled."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("event_slug")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        platform = platform_of(options["slug"])
        with scope(platform=platform):
            event = event_of(options["event_slug"])
            do_expire_offers(event)
            found = roster(event)
        if options["json"]:
            self.stdout.write(json.dumps(found, ensure_ascii=False))
            return
        for state, people in found.items():
            self.stdout.write(f"{state} ({len(people)}):")
            for person in people:
                self.stdout.write(f"  {person}")
