"""Issues: drafted by the editor whose turn it is, reviewed and approved by another, then sent.

Sending never mails a subscriber twice:
1. ``do_start_sending`` fixes the recipients (one ``Delivery`` per confirmed subscriber, unique
   per issue and subscriber) in the same transaction that marks the issue 送信中.
2. ``send_batch`` takes the next deliveries without a mail, queues each through the shared
   outbox under the key ``mailing:<issue>:<subscriber>`` (a second queue of that key returns the
   stored mail) and links it to the delivery; the outbox claims each mail before handing it to
   the SMTP server and marks it sent right after.
3. Resuming after an outage (the task's next run, or ``manage.py mailing_send`` again) only
   sends what has not left: mails already sent are never claimed again.
The rate is ``rate_per_minute`` per batch and minute (the task re-schedules itself a minute on).
"""

from __future__ import annotations

import html
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import urlize
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from audit.services import log_action
from mailings.models import Delivery, Issue, MailingList, Subscriber
from mailings.queries import next_editor, progress
from mailings.services.subscriptions import preferences_url, unsubscribe_url
from tsunagari.lib import mail
from tsunagari.lib.outbox.models import OutboxMail
from tsunagari.lib.outbox.sending import Outcome, send_mails

MAX_SUBJECT = 160


def _check(subject: str, body: str) -> None:
    if not subject.strip():
        raise ValidationError(_("件名を入力してください。"))
    if len(subject) > MAX_SUBJECT or "\n" in subject or "\r" in subject:
        raise ValidationError(_("件名は改行なしの160字までにしてください。"))
    if not body.strip():
        raise ValidationError(_("本文を入力してください。"))


def do_create_issue(
    mailing_list: MailingList,
    *,
    subject: str,
    body: str,
    editor: Any = None,
    actor: Actor | None = None,
) -> Issue:
    _check(subject, body)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                number = (
                    Issue.objects.filter(mailing_list=mailing_list).aggregate(n=Max("number"))["n"] or 0
                ) + 1
                issue = Issue.objects.create(
                    platform=mailing_list.platform,
                    mailing_list=mailing_list,
                    number=number,
                    subject=subject.strip(),
                    body=body.replace("\r\n", "\n"),
                    editor=editor or next_editor(mailing_list) or (actor.user if actor else None),
                )
                log_action(
                    "mailings.issue_create",
                    by=actor,
                    platform=mailing_list.platform,
                    obj=issue,
                    label="command",
                )
                return issue
        except IntegrityError:
            continue  # another editor took the number at the same moment: take the next one
    raise ValidationError(_("号の番号を決められませんでした。もう一度お試しください。"))


def do_update_issue(issue: Issue, *, subject: str, body: str, actor: Actor) -> Issue:
    _check(subject, body)
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if issue.status not in (Issue.Status.DRAFT, Issue.Status.REVIEW):
            raise ValidationError(_("承認済み・送信済みの号は編集できません。"))
        issue.subject, issue.body = subject.strip(), body.replace("\r\n", "\n")
        issue.status = Issue.Status.DRAFT
        issue.save()
        log_action("mailings.issue_update", by=actor, obj=issue)
    return issue


STEPS = {
    # action: (from, to)
    "submit": ({Issue.Status.DRAFT}, Issue.Status.REVIEW),
    "return": ({Issue.Status.REVIEW, Issue.Status.APPROVED}, Issue.Status.DRAFT),
    "approve": ({Issue.Status.REVIEW}, Issue.Status.APPROVED),
}


def do_step(issue: Issue, action: str, *, actor: Actor, note: str = "") -> Issue:
    allowed, target = STEPS[action]
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if issue.status not in allowed:
            raise ValidationError(
                _("この操作はできません（現在の状態: %(s)s）。") % {"s": issue.get_status_display()}
            )
        if (
            action == "approve"
            and issue.editor_id is not None
            and issue.editor_id == getattr(actor.user, "pk", None)
        ):
            raise ValidationError(_("書いた本人は承認できません。ほかの担当者に確認を依頼してください。"))
        if action == "return" and not note.strip():
            raise ValidationError(_("差し戻しのコメントを入力してください。"))
        issue.status = target
        if action == "approve":
            issue.approved_by, issue.approved_at = actor.user, timezone.now()
        if action == "return":
            issue.review_note = note.strip()
            issue.approved_by, issue.approved_at = None, None
        issue.save()
        log_action(f"mailings.issue_{action}", by=actor, obj=issue)
    return issue


def body_html(issue: Issue, *, unsubscribe: str = "", preferences: str = "") -> str:
    """The HTML part: the text, escaped, URLs as links; no images, no tracking, no rewritten links."""
    paragraphs = [p for p in issue.body.split("\n\n") if p.strip()]
    rendered = [urlize(html.escape(p)).replace("\n", "<br>\n") for p in paragraphs]
    return render_to_string(
        "mailings/email/issue.html",
        {"issue": issue, "paragraphs": rendered, "unsubscribe": unsubscribe, "preferences": preferences},
    )


def body_text(issue: Issue, *, unsubscribe: str = "", preferences: str = "") -> str:
    return render_to_string(
        "mailings/email/issue.txt",
        {"issue": issue, "unsubscribe": unsubscribe, "preferences": preferences},
    )


def do_start_sending(issue: Issue, *, actor: Actor | None = None) -> int:
    """Fix the recipients and mark the issue 送信中; returns the number of deliveries (idempotent)."""
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if issue.status in (Issue.Status.SENDING, Issue.Status.SENT):
            return Delivery.objects.filter(issue=issue).count()
        if issue.status != Issue.Status.APPROVED:
            raise ValidationError(_("承認された号だけを送信できます。"))
        recipients = Subscriber.objects.filter(
            mailing_list=issue.mailing_list, status=Subscriber.Status.CONFIRMED
        )
        Delivery.objects.bulk_create(
            [Delivery(platform=issue.platform, issue=issue, subscriber=s) for s in recipients.order_by("id")],
            ignore_conflicts=True,
        )
        issue.status = Issue.Status.SENDING
        issue.send_started_at = timezone.now()
        issue.save(update_fields=["status", "send_started_at", "updated_at"])
        count = Delivery.objects.filter(issue=issue).count()
        log_action("mailings.send_start", by=actor, obj=issue, data={"recipients": count}, label="command")
        return count


def queue_batch(issue: Issue, limit: int) -> list[int]:
    """Queue the next ``limit`` deliveries' mails in the outbox; returns the outbox ids queued."""
    queued: list[int] = []
    with transaction.atomic():
        pending = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(issue=issue, mail__isnull=True, skipped=False)
            .select_related("subscriber")
            .order_by("id")[:limit]
        )
        for delivery in pending:
            subscriber = delivery.subscriber
            if subscriber.status != Subscriber.Status.CONFIRMED:
                delivery.skipped = True  # unsubscribed after sending started
                delivery.save(update_fields=["skipped"])
                continue
            unsubscribe, preferences = unsubscribe_url(subscriber), preferences_url(subscriber)
            stored = mail.queue(
                to=[subscriber.email],
                subject=f"【{issue.mailing_list.name} 第{issue.number}号】{issue.subject}",
                body=body_text(issue, unsubscribe=unsubscribe, preferences=preferences),
                html_body=body_html(issue, unsubscribe=unsubscribe, preferences=preferences),
                platform=issue.platform,
                key=f"mailing:{issue.uuid}:{subscriber.uuid}",
                kind="mailings.issue",
                headers={
                    "List-Unsubscribe": f"<{unsubscribe}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    "List-Id": f"{issue.mailing_list.name} <{issue.mailing_list.slug}.{issue.platform.slug}.tsunagari>",
                },
            )
            delivery.mail = stored
            delivery.save(update_fields=["mail"])
            queued.append(stored.pk)
    return queued


def finish_if_done(issue: Issue) -> bool:
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if issue.status == Issue.Status.SENT:
            return True
        state = progress(issue)
        if not state.done:
            return False
        issue.status, issue.sent_at = Issue.Status.SENT, timezone.now()
        issue.save(update_fields=["status", "sent_at", "updated_at"])
        log_action(
            "mailings.send_done",
            platform=issue.platform,
            obj=issue,
            data={"sent": state.sent, "failed": state.failed, "skipped": state.skipped},
            label="mailing",
        )
        return True


def send_now(issue: Issue, limit: int, *, resume: bool = True) -> Outcome:
    """Queue up to ``limit`` more mails and hand them to the SMTP server now (command, tests).

    ``resume``: mails an outage put back for a later retry are tried now (the operator asked).
    """
    queue_batch(issue, limit)
    if resume:
        with transaction.atomic():
            waiting = Delivery.objects.filter(issue=issue, mail__state=OutboxMail.State.QUEUED).values(
                "mail_id"
            )
            OutboxMail.objects.filter(pk__in=waiting).update(next_attempt_at=timezone.now())
    # Mails queued by an earlier run whose retry is due are sent again: the outbox claims each
    # before sending, so one that has left is never handed over twice.
    ids = list(
        Delivery.objects.filter(
            issue=issue, mail__state=OutboxMail.State.QUEUED, mail__next_attempt_at__lte=timezone.now()
        )
        .order_by("id")
        .values_list("mail_id", flat=True)[:limit]
    )
    return send_mails(ids)
