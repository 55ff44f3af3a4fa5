"""The one way tsunagari sends mail: store it in the outbox, send it after commit, with retries.

Usage (inside the service's transaction, like ``log_action``)::

    from tsunagari.lib import mail

    queued = mail.queue(
        to=[member.email],
        subject="入会を承認しました",
        body=text,                         # plain text; html_body="..." adds an HTML part
        platform=platform,                 # None only for mail of no platform (password reset)
        key=f"application.approved:{application.uuid}",   # idempotency key, see below
        kind="application.approved",       # a code of the mail's kind (filters, tests)
        reply_to=[platform.contact_email],
        headers={"List-Unsubscribe": "<https://…>"},   # extra headers (mail magazines, RFC 8058)
    )
    # or render the two templates <name>_subject.txt and <name>.txt:
    mail.queue_template("partnership/email/approved", context, to=[...], platform=..., key=...)

    messages.success(request, mail.notice(queued, _("通知メール")))  # 「…を送信しました」 or 「…の送信を予約しました」

What happens:

- ``queue()`` writes an ``OutboxMail`` row in the caller's transaction (state 送信待ち) and,
  once that transaction commits, enqueues the ``deliver_mail`` task; a rolled-back transaction
  sends nothing. The task worker (``manage.py db_worker``) sends it over SMTP.
- ``key`` makes queueing idempotent: a second ``queue()`` with the same key returns the stored
  mail and queues nothing (use the object's uuid and the event; a batch adds the recipient).
  Without a key every call is a new mail.
- A temporary failure (connection refused, timeout, 4xx, a server gone mid-batch) is retried
  with exponential backoff (1, 2, 4 … minutes, ``MAIL_MAX_ATTEMPTS`` tries, default 8); a 5xx
  refusal fails the mail at once. The server's answer is kept in ``last_error`` and shown to
  the secretariat on the 送信メール page. The worker claims a mail before sending and marks it
  sent right after, so no mail is sent twice; each mail carries a fixed Message-ID.
- ``manage.py send_mail_queue`` (cron, every few minutes) sends whatever is due and fails mails
  left 送信中 by a worker that died; it is the safety net if a task was lost.
- ``sensitive=True`` keeps the body off staff pages (a password link is for its owner only).

Pages say 「送信しました」 only for mail that has left (``mail.notice()``), otherwise
「送信を予約しました」: nothing claims a mail was sent before the server took it.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from tsunagari.lib.outbox.models import OutboxMail
from tsunagari.lib.outbox.sending import Outcome, due_ids, recover_stalled, send_mails
from tsunagari.lib.outbox.tasks import deliver_mail

__all__ = ["OutboxMail", "notice", "queue", "queue_template", "requeue", "send_due"]

_pending = threading.local()


def queue(
    *,
    to: Iterable[str],
    subject: str,
    body: str,
    platform: Any = None,
    key: str = "",
    kind: str = "",
    reply_to: Iterable[str] | None = None,
    html_body: str = "",
    from_email: str = "",
    sensitive: bool = False,
    headers: Mapping[str, str] | None = None,
) -> OutboxMail:
    """Store one mail and send it after the current transaction commits (see the module doc)."""
    recipients = [address for address in to if address]
    if not recipients:
        raise ValueError("a mail needs at least one recipient")
    key = key or f"uuid:{uuid.uuid4()}"
    with scopes_disabled():
        existing = OutboxMail.objects.filter(key=key).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                mail = OutboxMail.objects.create(
                    platform=platform,
                    key=key,
                    kind=kind,
                    from_email=from_email or settings.DEFAULT_FROM_EMAIL,
                    to=recipients,
                    reply_to=[address for address in reply_to or () if address],
                    subject=" ".join(subject.split())[:255],
                    body=body,
                    html_body=html_body,
                    sensitive=sensitive,
                    headers=dict(headers or {}),
                )
        except IntegrityError:  # the same key queued at the same moment by another request
            return OutboxMail.objects.get(key=key)
    _after_commit(mail.pk)
    return mail


def queue_template(name: str, context: Mapping[str, Any], **kwargs: Any) -> OutboxMail:
    """``queue()`` with the subject from ``<name>_subject.txt`` and the body from ``<name>.txt``."""
    subject = render_to_string(f"{name}_subject.txt", dict(context))
    body = render_to_string(f"{name}.txt", dict(context))
    return queue(subject=subject, body=body, **kwargs)


def _after_commit(pk: int) -> None:
    """Enqueue one worker task per committed transaction for the mails it queued."""
    ids = getattr(_pending, "ids", None)
    if ids is None:
        ids = _pending.ids = []
    ids.append(pk)
    transaction.on_commit(_enqueue_pending, robust=True)


def _enqueue_pending() -> None:
    ids, _pending.ids = getattr(_pending, "ids", None) or [], []
    if ids:  # the first hook of a transaction takes all; ids of rolled-back mails are skipped
        deliver_mail.enqueue(ids)


def send_due() -> Outcome:
    """Send every mail that is due now (the periodic command; tests call it after a request)."""
    recover_stalled()
    total = Outcome()
    while ids := due_ids():
        outcome = send_mails(ids)
        for field in ("sent", "retrying", "failed", "skipped"):
            setattr(total, field, getattr(total, field) + getattr(outcome, field))
        if outcome.retrying or (outcome.sent == 0 and outcome.failed == 0):
            break
    return total


@transaction.atomic
def requeue(mail: OutboxMail) -> bool:
    """Put a failed mail back in the queue (the secretariat's 再送); False if it was not failed."""
    with scopes_disabled():  # the caller looked the mail up in its platform's scope
        updated = OutboxMail.objects.filter(pk=mail.pk, state=OutboxMail.State.FAILED).update(
            state=OutboxMail.State.QUEUED, next_attempt_at=timezone.now(), attempts=0
        )
    if updated:
        _after_commit(mail.pk)
    return bool(updated)


def notice(mails: OutboxMail | Iterable[OutboxMail | None] | None, what: str) -> str:
    """「<what>を送信しました」 when every mail has left, otherwise 「<what>の送信を予約しました」."""
    if mails is None or isinstance(mails, OutboxMail):
        mails = [mails]
    stored = [m for m in mails if m is not None]
    if stored:
        with scopes_disabled():
            states = set(
                OutboxMail.objects.filter(pk__in=[m.pk for m in stored]).values_list("state", flat=True)
            )
        if states == {OutboxMail.State.SENT}:
            return _("%(what)sを送信しました。") % {"what": what}
    return _("%(what)sの送信を予約しました。") % {"what": what}
