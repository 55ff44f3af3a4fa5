"""Reads of the audit app: a platform's audit entries and the mail outbox by state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from audit.models import AuditEntry, AuditQuerySet
from tsunagari.lib.outbox.models import OutboxMail

if TYPE_CHECKING:  # platforms sits above audit
    from platforms.models import Platform

MAIL_STATES = dict(OutboxMail.State.choices)
MAIL_LIST_FIELDS = ("uuid", "to", "subject", "state", "attempts", "created_at", "sent_at", "last_error")


def entries_of(platform: Platform) -> AuditQuerySet:
    """The platform's audit entries, newest first, with who acted."""
    return AuditEntry.objects.for_platform(platform).select_related("actor")


def outbox_mails(state: str = "") -> QuerySet[OutboxMail]:
    """The outbox's mails (only the list's columns), of one state when ``state`` is one."""
    mails = OutboxMail.objects.all()
    if state in MAIL_STATES:
        mails = mails.filter(state=state)
    return mails.only(*MAIL_LIST_FIELDS)


def outbox_counts() -> dict[str, int]:
    """How many mails the outbox holds in each state."""
    return dict(OutboxMail.objects.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
