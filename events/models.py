"""Events and training of a platform: registration, waiting list, seating, check-in, feedback.

Sources (seed 001, 004): Shiga's forum (100 seats first come, a deadline at noon the day
before, phone sign-ups taken by staff, tables of 8 grouped by region, satisfaction
80 / 11 / 9 %), Gifu's つながりサポーター training (sessions making a course, certificates),
Ichihara's hybrid events (40 in the room, the rest online), Tokushima's seminars.

Seats are counted, never stored as a counter: a registration is CONFIRMED, WAITLISTED, OFFERED
(a freed seat held for a waiting person until ``offer_expires_at``) or CANCELLED, and a seat of
a mode is taken by every CONFIRMED or OFFERED registration of that mode. Every write that can
take a seat locks the event row first (services.registration), so two registrations for the
last seat are serialised on PostgreSQL as on SQLite.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partnership.models import MemberOrganisation
from surveys.models import Invitation, Survey
from tsunagari.lib.tenancy import TenantModel, scoped_manager


def default_reminder_days() -> list[int]:
    return [3, 1]


class Course(TenantModel):
    """A training course made of sessions (events); certificates need ``min_sessions`` attended."""

    title = models.CharField(_("研修名"), max_length=160)
    description = models.TextField(_("内容"), blank=True)
    min_sessions = models.PositiveSmallIntegerField(
        _("修了に必要な出席回数"), default=1, help_text=_("この回数以上出席した方に修了証を出します。")
    )
    certificate_title = models.CharField(
        _("修了証の称号"), max_length=80, blank=True, help_text=_("例: つながりサポーター")
    )

    class Meta:
        verbose_name = _("研修")
        verbose_name_plural = _("研修")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Event(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("下書き")
        PROPOSED = "proposed", _("承認待ち（会員団体の提案）")
        PUBLISHED = "published", _("公開中")
        RETURNED = "returned", _("差し戻し")
        CANCELLED = "cancelled", _("中止")

    class Allocation(models.TextChoices):
        FIRST_COME = "first_come", _("先着順")
        LOTTERY = "lottery", _("抽選")

    slug = models.SlugField(
        _("URL名"), max_length=60, help_text=_("半角英小文字・数字・ハイフン。例: forum-2023")
    )
    title = models.CharField(_("イベント名"), max_length=160)
    summary = models.CharField(_("ひとこと紹介"), max_length=200, blank=True)
    description = models.TextField(_("内容・プログラム"), blank=True)
    venue = models.CharField(_("会場"), max_length=200, blank=True)
    venue_address = models.CharField(_("会場の住所"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("開始日時"))
    ends_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    deadline = models.DateTimeField(_("申込締切"), null=True, blank=True)
    capacity_venue = models.PositiveIntegerField(_("会場の定員"), default=0, help_text=_("0で会場参加なし"))
    capacity_online = models.PositiveIntegerField(
        _("オンラインの定員"), default=0, help_text=_("0でオンライン参加なし")
    )
    allocation = models.CharField(
        _("参加者の決め方"), max_length=12, choices=Allocation.choices, default=Allocation.FIRST_COME
    )
    waitlist = models.BooleanField(_("キャンセル待ちを受け付ける"), default=True)
    offer_hours = models.PositiveSmallIntegerField(
        _("繰り上げの回答期限（時間）"),
        default=48,
        help_text=_("キャンセル待ちの方に空席を案内してから、確定していただくまでの時間。"),
    )
    online_url = models.URLField(
        _("オンライン参加のURL"), blank=True, help_text=_("参加確定の方にだけ知らせます。")
    )
    fee = models.CharField(_("参加費"), max_length=60, default="無料")
    audience = models.CharField(_("対象"), max_length=200, blank=True)
    organiser = models.CharField(_("主催"), max_length=160, blank=True)
    sponsors = models.CharField(_("後援・協力"), max_length=200, blank=True)
    contact = models.CharField(_("問い合わせ先"), max_length=200, blank=True)
    questions = models.JSONField(
        _("独自の質問"), default=list, blank=True, help_text=_("申込フォームに加える質問（1行に1つ）")
    )
    table_size = models.PositiveSmallIntegerField(_("1テーブルの人数"), default=8)
    reminder_days = models.JSONField(
        _("リマインダー（開催の何日前）"),
        default=default_reminder_days,
        blank=True,
        help_text=_("参加確定の方に開催前のお知らせを送る日。空で送りません。"),
    )
    reminders_on_business_days = models.BooleanField(
        _("リマインダーが土日祝・年末年始に当たるときは前の平日に送る"),
        default=True,
        help_text=_("返信やお問い合わせに事務局が答えられる日に届くようにします。"),
    )
    feedback_survey = models.OneToOneField(
        Survey,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("アンケート（調査）"),
    )
    course = models.ForeignKey(
        Course,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("研修"),
    )
    proposed_by = models.ForeignKey(
        MemberOrganisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提案した会員団体"),
    )
    return_reason = models.TextField(_("差し戻しの理由"), blank=True)
    status = models.CharField(_("状態"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    lottery_drawn_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("イベント")
        verbose_name_plural = _("イベント")
        ordering = ["starts_at", "id"]
        constraints = [models.UniqueConstraint(fields=["platform", "slug"], name="unique_event_slug")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def modes(self) -> list[str]:
        found: list[str] = []
        if self.capacity_venue:
            found.append(Registration.Mode.VENUE)
        if self.capacity_online:
            found.append(Registration.Mode.ONLINE)
        return found

    def capacity_of(self, mode: str) -> int:
        return self.capacity_online if mode == Registration.Mode.ONLINE else self.capacity_venue


class RegistrationQuerySet(models.QuerySet["Registration"]):
    def holding_seats(self) -> RegistrationQuerySet:
        return self.filter(status__in=Registration.SEAT_STATES)

    def active(self) -> RegistrationQuerySet:
        return self.exclude(status=Registration.Status.CANCELLED)


class Registration(TenantModel):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("参加確定")
        APPLIED = "applied", _("抽選待ち")
        WAITLISTED = "waitlisted", _("キャンセル待ち")
        OFFERED = "offered", _("繰り上げ案内中")
        CANCELLED = "cancelled", _("取消")

    class Mode(models.TextChoices):
        VENUE = "venue", _("会場")
        ONLINE = "online", _("オンライン")

    class Source(models.TextChoices):
        WEB = "web", _("Web")
        PHONE = "phone", _("電話")
        FAX = "fax", _("FAX")
        EMAIL = "email", _("メール")
        WALK_IN = "walk_in", _("当日参加")
        IMPORT = "import", _("取込")

    SEAT_STATES = (Status.CONFIRMED, Status.OFFERED)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    mode = models.CharField(_("参加方法"), max_length=8, choices=Mode.choices, default=Mode.VENUE)
    name = models.CharField(_("お名前"), max_length=80)
    name_kana = models.CharField(_("ふりがな"), max_length=80, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    email_key = models.CharField(max_length=254, blank=True, editable=False)  # lower-cased, NFKC
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)
    organisation = models.CharField(_("所属団体"), max_length=120, blank=True)
    region = models.CharField(_("活動地域（市町村）"), max_length=60, blank=True)
    accessibility = models.TextField(_("配慮が必要なこと"), blank=True)
    answers = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("状態"), max_length=12, choices=Status.choices)
    source = models.CharField(_("受付方法"), max_length=8, choices=Source.choices, default=Source.WEB)
    table = models.PositiveSmallIntegerField(_("テーブル"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(_("受付時刻"), null=True, blank=True)
    # The after-event questionnaire's invitation code mailed to this attendee (at most once).
    feedback_invitation = models.OneToOneField(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects: ClassVar = scoped_manager(RegistrationQuerySet)

    class Meta:
        verbose_name = _("参加申込")
        verbose_name_plural = _("参加申込")
        ordering = ["created_at", "id"]
        constraints = [
            # One live registration per e-mail and event: the second submit of a form (or a
            # second process racing the first) fails here, whatever the view checked before.
            models.UniqueConstraint(
                fields=["event", "email_key"],
                condition=~Q(status="cancelled") & ~Q(email_key=""),
                name="unique_live_registration_email",
            )
        ]
        indexes = [models.Index(fields=["event", "status", "mode"], name="events_reg_seats")]

    def __str__(self) -> str:
        return f"{self.name} ({self.event})"

    @property
    def holds_seat(self) -> bool:
        return self.status in self.SEAT_STATES


class Feedback(TenantModel):
    """One participant's answer to the after-event questionnaire (Shiga's satisfaction question)."""

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("満足")
        RATHER_SATISFIED = "rather_satisfied", _("やや満足")
        RATHER_DISSATISFIED = "rather_dissatisfied", _("やや不満")
        DISSATISFIED = "dissatisfied", _("不満")
        NO_ANSWER = "no_answer", _("回答無し")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="feedback")
    registration = models.OneToOneField(
        Registration, on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback"
    )
    satisfaction = models.CharField(_("満足度"), max_length=20, choices=Satisfaction.choices)
    comment = models.TextField(_("ご意見・ご感想"), blank=True)

    class Meta:
        verbose_name = _("アンケート回答")
        verbose_name_plural = _("アンケート回答")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.event} {self.get_satisfaction_display()}"
