"""``event_create <slug> <event-slug> --title T --starts ISO --capacity N [--deadline ISO] [--waitlist] [--publish]``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django_scopes import scope

from events.management.commands._common import when
from events.services.events import do_create_event
from platforms.commands import platform_of
from platforms.models import slug_validator


class Command(BaseCommand):
    help = "Create an event (a draft unless --publish); prints its URL name and uuid."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("event_slug")
        parser.add_argument("--title", required=True)
        parser.add_argument(
            "--starts", required=True, help="ISO date-time; without an offset it is Japan time"
        )
        parser.add_argument("--ends")
        parser.add_argument("--capacity", type=int, required=True, help="seats in the room")
        parser.add_argument("--online", type=int, default=0, help="seats online (default 0)")
        parser.add_argument("--deadline")
        parser.add_argument("--venue", default="")
        parser.add_argument("--waitlist", action="store_true", help="take a waiting list when full")
        parser.add_argument("--lottery", action="store_true", help="draw lots instead of first come")
        parser.add_argument("--table-size", type=int, default=8)
        parser.add_argument("--publish", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        platform = platform_of(options["slug"])
        if options["capacity"] < 0 or options["online"] < 0:
            raise CommandError("--capacity and --online must not be negative")
        try:
            slug_validator(options["event_slug"])
        except ValidationError as error:
            raise CommandError(f"event slug: {error.messages[0]}") from error
        data = {
            "slug": options["event_slug"],
            "title": options["title"],
            "starts_at": when(options["starts"], "--starts"),
            "ends_at": when(options["ends"], "--ends"),
            "deadline": when(options["deadline"], "--deadline"),
            "capacity_venue": options["capacity"],
            "capacity_online": options["online"],
            "venue": options["venue"],
            "waitlist": options["waitlist"],
            "allocation": "lottery" if options["lottery"] else "first_come",
            "table_size": options["table_size"],
        }
        with scope(platform=platform), translation.override("ja"):
            try:
                event = do_create_event(platform, data, publish=options["publish"])
            except ValidationError as error:
                raise CommandError(error.messages[0]) from error
        self.stdout.write(f"{event.slug} {event.uuid} {event.status}")
