"""``event_reminders``: mail the reminders due before events (run by the scheduler, hourly)."""

from __future__ import annotations

from accounts.permissions import Actor
from events.management.commands._common import DaytimeMailCommand, MailRun
from events.services.reminders import do_send_reminders


class Command(DaytimeMailCommand):
    help = "Queue the reminders due now to confirmed registrants (idempotent; nothing at night)."
    noun, plural, total = "reminder", "reminders", "reminder(s)"

    def send(self, actor: Actor) -> MailRun:
        return do_send_reminders(actor=actor)
