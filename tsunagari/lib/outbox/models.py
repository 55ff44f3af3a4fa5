"""Every mail the system sends, stored before it is sent (tsunagari.lib.mail is the way in)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class OutboxMail(models.Model):
    """One mail: what to send, to whom, and what happened when the worker tried.

    ``key`` is the idempotency key: queueing the same key again returns the stored mail, and the
    worker claims a mail (queued -> sending) with one conditional UPDATE before talking to the
    server, so no mail is handed to the server twice. ``platform`` is empty for mail that belongs
    to no platform (a password reset); only the operator's admin shows those.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("送信待ち")
        SENDING = "sending", _("送信中")
        SENT = "sent", _("送信済み")
        FAILED = "failed", _("送信失敗")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    platform = models.ForeignKey(
        "platforms.Platform", on_delete=models.CASCADE, null=True, blank=True, related_name="outbox_mails"
    )
    key = models.CharField(_("重複防止キー"), max_length=200, unique=True)
    kind = models.CharField(_("種類コード"), max_length=80, blank=True)
    from_email = models.CharField(_("差出人"), max_length=254)
    to = models.JSONField(_("宛先"), default=list)
    reply_to = models.JSONField(_("返信先"), default=list, blank=True)
    subject = models.CharField(_("件名"), max_length=255)
    body = models.TextField(_("本文"))
    html_body = models.TextField(_("HTML本文"), blank=True)
    headers = models.JSONField(
        _("追加ヘッダー"),
        default=dict,
        blank=True,
        help_text=_("例: List-Unsubscribe（メールマガジンの配信停止）"),
    )
    sensitive = models.BooleanField(
        _("本文を画面に表示しない"),
        default=False,
        help_text=_("パスワード設定のリンクなど、本人だけが見るべき本文"),
    )
    state = models.CharField(_("状態"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("送信試行回数"), default=0)
    next_attempt_at = models.DateTimeField(_("次の送信予定"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("最後の送信試行"), null=True, blank=True)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)
    last_error = models.TextField(_("サーバーの応答"), blank=True)
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)

    objects = ScopedManager(platform="platform")

    class Meta:
        verbose_name = _("送信メール")
        verbose_name_plural = _("送信メール")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["platform", "state", "created_at"], name="outbox_platform_state"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)} ({self.get_state_display()})"

    @property
    def message_id(self) -> str:
        """A Message-ID fixed by the mail, so a receiver can also tell a repeat apart."""
        return f"<{self.uuid.hex}@tsunagari.outbox>"
