"""Writes on the mail outbox: the secretariat sends a failed mail again."""

from __future__ import annotations

from django.db import transaction

from audit.models import AuditEntry
from audit.services.log import Acting, log_action
from tsunagari.lib import mail
from tsunagari.lib.outbox.models import OutboxMail


@transaction.atomic
def do_requeue_mail(outbox_mail: OutboxMail, *, by: Acting) -> bool:
    """The secretariat sends a failed mail again (False when it is not failed)."""
    if not mail.requeue(outbox_mail):
        return False
    log_action(AuditEntry.MAIL_REQUEUED, obj=outbox_mail, by=by)
    return True
