"""The worker's side of the outbox: claim a mail, hand it to the SMTP server, record the answer.

A mail is claimed with one conditional UPDATE (queued -> sending) committed before the server is
contacted, and marked sent right after the server accepted it; two workers (a retry task and the
periodic ``manage.py send_mail_queue``) can therefore never both send it. A worker that dies
between the two leaves the mail ``sending``: ``recover_stalled()`` marks it failed (not queued
again, since the server may have taken it) for the secretariat to look at and resend.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_scopes import scopes_disabled

from tsunagari.lib.outbox.models import OutboxMail

logger = logging.getLogger(__name__)

# Retries: 1, 2, 4, ... minutes (base MAIL_RETRY_BASE_SECONDS), at most MAIL_MAX_ATTEMPTS tries
# in all; after the last one the mail is failed. With the defaults the last try is ~4 hours after
# the first, which outlasts an ordinary mail-server outage.
BATCH_SIZE = 200
STALLED_AFTER = datetime.timedelta(minutes=15)


def max_attempts() -> int:
    return int(getattr(settings, "MAIL_MAX_ATTEMPTS", 8))


def retry_delay(attempts: int) -> datetime.timedelta:
    """Exponential backoff after the ``attempts``-th failed try (capped at six hours)."""
    base = float(getattr(settings, "MAIL_RETRY_BASE_SECONDS", 60))
    return datetime.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


@dataclass
class Outcome:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0


class _Permanent(Exception):
    """The server refused this mail for good (5xx): trying again would be refused again."""


def server_answer(exc: BaseException) -> str:
    """What the server (or the network) said, as the secretariat reads it."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{rcpt}: {code} {_text(msg)}" for rcpt, (code, msg) in sorted(exc.recipients.items())
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, TimeoutError) or (
        isinstance(exc, smtplib.SMTPServerDisconnected) and "timed out" in str(exc)
    ):
        return f"応答がありません（タイムアウト）: {exc}"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"接続が切れました: {exc}"
    if isinstance(exc, OSError):
        return f"接続できませんでした: {exc}"
    return f"{type(exc).__name__}: {exc}"


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _permanent(exc: BaseException) -> bool:
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return False  # the installation's login is wrong, not this mail: retry once it is fixed
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def build_message(mail: OutboxMail, connection: BaseEmailBackend | None = None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body,
        from_email=mail.from_email,
        to=list(mail.to),
        reply_to=list(mail.reply_to) or None,
        headers={**(mail.headers or {}), "Message-ID": mail.message_id},
        connection=connection,
    )
    if mail.html_body:
        message.attach_alternative(mail.html_body, "text/html")
    return message


def _claim(pk: int, now: datetime.datetime) -> bool:
    with transaction.atomic():
        return (
            OutboxMail.objects.filter(pk=pk, state=OutboxMail.State.QUEUED, next_attempt_at__lte=now).update(
                state=OutboxMail.State.SENDING, attempts=F("attempts") + 1, last_attempt_at=now
            )
            == 1
        )


def _finish(pk: int, **fields: object) -> None:
    with transaction.atomic():
        OutboxMail.objects.filter(pk=pk, state=OutboxMail.State.SENDING).update(**fields)


def send_mails(pks: Iterable[int]) -> Outcome:
    """Send the given mails that are due, over one connection; stop at the first outage.

    A refusal of one mail (5xx) fails that mail and goes on; a temporary answer (4xx), a timeout
    or a lost connection schedules that mail's retry and ends the batch, leaving the rest queued
    (untouched) for the next run instead of spending a try of each on a server that is down.
    """
    outcome = Outcome()
    connection: BaseEmailBackend | None = None
    try:
        with scopes_disabled():
            for pk in pks:
                now = timezone.now()
                if not _claim(pk, now):
                    outcome.skipped += 1
                    continue
                mail = OutboxMail.objects.get(pk=pk)
                try:
                    if connection is None:
                        connection = get_connection(fail_silently=False)
                        connection.open()
                    if build_message(mail, connection).send() != 1:
                        raise _Permanent("宛先がありません")
                except Exception as exc:  # noqa: BLE001 - every failure is recorded on the mail
                    answer = server_answer(exc)
                    logger.warning("outbox mail %s not sent: %s", mail.uuid, type(exc).__name__)
                    if isinstance(exc, _Permanent) or _permanent(exc) or mail.attempts >= max_attempts():
                        _finish(pk, state=OutboxMail.State.FAILED, last_error=answer)
                        outcome.failed += 1
                        if isinstance(exc, _Permanent) or _permanent(exc):
                            continue
                    else:
                        _finish(
                            pk,
                            state=OutboxMail.State.QUEUED,
                            last_error=answer,
                            next_attempt_at=now + retry_delay(mail.attempts),
                        )
                        outcome.retrying += 1
                    _close(connection)
                    connection = None
                    break
                else:
                    _finish(pk, state=OutboxMail.State.SENT, sent_at=timezone.now(), last_error="")
                    outcome.sent += 1
    finally:
        _close(connection)
    return outcome


def _close(connection: BaseEmailBackend | None) -> None:
    if connection is None:
        return
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - a connection already gone cannot be closed politely
        logger.debug("closing the mail connection failed", exc_info=True)


def due_ids(limit: int = BATCH_SIZE) -> list[int]:
    with scopes_disabled():
        return list(
            OutboxMail.objects.filter(state=OutboxMail.State.QUEUED, next_attempt_at__lte=timezone.now())
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:limit]
        )


def next_due() -> datetime.datetime | None:
    with scopes_disabled():
        return (
            OutboxMail.objects.filter(state=OutboxMail.State.QUEUED)
            .order_by("next_attempt_at")
            .values_list("next_attempt_at", flat=True)
            .first()
        )


def recover_stalled(now: datetime.datetime | None = None) -> int:
    """Fail mails left ``sending`` by a worker that died: the server may have them, so no resend."""
    now = now or timezone.now()
    with scopes_disabled(), transaction.atomic():
        return OutboxMail.objects.filter(
            state=OutboxMail.State.SENDING, last_attempt_at__lt=now - STALLED_AFTER
        ).update(
            state=OutboxMail.State.FAILED,
            last_error="送信中に処理が中断しました。サーバーが受け取ったか確認できないため、自動では再送していません。",
        )
