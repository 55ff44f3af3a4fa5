"""Models of the consultation desk: channels, people, conversations, messages, webhook events.

Model: Yamagata's つながりよりそいチャット (seed 000 and the Yamagata part of 001): a LINE
account that takes messages 24 hours, answered live on weekdays 18:00–21:00 and otherwise on
the next business day, run by an NPO for the city. Web chat is the same desk for people
without LINE. Content is 要配慮個人情報 in practice: every text, postback, image and raw
webhook payload is encrypted at rest (consultations/crypto.py), and a LINE userId is kept
only encrypted (needed to push) with a keyed hash for lookups.
"""

from __future__ import annotations

import datetime
import secrets
import uuid as uuidlib
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.crypto import EncryptedBinaryField, EncryptedTextField
from platforms.models import Platform, platform_manager
from tsunagari.lib.tenancy import TenantModel, scoped_manager


class ChannelKind(models.TextChoices):
    LINE = "line", _("LINE")
    WEB = "web", _("Webチャット")


class DeskSettings(models.Model):
    """One per platform: the desk's name, closed days and retention."""

    platform = models.OneToOneField(Platform, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("窓口名"), max_length=80, default="チャット相談")
    operator_name = models.CharField(
        _("運営団体"), max_length=120, blank=True, help_text=_("例: 認定NPO法人（委託先）")
    )
    closed_on_holidays = models.BooleanField(_("祝日は休み"), default=True)
    closed_year_end = models.BooleanField(_("年末年始（12月29日〜1月3日）は休み"), default=True)
    retention_months = models.PositiveSmallIntegerField(
        _("相談内容の保存期間（月）"),
        default=36,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_("終了した相談の本文・画像をこの期間の後に削除します（件数などの統計は残ります）。"),
    )
    web_chat_enabled = models.BooleanField(_("Webチャットを受け付ける"), default=True)
    # The notice a person reads before writing the first message (with the retention above,
    # encryption and the crisis lines, see chat_start.html).
    notice_readers = models.TextField(
        _("相談内容を読む人"),
        max_length=500,
        default="相談員（守秘義務があります）が読みます。必要なときは、事務局の担当職員とだけ共有します。",
        help_text=_("Webチャットの最初のメッセージの前に表示します。"),
    )
    notice_erasure = models.TextField(
        _("記録の消去の頼み方"),
        max_length=500,
        default="記録を消してほしいときは、チャットでそう書くか、事務局へ相談コードを添えてご連絡ください。内容を消し、件数などの統計だけを残します。",
        help_text=_("Webチャットの最初のメッセージの前に表示します。"),
    )

    objects = platform_manager()

    class Meta:
        verbose_name = _("相談窓口の設定")
        verbose_name_plural = _("相談窓口の設定")

    def __str__(self) -> str:
        return self.name


class Channel(TenantModel):
    """A way in: the platform's LINE official account or its web chat."""

    kind = models.CharField(_("種類"), max_length=10, choices=ChannelKind.choices)
    name = models.CharField(_("名称"), max_length=80)
    is_active = models.BooleanField(_("受付中"), default=True)
    # LINE only. Secret and token are credentials: encrypted, never shown again once saved.
    line_channel_secret = EncryptedTextField(_("チャネルシークレット"), blank=True)
    line_access_token = EncryptedTextField(_("チャネルアクセストークン"), blank=True)
    # The secret stored before the last change, still accepted for LINE_SECRET_OVERLAP_SECONDS
    # after ``line_secret_changed_at`` (rotation with an overlap, docs/operations.md).
    line_previous_secret = EncryptedTextField(_("直前のチャネルシークレット"), blank=True)
    line_secret_changed_at = models.DateTimeField(null=True, blank=True)
    line_basic_id = models.CharField(
        _("LINE ベーシックID"),
        max_length=40,
        blank=True,
        help_text=_("例: @733gquft（友だち追加リンクに使います）"),
    )

    class Meta:
        verbose_name = _("受付チャネル")
        verbose_name_plural = _("受付チャネル")
        constraints = [models.UniqueConstraint(fields=["platform", "kind"], name="one_channel_per_kind")]

    def __str__(self) -> str:
        return self.name

    @property
    def line_configured(self) -> bool:
        return bool(self.line_channel_secret and self.line_access_token)


class Consulter(TenantModel):
    """One person as seen through one channel identity (a LINE user, a web-chat code).

    ``identity_hash`` is a keyed hash of the identity (blind index) used to find the person
    again; ``line_user_id`` is the identity itself, encrypted, kept only because pushing a
    message needs it. ``label`` is a short pseudonym for counsellors (相談者 A7K2).
    """

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="consulters")
    identity_hash = models.CharField(max_length=64)
    line_user_id = EncryptedTextField(blank=True)
    label = models.CharField(_("表示名"), max_length=20)
    first_contact_at = models.DateTimeField(_("初回接触"), default=timezone.now)
    following = models.BooleanField(_("友だち登録中"), default=True)
    unfollowed_at = models.DateTimeField(null=True, blank=True)
    source = models.ForeignKey(
        "TrackedLink",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consulters",
        verbose_name=_("流入経路"),
    )
    # LINE reply token of the latest inbound event: single use, valid about a minute.
    reply_token = EncryptedTextField(blank=True)
    reply_token_at = models.DateTimeField(null=True, blank=True)
    content_deleted_at = models.DateTimeField(null=True, blank=True)
    # Erased on the person's request: no way to reach or recognise them is left
    # (privacy.do_erase_person); their web chat session and code no longer open anything.
    erased_at = models.DateTimeField(_("消去日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("相談者")
        verbose_name_plural = _("相談者")
        constraints = [
            models.UniqueConstraint(fields=["channel", "identity_hash"], name="one_consulter_per_identity")
        ]

    def __str__(self) -> str:
        return str(_("相談者 %(label)s") % {"label": self.label})


def new_label() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _i in range(4))


class ConversationState(models.TextChoices):
    NEW = "new", _("新規")
    OPEN = "open", _("対応中")
    WAITING = "waiting", _("返信待ち")
    REFERRED = "referred", _("つなぎ中")
    CLOSED = "closed", _("終了")


class ConversationQuerySet(models.QuerySet["Conversation"]):
    def active(self) -> ConversationQuerySet:
        return self.exclude(state=ConversationState.CLOSED)

    def inbox_order(self) -> ConversationQuerySet:
        """Urgent first, then the longest-waiting inbound message first."""
        return self.order_by("-urgent", "last_inbound_at")


class Conversation(TenantModel):
    """One consultation (相談件数 counts these). A message after closing opens a new one."""

    consulter = models.ForeignKey(Consulter, on_delete=models.PROTECT, related_name="conversations")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="conversations")
    state = models.CharField(
        _("状態"), max_length=10, choices=ConversationState.choices, default=ConversationState.NEW
    )
    urgent = models.BooleanField(_("緊急"), default=False)
    # Why it is urgent, as a category only (希死念慮・自傷の表現, 相談員がリスク「高」以上を記録);
    # the words that made it urgent are consultation content and kept encrypted beside it.
    urgent_reason = models.CharField(_("緊急の理由"), max_length=120, blank=True)
    urgent_words = EncryptedTextField(_("緊急と判断した表現"), blank=True)
    opened_at = models.DateTimeField(_("開始"), default=timezone.now)
    closed_at = models.DateTimeField(_("終了"), null=True, blank=True)
    last_message_at = models.DateTimeField(null=True, blank=True)
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(_("初回返信"), null=True, blank=True)
    # Whether the first message arrived inside business hours (answered live) or outside them.
    arrived_in_hours = models.BooleanField(null=True)
    # Web chat: the resumable code is shown once to the person; only its hash is stored.
    web_code_hash = models.CharField(max_length=64, blank=True, db_index=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("担当"),
    )
    content_deleted_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar = scoped_manager(ConversationQuerySet)

    class Meta:
        verbose_name = _("相談")
        verbose_name_plural = _("相談")
        ordering = ["-opened_at"]
        constraints = [
            # At most one consultation per person is not closed: a new message goes there.
            models.UniqueConstraint(
                fields=["consulter"], condition=~Q(state="closed"), name="one_open_conversation_per_consulter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.consulter.label} {timezone.localtime(self.opened_at):%Y-%m-%d %H:%M}"

    @property
    def is_closed(self) -> bool:
        return self.state == ConversationState.CLOSED


class Direction(models.TextChoices):
    INBOUND = "in", _("相談者から")
    OUTBOUND = "out", _("相談員から")
    AUTO = "auto", _("自動返信")


class MessageKind(models.TextChoices):
    TEXT = "text", _("テキスト")
    STICKER = "sticker", _("スタンプ")
    IMAGE = "image", _("画像")
    POSTBACK = "postback", _("ポストバック")
    SYSTEM = "system", _("システム")


class Delivery(models.TextChoices):
    NONE = "", _("—")
    PENDING = "pending", _("送信待ち")
    REPLIED = "replied", _("応答で送信")
    PUSHED = "pushed", _("プッシュで送信")
    FAILED = "failed", _("送信失敗")


class Message(TenantModel):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(_("方向"), max_length=4, choices=Direction.choices)
    kind = models.CharField(_("種類"), max_length=10, choices=MessageKind.choices, default=MessageKind.TEXT)
    text = EncryptedTextField(_("本文"), blank=True)
    image = EncryptedBinaryField(null=True, blank=True)
    image_type = models.CharField(max_length=40, blank=True)
    # Non-sensitive facts: sticker ids, image size, "too large" marks, truncation.
    meta = models.JSONField(default=dict, blank=True)
    # Not TenantModel's auto_now_add: a message is dated when it was sent or received, which
    # the services (and the demo) give explicitly.
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    line_message_id = models.CharField(max_length=40, blank=True)
    # LINE's 送信取消 (unsend): hidden from counsellors and never used again; content erased.
    hidden_at = models.DateTimeField(null=True, blank=True)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.NONE, blank=True)
    retry_key = models.UUIDField(default=uuidlib.uuid4, editable=False)
    delivery_attempts = models.PositiveSmallIntegerField(default=0)
    delivery_error = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("メッセージ")
        verbose_name_plural = _("メッセージ")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["platform", "line_message_id"], name="msg_line_id_idx")]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.get_kind_display()}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class EventState(models.TextChoices):
    PENDING = "pending", _("未処理")
    PROCESSING = "processing", _("処理中")
    DONE = "done", _("処理済み")
    FAILED = "failed", _("失敗")


class InboundEvent(TenantModel):
    """One LINE webhook event, stored (encrypted) before the webhook answers 200.

    ``webhook_event_id`` is LINE's idempotency key: a redelivered event finds its row and is
    not stored or processed again.
    """

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="events")
    webhook_event_id = models.CharField(max_length=64)
    event_type = models.CharField(max_length=30)
    event_timestamp = models.BigIntegerField(default=0)
    payload = EncryptedTextField()
    is_redelivery = models.BooleanField(default=False)
    received_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=EventState.choices, default=EventState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=200, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    # Who is processing the event and since when (state PROCESSING): "host:pid" of the worker.
    # An event whose worker is gone is taken back within a minute (``line_events --stuck``).
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=80, blank=True)

    class Meta:
        verbose_name = _("受信イベント")
        verbose_name_plural = _("受信イベント")
        ordering = ["event_timestamp", "id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "webhook_event_id"], name="one_event_per_webhook_id")
        ]
        indexes = [models.Index(fields=["state", "received_at"], name="event_state_idx")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.webhook_event_id}"


class EventDrain(TenantModel):
    """Per LINE channel: when the webhook must queue a processing task.

    ``stored`` counts the webhook requests that stored new events; a processing run sets
    ``drained`` to ``stored`` when it starts and then takes every pending event. The request
    that brings ``stored`` to ``drained + 1`` (the first new events since the last run began)
    queues a run in the same transaction; the later ones find that run still to start, and it
    will see their events. So a busy channel costs one task per run, not one per request.
    """

    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="+")
    stored = models.PositiveBigIntegerField(default=0)
    drained = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.channel_id}: {self.drained}/{self.stored}"


class BusinessHours(TenantModel):
    """One answering window on a weekday; an end at or before the start runs past midnight."""

    WEEKDAYS = [
        (0, _("月曜")),
        (1, _("火曜")),
        (2, _("水曜")),
        (3, _("木曜")),
        (4, _("金曜")),
        (5, _("土曜")),
        (6, _("日曜")),
    ]

    weekday = models.PositiveSmallIntegerField(_("曜日"), choices=WEEKDAYS)
    start = models.TimeField(_("開始"))
    end = models.TimeField(_("終了"), help_text=_("開始より前の時刻は翌日（深夜をまたぐ枠）"))

    class Meta:
        verbose_name = _("対応時間")
        verbose_name_plural = _("対応時間")
        ordering = ["weekday", "start"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class SpecialPeriod(TenantModel):
    """Days that differ from the week: closed (お盆), or answered in their own window every day
    (May 孤独・孤立対策強化月間 with extended evening hours)."""

    name = models.CharField(_("名称"), max_length=60)
    start_date = models.DateField(_("開始日"))
    end_date = models.DateField(_("終了日"))
    closed = models.BooleanField(_("休み"), default=False)
    start = models.TimeField(_("開始"), null=True, blank=True)
    end = models.TimeField(_("終了"), null=True, blank=True)
    include_weekends = models.BooleanField(_("土日・祝日も対応"), default=False)

    class Meta:
        verbose_name = _("特別期間")
        verbose_name_plural = _("特別期間")
        ordering = ["start_date"]

    def __str__(self) -> str:
        return self.name

    def covers(self, day: datetime.date) -> bool:
        return self.start_date <= day <= self.end_date


class Medium(models.TextChoices):
    GOOGLE_ADS = "google_ads", _("Google 広告")
    FACEBOOK_ADS = "facebook_ads", _("Facebook 広告")
    INSTAGRAM_ADS = "instagram_ads", _("Instagram 広告")
    LINE_ADS = "line_ads", _("LINE 広告")
    FLYER = "flyer", _("チラシ・ポスター")
    CITY_WEBSITE = "city_website", _("自治体ホームページ")
    CITY_SNS = "city_sns", _("自治体公式SNS")
    INFLUENCER = "influencer", _("インフルエンサー")
    PRESS = "press", _("報道・プレスリリース")
    OTHER = "other", _("その他")


class LinkTarget(models.TextChoices):
    LINE = "line", _("LINE で相談")
    WEB = "web", _("Webチャット")


code_validator = RegexValidator(
    r"^[a-z0-9]{3,16}$", _("コードは半角英小文字・数字3〜16文字で入力してください。")
)


class TrackedLink(TenantModel):
    """A link or QR code for one medium (Yamagata's 周知方法別アクセス数): counted on our own server."""

    code = models.CharField(_("コード"), max_length=16, validators=[code_validator])
    medium = models.CharField(_("媒体"), max_length=20, choices=Medium.choices)
    label = models.CharField(_("名称"), max_length=80, help_text=_("例: Instagram 広告（2月）"))
    target = models.CharField(_("行き先"), max_length=10, choices=LinkTarget.choices, default=LinkTarget.LINE)
    clicks = models.PositiveIntegerField(_("クリック数"), default=0)

    class Meta:
        verbose_name = _("計測リンク")
        verbose_name_plural = _("計測リンク")
        ordering = ["medium", "label"]
        constraints = [models.UniqueConstraint(fields=["platform", "code"], name="unique_link_code")]

    def __str__(self) -> str:
        return self.label


class LinkClickDay(TenantModel):
    """Clicks per link per day (no cookie, no IP, no third party: a counter)."""

    link = models.ForeignKey(TrackedLink, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    clicks = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["link", "day"], name="one_click_row_per_day")]

    def __str__(self) -> str:
        return f"{self.link} {self.day}"
