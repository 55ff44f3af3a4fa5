"""``mailing_subscribe <slug> <list> <email> [--name N] [--confirmed]``.

Without ``--confirmed`` the address gets a confirm mail (double opt-in); ``--confirmed`` imports a
consent obtained before (on paper, an earlier system) and is recorded as such.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django_scopes import scope

from mailings.management.commands._common import list_of
from mailings.models import Subscriber
from mailings.services.subscriptions import SubscriptionError, do_subscribe
from platforms.commands import platform_of


class Command(BaseCommand):
    help = "Subscribe an address to a mailing list (a confirm mail, or --confirmed for an existing consent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("list")
        parser.add_argument("email")
        parser.add_argument("--name", default="")
        parser.add_argument("--confirmed", action="store_true", help="the person has already consented")

    def handle(self, *args: Any, **options: Any) -> None:
        platform = platform_of(options["slug"])
        with scope(platform=platform), translation.override("ja"):
            mailing_list = list_of(options["list"])
            try:
                subscriber = do_subscribe(
                    mailing_list,
                    options["email"],
                    name=options["name"],
                    confirmed=options["confirmed"],
                    source=Subscriber.Source.IMPORT if options["confirmed"] else Subscriber.Source.STAFF,
                    consent_text="既存の同意を取込（manage.py mailing_subscribe --confirmed）"
                    if options["confirmed"]
                    else "",
                )
            except SubscriptionError as error:
                raise CommandError(error.messages[0]) from error
        self.stdout.write(f"{subscriber.email} {subscriber.status}")
