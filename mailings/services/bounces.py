"""Bounces: mail that did not reach a subscriber marks the address; enough hard bounces suspend it.

Two sources:

- SMTP refusals the outbox recorded (``OutboxMail.last_error`` of a failed mail): a 5xx answer
  to an address (``550 5.1.1 User unknown``) is a hard bounce, a mail failed after its retries on
  4xx answers is a soft one. Mails that failed for the connection (no server, a timeout) say
  nothing about an address and are not bounces.
- DSN bounce messages (RFC 3464, ``multipart/report; report-type=delivery-status``) that came
  back to the sender address, fed to ``manage.py mailing_dsn``: ``Action: failed`` with a 5.x.x
  status is hard, ``delayed`` or 4.x.x soft. The report names the original Message-ID, which
  the outbox fixed per mail (``<uuid@tsunagari.outbox>``): that gives the platform.

Every bounce is recorded once per mail and subscription (``Bounce`` unique on the two), so a
second run of ``mailing_bounces`` or a report delivered twice counts nothing again. A hard
bounce counts on every subscription of that address on the platform; at the list's
``bounce_limit`` a confirmed subscription is suspended (no issue is sent to it, staff see it on
the list page and may resume it once the address is fixed).
"""

from __future__ import annotations

import datetime
import email
import email.policy
import re
from dataclasses import dataclass, field
from email.message import Message

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.permissions import Actor
from audit.services import log_action
from mailings.models import Bounce, Subscriber
from mailings.services.subscriptions import email_key
from platforms.models import Platform
from tsunagari.lib.outbox.models import OutboxMail

LOOK_BACK = datetime.timedelta(days=30)
_PER_RECIPIENT = re.compile(r"^(?P<rcpt>[^\s;:]+@[^\s;:]+): (?P<code>\d{3})\b\s*(?P<text>.*)$")
_WHOLE_MAIL = re.compile(r"^(?P<code>\d{3})\b\s*(?P<text>.*)$")


def refusals(mail: OutboxMail) -> dict[str, tuple[str, str]]:
    """{address key: (kind, reason)} of a failed mail, from the server's answer the outbox kept."""
    found: dict[str, tuple[str, str]] = {}
    answer = mail.last_error or ""
    for part in answer.split("; "):
        per = _PER_RECIPIENT.match(part.strip())
        if per:
            kind = _kind(per["code"])
            if kind:
                found[email_key(per["rcpt"])] = (kind, part.strip()[:300])
    if found:
        return found
    whole = _WHOLE_MAIL.match(answer.strip())
    kind = _kind(whole["code"]) if whole else None
    if kind is None:
        return {}
    return {email_key(address): (kind, answer.strip()[:300]) for address in mail.to}


def _kind(code: str) -> str | None:
    if code.startswith("5"):
        return Bounce.Kind.HARD
    if code.startswith("4"):
        return Bounce.Kind.SOFT
    return None


@dataclass
class BounceRun:
    recorded: int = 0
    hard: int = 0
    suspended: list[Subscriber] = field(default_factory=list)


def do_record_bounces(
    platform: Platform, *, actor: Actor | None = None, now: datetime.datetime | None = None
) -> BounceRun:
    """Record the platform's failed mails of the last ``LOOK_BACK`` as bounces (call in its scope)."""
    now = now or timezone.now()
    run = BounceRun()
    failed = OutboxMail.objects.filter(
        platform=platform, state=OutboxMail.State.FAILED, last_attempt_at__gte=now - LOOK_BACK
    ).order_by("last_attempt_at", "id")
    for mail in failed.iterator():
        for key, (kind, reason) in refusals(mail).items():
            _record(run, key, mail.key, kind, Bounce.Source.SMTP, reason, actor, now)
    return run


@dataclass
class DsnRecipient:
    address: str
    action: str
    status: str
    diagnostic: str

    @property
    def kind(self) -> str | None:
        if self.action == "failed" and self.status.startswith("5"):
            return Bounce.Kind.HARD
        if self.action in ("failed", "delayed"):
            return Bounce.Kind.SOFT
        return None


@dataclass
class Report:
    message_id: str
    original_message_id: str
    recipients: list[DsnRecipient]


class NotAReport(ValueError):
    pass


def parse_dsn(raw: bytes) -> Report:
    """The recipients of an RFC 3464 delivery status notification (``NotAReport`` otherwise)."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    if message.get_content_type() != "multipart/report":
        raise NotAReport("not a multipart/report message")
    recipients: list[DsnRecipient] = []
    original = ""
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            blocks = _status_blocks(part)
            for block in blocks[1:]:  # the first block is about the reporting server
                address = (block.get("Final-Recipient") or block.get("Original-Recipient") or "").strip()
                address = address.split(";", 1)[-1].strip()
                if address:
                    recipients.append(
                        DsnRecipient(
                            address=address,
                            action=(block.get("Action") or "").strip().lower(),
                            status=(block.get("Status") or "").strip(),
                            diagnostic=" ".join((block.get("Diagnostic-Code") or "").split())[:300],
                        )
                    )
        elif kind in ("message/rfc822", "text/rfc822-headers") and not original:
            original = _original_id(part)
    if not recipients:
        raise NotAReport("no recipient in the delivery status")
    return Report((message.get("Message-ID") or "").strip(), original, recipients)


def _status_blocks(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):  # the email package parses each block as a Message
        return [block for block in payload if isinstance(block, Message)]
    text = str(payload).replace("\r\n", "\n")
    return [
        email.message_from_string(chunk.strip() + "\n")
        for chunk in re.split(r"\n\s*\n", text)
        if chunk.strip()
    ]


def _original_id(part: Message) -> str:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        return (payload[0].get("Message-ID") or "").strip()
    headers = email.message_from_string(str(payload))
    return (headers.get("Message-ID") or "").strip()


def do_record_dsn(report: Report, *, actor: Actor | None = None) -> BounceRun:
    """Record a bounce report (call in the scope of the platform of ``queries.mail_of_report``)."""
    now = timezone.now()
    run = BounceRun()
    key = f"dsn:{report.message_id or report.original_message_id}"[:250]
    for recipient in report.recipients:
        kind = recipient.kind
        if kind is None:
            continue
        reason = f"{recipient.status} {recipient.diagnostic}".strip()
        _record(run, email_key(recipient.address), key, kind, Bounce.Source.DSN, reason, actor, now)
    return run


def _record(
    run: BounceRun,
    address: str,
    mail_key: str,
    kind: str,
    source: str,
    reason: str,
    actor: Actor | None,
    now: datetime.datetime,
) -> None:
    for subscriber in Subscriber.objects.filter(email_key=address).select_related("mailing_list"):
        try:
            with transaction.atomic():
                Bounce.objects.create(
                    platform=subscriber.platform,
                    subscriber=subscriber,
                    mail_key=mail_key,
                    kind=kind,
                    source=source,
                    reason=reason[:300],
                )
                run.recorded += 1
                if kind != Bounce.Kind.HARD:
                    continue
                run.hard += 1
                subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
                subscriber.hard_bounces += 1
                subscriber.last_bounce_at = now
                subscriber.last_bounce_reason = reason[:300]
                suspend = (
                    subscriber.status == Subscriber.Status.CONFIRMED
                    and subscriber.hard_bounces >= subscriber.mailing_list.bounce_limit
                )
                if suspend:
                    subscriber.status = Subscriber.Status.SUSPENDED
                    subscriber.suspended_at = now
                subscriber.save(
                    update_fields=[
                        "hard_bounces",
                        "last_bounce_at",
                        "last_bounce_reason",
                        "status",
                        "suspended_at",
                    ]
                )
                if suspend:
                    run.suspended.append(subscriber)
                    log_action(
                        "mailings.suspend",
                        by=actor,
                        platform=subscriber.platform,
                        obj=subscriber,
                        data={"bounces": subscriber.hard_bounces, "source": source},
                        label="bounces",
                    )
        except IntegrityError:
            continue  # this mail's bounce of this subscription is already recorded


@transaction.atomic
def do_resume(subscriber: Subscriber, *, actor: Actor) -> bool:
    """Send to a suspended address again (staff checked it is right now); False if not suspended."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.status != Subscriber.Status.SUSPENDED:
        return False
    subscriber.status = Subscriber.Status.CONFIRMED
    subscriber.hard_bounces = 0
    subscriber.suspended_at = None
    subscriber.save(update_fields=["status", "hard_bounces", "suspended_at"])
    log_action("mailings.resume", by=actor, obj=subscriber)
    return True
