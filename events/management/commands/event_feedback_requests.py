"""``event_feedback_requests``: after an event, mail its questionnaire to the attendees (scheduler)."""

from __future__ import annotations

from accounts.permissions import Actor
from events.management.commands._common import DaytimeMailCommand, MailRun
from events.services.feedback_survey import do_send_feedback_requests


class Command(DaytimeMailCommand):
    help = "Mail the feedback questionnaire to attendees of ended events (once each; nothing at night)."
    noun, plural, total = "request", "requests", "feedback request(s)"

    def send(self, actor: Actor) -> MailRun:
        return do_send_feedback_requests(actor=actor)
