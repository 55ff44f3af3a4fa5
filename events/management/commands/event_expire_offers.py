"""``event_expire_offers``: release waiting-list offers past their time to the next people (cron, hourly)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled

from events.models import Event, Registration
from events.services.registration import do_expire_offers
from platforms.models import Platform


class Command(BaseCommand):
    help = "Release expired offers of freed seats to the next people on each waiting list."

    def handle(self, *args: Any, **options: Any) -> None:
        with scopes_disabled():
            due = list(
                Registration.objects.filter(
                    status=Registration.Status.OFFERED, offer_expires_at__lte=timezone.now()
                )
                .values_list("platform_id", "event_id")
                .distinct()
            )
        released = 0
        for platform_id, event_id in due:
            platform = Platform.objects.get(pk=platform_id)
            with scope(platform=platform), translation.override("ja"):
                released += len(do_expire_offers(Event.objects.get(pk=event_id)))
        self.stdout.write(f"offered {released} seat(s) to the next people waiting")
