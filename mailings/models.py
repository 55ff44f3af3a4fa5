"""The mail magazine: lists, subscribers with their consent, editors in rotation, issues, deliveries.

Source: Tokushima (seed 004) — a mail magazine issued as needed, written by four staff in turn,
as a benefit of membership (events, grants). Subscriptions are double opt-in, every issue
carries a one-click unsubscribe (RFC 8058), and an issue goes to each subscriber at most once:
a ``Delivery`` row per subscriber is fixed when sending starts, and its mail goes through the
shared outbox under a key of the issue and the subscriber.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagari.lib.outbox.models import OutboxMail
from tsunagari.lib.tenancy import TenantModel


class MailingList(TenantModel):
    slug = models.SlugField(_("URL名"), max_length=40)
    name = models.CharField(_("名称"), max_length=120)
    description = models.TextField(_("説明"), blank=True, help_text=_("登録ページに表示します。"))
    is_public = models.BooleanField(
        _("だれでも登録できる"), default=True, help_text=_("オフにすると事務局が登録した方だけに届きます。")
    )
    archive_public = models.BooleanField(_("バックナンバーを公開する"), default=True)
    rate_per_minute = models.PositiveIntegerField(
        _("1分あたりの送信数"), default=60, help_text=_("メールサーバーに合わせて。")
    )
    bounce_limit = models.PositiveSmallIntegerField(
        _("配信を止める不達の回数"),
        default=3,
        help_text=_("宛先が存在しないなどの恒久的な不達がこの回数に達したアドレスへの配信を止めます。"),
    )

    class Meta:
        verbose_name = _("メールマガジン")
        verbose_name_plural = _("メールマガジン")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["platform", "slug"], name="unique_mailing_list_slug")]

    def __str__(self) -> str:
        return self.name


class Subscriber(TenantModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("確認待ち")
        CONFIRMED = "confirmed", _("配信中")
        UNSUBSCRIBED = "unsubscribed", _("配信停止")
        SUSPENDED = "suspended", _("不達のため停止")

    class Source(models.TextChoices):
        WEB = "web", _("登録フォーム")
        IMPORT = "import", _("取込（既存の同意）")
        STAFF = "staff", _("事務局が登録")
        PREFERENCES = "preferences", _("配信設定ページ")

    mailing_list = models.ForeignKey(MailingList, on_delete=models.CASCADE, related_name="subscribers")
    email = models.EmailField(_("メールアドレス"))
    email_key = models.CharField(max_length=254, editable=False)
    name = models.CharField(_("お名前"), max_length=80, blank=True)
    organisation = models.CharField(_("所属団体"), max_length=120, blank=True)
    status = models.CharField(_("状態"), max_length=12, choices=Status.choices, default=Status.PENDING)
    source = models.CharField(_("登録方法"), max_length=12, choices=Source.choices, default=Source.WEB)
    consent_text = models.TextField(_("同意した内容"), blank=True)
    consented_at = models.DateTimeField(_("同意日時"), null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # Permanent failures (SMTP 5xx recorded by the outbox, DSN bounce messages) since the last
    # resume; at the list's bounce_limit the subscription is suspended.
    hard_bounces = models.PositiveSmallIntegerField(_("不達の回数"), default=0)
    last_bounce_at = models.DateTimeField(_("最後の不達"), null=True, blank=True)
    last_bounce_reason = models.CharField(_("不達の理由"), max_length=300, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("購読者")
        verbose_name_plural = _("購読者")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["mailing_list", "email_key"], name="unique_subscriber_email")
        ]

    def __str__(self) -> str:
        return self.email


class Editor(TenantModel):
    """One member of the rotation (Tokushima: four staff take turns)."""

    mailing_list = models.ForeignKey(MailingList, on_delete=models.CASCADE, related_name="editors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField(_("順番"), default=0)
    active = models.BooleanField(_("担当中"), default=True)

    class Meta:
        verbose_name = _("編集担当")
        verbose_name_plural = _("編集担当")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["mailing_list", "user"], name="unique_list_editor")]

    def __str__(self) -> str:
        return str(self.user)


class Issue(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("下書き")
        REVIEW = "review", _("確認待ち")
        APPROVED = "approved", _("承認済み")
        SENDING = "sending", _("送信中")
        SENT = "sent", _("送信済み")

    mailing_list = models.ForeignKey(MailingList, on_delete=models.CASCADE, related_name="issues")
    number = models.PositiveIntegerField(_("号"))
    subject = models.CharField(_("件名"), max_length=160)
    body = models.TextField(_("本文"), help_text=_("テキストで書きます。URLはそのままリンクになります。"))
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("編集担当"),
    )
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    review_note = models.TextField(_("確認のコメント"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    send_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("号")
        verbose_name_plural = _("号")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["mailing_list", "number"], name="unique_issue_number")]

    def __str__(self) -> str:
        return f"{self.mailing_list} 第{self.number}号 {self.subject}"


class Delivery(TenantModel):
    """One subscriber's copy of one issue; fixed when sending starts, sent through the outbox."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    mail = models.OneToOneField(
        OutboxMail, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    skipped = models.BooleanField(default=False)  # unsubscribed after sending started

    class Meta:
        verbose_name = _("配信")
        verbose_name_plural = _("配信")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["issue", "subscriber"], name="unique_delivery")]

    def __str__(self) -> str:
        return f"{self.issue} → {self.subscriber}"


class Bounce(TenantModel):
    """One mail that did not reach one subscriber's address (recorded once per mail and address)."""

    class Kind(models.TextChoices):
        HARD = "hard", _("恒久的な不達")
        SOFT = "soft", _("一時的な不達")

    class Source(models.TextChoices):
        SMTP = "smtp", _("送信時に拒否")
        DSN = "dsn", _("不達通知メール")

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="bounces")
    # The outbox key of the mail (SMTP refusals) or "dsn:<Message-ID of the report>".
    mail_key = models.CharField(max_length=250)
    kind = models.CharField(_("種類"), max_length=4, choices=Kind.choices)
    source = models.CharField(_("検出"), max_length=4, choices=Source.choices)
    reason = models.CharField(_("サーバーの応答"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("不達")
        verbose_name_plural = _("不達")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "mail_key"], name="unique_bounce_per_mail")
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} {self.kind}"
