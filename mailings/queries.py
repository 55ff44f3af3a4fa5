"""Reads of the mail magazine shared by its views, services and commands: whose turn it is to
write, how far an issue's sending has gone, a person's lists, the mail a bounce report is about.

Every function runs inside the platform scope the middleware (or a command) has entered, except
``mail_of_report``, which finds the platform from the report itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Max
from django_scopes import scopes_disabled

from mailings.models import Delivery, Editor, Issue, MailingList, Subscriber
from tsunagari.lib.outbox.models import OutboxMail

_OUTBOX_ID = re.compile(r"<([0-9a-f]{32})@tsunagari\.outbox>")


def next_editor(mailing_list: MailingList) -> Any:
    """The editor whose turn it is: the one after the last issue's editor, in rotation order."""
    editors = list(Editor.objects.filter(mailing_list=mailing_list, active=True).select_related("user"))
    if not editors:
        return None
    last = Issue.objects.filter(mailing_list=mailing_list, editor__isnull=False).order_by("-number").first()
    users = [e.user for e in editors]
    if last is None or last.editor not in users:
        return users[0]
    return users[(users.index(last.editor) + 1) % len(users)]


def rotation(mailing_list: MailingList, count: int = 4) -> list[tuple[int, Any]]:
    """The next ``count`` issue numbers and who writes each (Tokushima's 4 staff in turn)."""
    editors = [
        e.user for e in Editor.objects.filter(mailing_list=mailing_list, active=True).select_related("user")
    ]
    if not editors:
        return []
    first = next_editor(mailing_list)
    start = editors.index(first)
    number = (Issue.objects.filter(mailing_list=mailing_list).aggregate(n=Max("number"))["n"] or 0) + 1
    return [(number + i, editors[(start + i) % len(editors)]) for i in range(count)]


@dataclass
class Progress:
    total: int
    sent: int
    waiting: int
    failed: int
    skipped: int

    @property
    def done(self) -> bool:
        return self.waiting == 0


def progress(issue: Issue) -> Progress:
    deliveries = Delivery.objects.filter(issue=issue)
    states = list(deliveries.values_list("mail__state", "skipped"))
    return Progress(
        total=len(states),
        sent=sum(1 for state, _skipped in states if state == OutboxMail.State.SENT),
        failed=sum(1 for state, _skipped in states if state == OutboxMail.State.FAILED),
        skipped=sum(1 for _state, skipped in states if skipped),
        waiting=sum(
            1
            for state, skipped in states
            if not skipped and state not in (OutboxMail.State.SENT, OutboxMail.State.FAILED)
        ),
    )


def subscriptions_of(subscriber: Subscriber) -> dict[MailingList, Subscriber | None]:
    """Every list a person may choose on the preferences page, with their subscription if any."""
    mine = {s.mailing_list_id: s for s in Subscriber.objects.filter(email_key=subscriber.email_key)}
    lists = MailingList.objects.filter(is_public=True) | MailingList.objects.filter(pk__in=list(mine))
    return {ml: mine.get(ml.pk) for ml in lists.distinct().order_by("name")}


def mail_of_report(original_message_id: str) -> OutboxMail | None:
    """The outbox mail a bounce report is about, from the original Message-ID the report names
    (the outbox gave each mail its own, ``<uuid@tsunagari.outbox>``)."""
    found = _OUTBOX_ID.search(original_message_id)
    if not found:
        return None
    with scopes_disabled():  # the report itself says which platform's mail it is about
        return OutboxMail.objects.filter(uuid=UUID(found.group(1))).select_related("platform").first()
