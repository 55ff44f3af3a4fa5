"""Casework on top of conversations: the counsellor's record, notes, canned replies,
consent, closed-loop referrals and multi-agency case conferences.

Sources: Yamagata's つながりよりそいチャット (seed 000 and 001 4-4-22: age bands,
14 multi-select topics, consent-based referral through 生活福祉課, answer relayed
by the counsellors) and Kamakura's 政策研究 (001 4-6-3/4-6-4: 12 organisations
around one household, a shared 見立て and 支援方針).

Referral states follow HL7 FHIR ``Task.status`` as profiled by the Gravity SDOH
Clinical Care IG for referral tracking (requested → received → accepted /
rejected / on-hold → in-progress → completed, or cancelled), with 211 practice
for what the receiver must record: contact made and a closing outcome.

Sensitive text (notes, shared summaries, answers, assessments, plans) is stored
encrypted with the desk's key ring (``consultations.crypto``) and read through
properties; nothing sensitive is ever indexed, logged or put in a URL.
"""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.crypto import EncryptedTextField
from platforms.models import Platform, platform_manager
from tsunagari.lib.tenancy import TenantModel, scoped_manager


class AgeBand(models.TextChoices):
    """Yamagata's 年代別相談者数 (10代 … 70代), the last band open-ended."""

    TEENS = "10s", _("10代")
    TWENTIES = "20s", _("20代")
    THIRTIES = "30s", _("30代")
    FORTIES = "40s", _("40代")
    FIFTIES = "50s", _("50代")
    SIXTIES = "60s", _("60代")
    SEVENTIES_PLUS = "70s+", _("70代以上")


class Topic(models.TextChoices):
    """The 14 相談内容種類 of Yamagata's report (multi-select) plus その他."""

    FAMILY = "family", _("家族関係")
    WORK = "work", _("仕事・就労")
    ILLNESS = "illness", _("病気・障害")
    LONELINESS = "loneliness", _("孤独・孤立")
    PURPOSE = "purpose", _("生きがい・趣味")
    PARENTING = "parenting", _("子育て・教育")
    PUBLIC_SERVICES = "public_services", _("行政サービス")
    FRIENDS = "friends", _("友人")
    ROMANCE = "romance", _("恋愛")
    CARE = "care", _("介護")
    SUICIDAL = "suicidal", _("希死念慮・自傷")
    POVERTY = "poverty", _("生活困窮")
    LEGAL = "legal", _("法律")
    DIVORCE = "divorce", _("離婚")
    OTHER = "other", _("その他")


class RiskLevel(models.TextChoices):
    NONE = "none", _("リスクなし")
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高（希死念慮・自傷）")
    EMERGENCY = "emergency", _("緊急（生命の危険）")


class Outcome(models.TextChoices):
    LISTENED = "listened", _("傾聴・助言で終了")
    INFORMATION = "information", _("情報提供")
    REFERRED = "referred", _("関係機関へつないだ")
    CONTINUING = "continuing", _("継続相談")
    NO_RESPONSE = "no_response", _("相談者の応答なし")
    OTHER = "other", _("その他")


# --- the desk's settings for casework ------------------------------------------------------------


class CaseworkSettings(models.Model):
    """Per-platform rules for referrals and statistics (one row per platform, created on demand)."""

    platform = models.OneToOneField(Platform, on_delete=models.CASCADE, related_name="+")
    referrals_via_secretariat = models.BooleanField(
        _("紹介は必ず事務局を経由する"),
        default=False,
        help_text=_("山形市方式: 相談員からの紹介はすべて事務局（生活福祉課）が受けて関係機関へつなぐ"),
    )
    secretariat_label = models.CharField(
        _("紹介を受ける事務局の名称"), max_length=60, blank=True, help_text=_("例: 山形市生活福祉課")
    )
    response_business_days = models.PositiveSmallIntegerField(
        _("紹介への応答期限（営業日）"), default=2, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    small_count_threshold = models.PositiveSmallIntegerField(
        _("秘匿する少数の閾値"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("事務局以外に見せる集計で、この数未満の値は「<3」のように伏せる"),
    )

    objects = platform_manager()

    class Meta:
        verbose_name = _("相談・紹介の設定")
        verbose_name_plural = _("相談・紹介の設定")

    def __str__(self) -> str:
        return str(self.platform)

    @classmethod
    def for_platform(cls, platform: Platform) -> CaseworkSettings:
        found = cls.objects.filter(platform=platform).first()
        return found or cls(platform=platform)


# --- the counsellor's record of a conversation ---------------------------------------------------


class ConversationRecord(TenantModel):
    """What the counsellor records per consultation: age band, topics, risk level, outcome."""

    conversation = models.OneToOneField(
        "consultations.Conversation", on_delete=models.CASCADE, related_name="record"
    )
    age_band = models.CharField(_("年代"), max_length=4, choices=AgeBand.choices, blank=True)
    risk_level = models.CharField(
        _("リスク"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.NONE
    )
    outcome = models.CharField(_("対応結果"), max_length=12, choices=Outcome.choices, blank=True)

    class Meta:
        verbose_name = _("相談記録")
        verbose_name_plural = _("相談記録")

    def __str__(self) -> str:
        return f"record {self.conversation_id}"

    @property
    def topics(self) -> list[str]:
        return [row.topic for row in self.topic_rows.all()]


class ConversationTopic(TenantModel):
    """One topic of a consultation (multi-select, so counts per topic do not sum to consultations)."""

    record = models.ForeignKey(ConversationRecord, on_delete=models.CASCADE, related_name="topic_rows")
    topic = models.CharField(_("相談内容の種類"), max_length=20, choices=Topic.choices)

    class Meta:
        verbose_name = _("相談内容の種類")
        verbose_name_plural = _("相談内容の種類")
        constraints = [models.UniqueConstraint(fields=["record", "topic"], name="unique_record_topic")]

    def __str__(self) -> str:
        return self.get_topic_display()


class ReadMarker(TenantModel):
    """When a staff user last read a conversation: unread = the person's messages after it."""

    conversation = models.ForeignKey("consultations.Conversation", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conversation", "user"], name="unique_read_marker")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.conversation_id} at {self.read_at:%Y-%m-%d %H:%M}"


class InternalNote(TenantModel):
    """A note between staff about a conversation; never sent to the person."""

    conversation = models.ForeignKey(
        "consultations.Conversation", on_delete=models.CASCADE, related_name="internal_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)  # not auto_now_add: a given time is kept

    class Meta:
        verbose_name = _("内部メモ")
        verbose_name_plural = _("内部メモ")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"note {self.uuid}"


class CannedReply(TenantModel):
    """An editable reply template of the platform's desk (定型文)."""

    title = models.CharField(_("見出し"), max_length=60)
    body = models.TextField(_("本文"), max_length=2000)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("定型文")
        verbose_name_plural = _("定型文")
        ordering = ["order", "title", "id"]
        constraints = [models.UniqueConstraint(fields=["platform", "title"], name="unique_canned_title")]

    def __str__(self) -> str:
        return self.title


# --- consent ------------------------------------------------------------------------------------


class ShareItem(models.TextChoices):
    """What the person may allow to be shared with a receiving organisation."""

    SUMMARY = "summary", _("相談内容の要約（相談員が作成）")
    PROFILE = "profile", _("年代・相談内容の種類")
    TRANSCRIPT = "transcript", _("相談のやり取り（全文）")
    CONTACT = "contact", _("本人の連絡先（本人が伝えたもの）")
    ASSESSMENT = "assessment", _("見立て・支援方針（ケース会議）")
    MEETING_NOTES = "meeting_notes", _("会議記録・各機関の対応")


class ConsentQuerySet(models.QuerySet["Consent"]):
    def active(self, on: datetime.date | None = None) -> ConsentQuerySet:
        day = on or timezone.localdate()
        return self.filter(withdrawn_at__isnull=True, valid_until__gte=day)


class ConsentBase(TenantModel):
    """What a consent records, whoever gave it: what may be shared, with which member
    organisations or the city's divisions, until when, and when it was withdrawn."""

    items = models.JSONField(_("共有してよい情報"), default=list)
    organisations = models.ManyToManyField(
        "partnership.MemberOrganisation", verbose_name=_("共有してよい団体"), related_name="+", blank=True
    )
    city_divisions = models.BooleanField(_("市役所内の関係課"), default=False)
    valid_until = models.DateField(_("同意の期限"))
    statement = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(_("撤回日時"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects: ClassVar = scoped_manager(ConsentQuerySet)

    class Meta:
        abstract = True
        ordering = ["-recorded_at", "-id"]

    def is_active(self, on: datetime.date | None = None) -> bool:
        day = on or timezone.localdate()
        return self.withdrawn_at is None and self.valid_until >= day

    def item_labels(self) -> list[str]:
        labels = dict(ShareItem.choices)
        return [str(labels[item]) for item in self.items if item in labels]

    def covers(self, item: str, organisation_id: int | None = None, *, division: bool = False) -> bool:
        """May ``item`` be shared with this member organisation (or a city division) today?

        Reads the prefetched organisations (``prefetch_related("organisations")``) when there.
        """
        if not self.is_active() or item not in self.items:
            return False
        if division:
            return self.city_divisions
        return organisation_id is not None and any(o.pk == organisation_id for o in self.organisations.all())


class Consent(ConsentBase):
    """The person's consent to share: what, with whom, until when (個人情報保護法 第27条)."""

    # None: consent recorded for a case that began outside the chat (phone, counter, agency).
    conversation = models.ForeignKey(
        "consultations.Conversation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consents",
    )
    city_divisions = models.BooleanField(
        _("市役所内の関係課"), default=False, help_text=_("事務局を通じて庁内の担当課に共有してよい")
    )

    class Meta(ConsentBase.Meta):
        verbose_name = _("同意")
        verbose_name_plural = _("同意")

    def __str__(self) -> str:
        return f"consent {self.uuid}"


# --- referrals ----------------------------------------------------------------------------------


class ReferralStatus(models.TextChoices):
    """HL7 FHIR Task.status as used for SDOH referral tracking."""

    REQUESTED = "requested", _("依頼中")
    RECEIVED = "received", _("受付済み")
    ACCEPTED = "accepted", _("受諾")
    REJECTED = "rejected", _("辞退")
    ON_HOLD = "on-hold", _("待機（順番待ち）")
    IN_PROGRESS = "in-progress", _("対応中（本人と連絡済み）")
    COMPLETED = "completed", _("完了")
    CANCELLED = "cancelled", _("取消")


OPEN_REFERRAL_STATUSES = (
    ReferralStatus.REQUESTED,
    ReferralStatus.RECEIVED,
    ReferralStatus.ACCEPTED,
    ReferralStatus.ON_HOLD,
    ReferralStatus.IN_PROGRESS,
)
AWAITING_RESPONSE_STATUSES = (ReferralStatus.REQUESTED, ReferralStatus.RECEIVED)


class DeclineReason(models.TextChoices):
    NOT_ELIGIBLE = "not_eligible", _("対象外")
    NO_CAPACITY = "no_capacity", _("受入れ余力がない")
    NOT_OFFERED = "not_offered", _("該当する支援を行っていない")
    OTHER_AGENCY = "other_agency", _("他機関が適切")
    OTHER = "other", _("その他")


class ReferralOutcome(models.TextChoices):
    """The closing outcome the receiver must record (211 practice)."""

    SERVICE_STARTED = "service_started", _("支援を開始した")
    INFORMATION_GIVEN = "information_given", _("情報提供・助言で終了")
    REFERRED_ON = "referred_on", _("他機関へつないだ")
    PERSON_DECLINED = "person_declined", _("本人が支援を希望しなかった")
    UNREACHABLE = "unreachable", _("本人と連絡がつかなかった")
    NOT_ELIGIBLE = "not_eligible", _("対象外だった")


class ReferralQuerySet(models.QuerySet["Referral"]):
    def open(self) -> ReferralQuerySet:
        return self.filter(status__in=OPEN_REFERRAL_STATUSES)

    def overdue(self, today: datetime.date | None = None) -> ReferralQuerySet:
        """Still awaiting the receiver's (or the secretariat's) response after the due date."""
        day = today or timezone.localdate()
        return self.filter(status__in=AWAITING_RESPONSE_STATUSES, due_on__lt=day)

    def for_member(self, organisation_id: int) -> ReferralQuerySet:
        """What a member organisation's staff can see: referrals actually sent to it."""
        return self.filter(receiver_member_id=organisation_id, sent_to_receiver_at__isnull=False)


class Referral(TenantModel):
    """One consent-gated referral from the desk to a member organisation or a city window (directory)."""

    # A referral starts from a chat consultation or from a case (a household case from a phone
    # call, a counter or home visit or an agency has no conversation): exactly one of the two.
    conversation = models.ForeignKey(
        "consultations.Conversation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    case = models.ForeignKey(
        "consultations.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="referrals")
    receiver_member = models.ForeignKey(
        "partnership.MemberOrganisation",
        verbose_name=_("紹介先の会員団体"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A window of the platform's own local government from the directory (e.g. 障がい福祉課の窓口):
    # divisions have no accounts here, so the secretariat records their response.
    receiver_service = models.ForeignKey(
        "directory.Service",
        verbose_name=_("紹介先の庁内の窓口"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("事務局が代わって応答を記録する"),
    )
    status = models.CharField(
        _("状態"),
        max_length=12,
        choices=ReferralStatus.choices,
        default=ReferralStatus.REQUESTED,
        db_index=True,
    )
    via_secretariat = models.BooleanField(_("事務局経由"), default=False)
    summary = EncryptedTextField(blank=True)
    topics = models.JSONField(_("相談内容の種類"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)  # not auto_now_add: a given time is kept
    sent_to_receiver_at = models.DateTimeField(_("紹介先への送付"), null=True, blank=True)
    due_on = models.DateField(_("応答期限"), db_index=True)
    received_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(
        _("辞退の理由"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    contact_made_at = models.DateTimeField(_("本人と連絡した日時"), null=True, blank=True)
    outcome = models.CharField(_("結果"), max_length=20, choices=ReferralOutcome.choices, blank=True)
    answer = EncryptedTextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_relayed_at = models.DateTimeField(_("本人へ返信した日時"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(_("期限超過"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_on = models.DateField(null=True, blank=True)

    objects: ClassVar = scoped_manager(ReferralQuerySet)

    class Meta:
        verbose_name = _("紹介")
        verbose_name_plural = _("紹介")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(receiver_member__isnull=False, receiver_service__isnull=True)
                    | models.Q(receiver_member__isnull=True, receiver_service__isnull=False)
                    | models.Q(
                        receiver_member__isnull=True, receiver_service__isnull=True, via_secretariat=True
                    )
                ),
                name="referral_one_receiver",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(conversation__isnull=False, case__isnull=True)
                    | models.Q(conversation__isnull=True, case__isnull=False)
                ),
                name="referral_from_conversation_or_case",
            ),
        ]

    def __str__(self) -> str:
        return f"referral {self.uuid}"

    @property
    def receiver_label(self) -> str:
        # An empty foreign key reads as None without a query.
        if (member := self.receiver_member) is not None:
            return member.name
        if (service := self.receiver_service) is not None:
            return service.name
        return str(_("（事務局で選定）"))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REFERRAL_STATUSES

    @property
    def at_secretariat(self) -> bool:
        """Sent by the counsellor, not yet forwarded by the secretariat to the receiver."""
        return self.via_secretariat and self.sent_to_receiver_at is None and self.is_open

    @property
    def secretariat_answers(self) -> bool:
        """City divisions have no accounts here: the secretariat records their response."""
        return not self.receiver_member_id

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        day = today or timezone.localdate()
        return self.status in AWAITING_RESPONSE_STATUSES and self.due_on < day

    def shares(self, item: str) -> bool:
        """Does the consent (still) cover ``item`` for this referral's receiver?

        For a household case, every member at the centre of the case must also have consented
        to it (their own ``MemberConsent``), as on the case page.
        """
        if self.receiver_member_id:
            covered = self.consent.covers(item, self.receiver_member_id)
        else:
            covered = self.consent.covers(item, division=True)
        if not covered or (case := self.case) is None:
            return covered
        return case.household_consents(item, self.receiver_member_id)

    @property
    def subject_label(self) -> str:
        """Who the referral is about, as staff call it: the chat person or the case's reference."""
        if (case := self.case) is not None:
            return str(case)
        conversation = self.conversation
        assert conversation is not None, "the check constraint: a referral has a case or a chat"
        return str(conversation.consulter)


class ReferralEvent(TenantModel):
    """The referral's path, step by step, shown to the counsellor (FHIR Task history)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_organisation = models.CharField(max_length=120, blank=True)
    kind = models.CharField(max_length=20)  # a key of KIND_LABELS (20 characters at most)
    status = models.CharField(max_length=12, choices=ReferralStatus.choices)
    note = EncryptedTextField(blank=True)

    KIND_LABELS = {
        "created": _("相談員が紹介を作成"),
        "forwarded": _("事務局が紹介先へ送付"),
        "received": _("紹介先が受付"),
        "accepted": _("紹介先が受諾"),
        "rejected": _("紹介先が辞退"),
        "on_hold": _("紹介先が待機（順番待ち）"),
        "contacted": _("紹介先が本人と連絡"),
        "completed": _("紹介先が結果を記録"),
        "answered": _("紹介先が本人への回答を記録"),
        "relayed": _("相談員が本人へ返信"),
        "reminded": _("期限超過の催促"),
        "cancelled": _("取消"),
        "consent_withdrawn": _("同意の撤回により共有停止"),
        "member_withdrawn": _("世帯員の同意の撤回により取消"),
    }
    # The same steps as a case's referral is told (no chat, no counsellor: the secretariat runs it).
    CASE_KIND_LABELS = {
        "created": _("事務局が紹介を作成"),
        "completed": _("紹介先が結果を記録"),
    }

    # Steps whose note is a message between the desk and the receiver (the referral's thread):
    # the secretariat's 紹介先へのメモ, the receiver's 相談員へのメモ, the reason of a cancellation.
    # The receiver reads them while the person's consent is in force; the desk always does.
    THREAD_KINDS = frozenset(
        {
            "forwarded",
            "accepted",
            "rejected",
            "on_hold",
            "contacted",
            "completed",
            "cancelled",
            "member_withdrawn",
        }
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"

    @property
    def in_thread(self) -> bool:
        return self.kind in self.THREAD_KINDS and bool(self.note)

    @property
    def label(self) -> str:
        if self.referral.case_id is not None and self.kind in self.CASE_KIND_LABELS:
            return str(self.CASE_KIND_LABELS[self.kind])
        return str(self.KIND_LABELS.get(self.kind, self.kind))


# --- multi-agency case conferences --------------------------------------------------------------


class CaseStatus(models.TextChoices):
    OPEN = "open", _("支援中")
    CLOSED = "closed", _("終結")


class CaseOrigin(models.TextChoices):
    """Where a case began: Kamakura's hearings found households known to agencies, not to a chat."""

    CHAT = "chat", _("チャット相談")
    PHONE = "phone", _("電話")
    COUNTER = "counter", _("窓口来所")
    HOME_VISIT = "home_visit", _("訪問")
    AGENCY = "agency", _("関係機関からの紹介")


class Case(TenantModel):
    """A household supported by several organisations (Kamakura's 政策研究)."""

    reference = models.CharField(_("ケース番号"), max_length=20)
    conversation = models.ForeignKey(
        "consultations.Conversation", on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="cases")
    origin = models.CharField(
        _("きっかけ"), max_length=12, choices=CaseOrigin.choices, default=CaseOrigin.CHAT
    )
    # The referring body is an organisation, not the person; its contact person and number are
    # kept encrypted with the rest of the case.
    referring_body = models.CharField(_("紹介元の機関"), max_length=120, blank=True)
    referring_contact = EncryptedTextField(blank=True)
    watch_only = models.BooleanField(
        _("見守るしかないケース"),
        default=False,
        help_text=_("鎌倉市のヒアリング: 支援機関が「長期間にわたり見守るしかない」とした世帯"),
    )
    status = models.CharField(_("状態"), max_length=8, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    next_review_on = models.DateField(_("次回の見直し"), null=True, blank=True, db_index=True)
    assessment = EncryptedTextField(blank=True)
    plan = EncryptedTextField(blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Set when the case's texts were erased (retention, or a request to erase the household's
    # or the person's data); the row stays for the counts.
    content_deleted_at = models.DateTimeField(null=True, blank=True)
    # Set when the household (or the person) asked for their data to be erased.
    erased_at = models.DateTimeField(_("消去日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("ケース会議")
        verbose_name_plural = _("ケース会議")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "reference"], name="unique_case_reference")
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN

    def household_consents(self, item: str, organisation_id: int | None) -> bool:
        """Have all household members at the centre of the case consented to ``item`` going to this
        organisation (``None``: the city's divisions)? True for a case without a household."""
        members = list(self.household.all())
        if not members:
            return True
        concerns = [member for member in members if member.is_concern] or members
        consents = (
            MemberConsent.objects.active().filter(member__in=concerns).prefetch_related("organisations")
        )
        by_member: dict[int, list[MemberConsent]] = {}
        for consent in consents:
            by_member.setdefault(consent.member_id, []).append(consent)
        division = organisation_id is None
        return all(
            any(c.covers(item, organisation_id, division=division) for c in by_member.get(m.pk, []))
            for m in concerns
        )


class Relationship(models.TextChoices):
    SELF = "self", _("本人")
    PARENT = "parent", _("親")
    CHILD = "child", _("子")
    SPOUSE = "spouse", _("配偶者")
    SIBLING = "sibling", _("きょうだい")
    GRANDPARENT = "grandparent", _("祖父母")
    GRANDCHILD = "grandchild", _("孫")
    OTHER = "other", _("その他の同居人")


class MemberAgeBand(models.TextChoices):
    """Household members include children (Kamakura's young-carer survey: 小4 to 高校生)."""

    UNDER_6 = "0-5", _("未就学")
    PRIMARY = "6-12", _("小学生")
    SECONDARY = "13-15", _("中学生")
    HIGH_SCHOOL = "16-18", _("高校生年代")
    TWENTIES = "20s", _("20代")
    THIRTIES = "30s", _("30代")
    FORTIES = "40s", _("40代")
    FIFTIES = "50s", _("50代")
    SIXTIES = "60s", _("60代")
    SEVENTIES = "70s", _("70代")
    EIGHTIES_PLUS = "80s+", _("80代以上")


class HouseholdMember(TenantModel):
    """One member of the household a case concerns; the label (how staff call them) is encrypted."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="household")
    label = EncryptedTextField()
    relationship = models.CharField(_("続柄"), max_length=12, choices=Relationship.choices)
    age_band = models.CharField(_("年代"), max_length=6, choices=MemberAgeBand.choices)
    is_concern = models.BooleanField(_("支援の中心となる人"), default=False)
    is_main_carer = models.BooleanField(_("主な介護・世話をしている人"), default=False)
    # Kept in step with the member's own consents (True while one is in force).
    consented = models.BooleanField(_("情報共有に同意した"), default=False)
    # How to reach this member, as they gave it (shared only with their consent to 連絡先).
    contact = EncryptedTextField(blank=True)

    class Meta:
        verbose_name = _("世帯員")
        verbose_name_plural = _("世帯員")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"member {self.uuid}"


class MemberConsent(ConsentBase):
    """One household member's own consent: what about them (or the household) may be shared,
    with which organisations or the city's divisions, until when.

    Within the household's consent recorded with the case (the organisations it names are the
    only ones a member's consent can name): the household's 見立て and notes are shared with an
    organisation only when every member at the centre of the case consented to it, and a
    member's own row (name, relationship, age band) and contact only with their consent.
    """

    member = models.ForeignKey(HouseholdMember, on_delete=models.CASCADE, related_name="consents")

    class Meta(ConsentBase.Meta):
        verbose_name = _("世帯員の同意")
        verbose_name_plural = _("世帯員の同意")

    def __str__(self) -> str:
        return f"member consent {self.uuid}"


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("電話")
    COUNTER = "counter", _("窓口来所")
    HOME_VISIT = "home_visit", _("訪問")
    AGENCY = "agency", _("関係機関から")
    CHAT = "chat", _("チャット")
    LETTER = "letter", _("手紙・メール")


class CaseContact(TenantModel):
    """One contact on a case, of any channel: when, how, who, what (summary encrypted)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    occurred_on = models.DateField(_("日付"))
    channel = models.CharField(_("経路"), max_length=12, choices=ContactChannel.choices)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    summary = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)  # not auto_now_add: a given time is kept

    class Meta:
        verbose_name = _("接触記録")
        verbose_name_plural = _("接触記録")
        ordering = ["occurred_on", "id"]

    def __str__(self) -> str:
        return f"{self.channel} {self.occurred_on}"


class CaseParticipant(TenantModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        "partnership.MemberOrganisation", on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "organisation"], name="unique_case_participant")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.organisation_id}"


class CaseGuest(TenantModel):
    """An agency that is not a member, invited to the case's conferences by name and organisation.

    It has no account here: it sees nothing online, and hears of its tasks by mail (when an
    address was given). It is invited only once the secretariat confirmed the household agreed
    to that agency taking part.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField(_("担当者名"), max_length=60)
    organisation_name = models.CharField(_("機関名"), max_length=120)
    email = models.EmailField(_("メールアドレス"), blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("会員外の参加機関")
        verbose_name_plural = _("会員外の参加機関")
        ordering = ["organisation_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "organisation_name", "name"], name="unique_case_guest")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_name} {self.name}"


class CaseConference(TenantModel):
    """One 支援調整会議 held on the case: when, and its outcome (結果・決定事項), encrypted."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="conferences")
    held_on = models.DateField(_("開催日"))
    outcome = EncryptedTextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("支援調整会議")
        verbose_name_plural = _("支援調整会議")
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"conference {self.held_on}"


class ConferenceAttendee(TenantModel):
    """Who attended a conference and from which organisation: a member organisation (with the
    name of the person who came) or an invited non-member agency's contact."""

    conference = models.ForeignKey(CaseConference, on_delete=models.CASCADE, related_name="attendees")
    organisation = models.ForeignKey(
        "partnership.MemberOrganisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    guest = models.ForeignKey(CaseGuest, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(_("出席者名"), max_length=60)

    class Meta:
        verbose_name = _("会議の出席者")
        verbose_name_plural = _("会議の出席者")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(organisation__isnull=False, guest__isnull=True)
                    | models.Q(organisation__isnull=True, guest__isnull=False)
                ),
                name="conference_attendee_one_organisation",
            ),
            models.UniqueConstraint(
                fields=["conference", "organisation"],
                condition=models.Q(organisation__isnull=False),
                name="unique_conference_member_attendee",
            ),
            models.UniqueConstraint(
                fields=["conference", "guest"],
                condition=models.Q(guest__isnull=False),
                name="unique_conference_guest_attendee",
            ),
        ]

    def __str__(self) -> str:
        return f"attendee {self.pk}"

    @property
    def organisation_label(self) -> str:
        if (organisation := self.organisation) is not None:
            return organisation.name
        guest = self.guest
        assert guest is not None, "conference_attendee_one_organisation: an organisation or a guest"
        return guest.organisation_name


class CaseTask(TenantModel):
    """A task of the support plan, owned by one member organisation or one invited non-member
    agency, with a due date; the conference that assigned it, when one did."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    organisation = models.ForeignKey(
        "partnership.MemberOrganisation",
        verbose_name=_("担当団体"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    guest = models.ForeignKey(
        CaseGuest,
        verbose_name=_("担当機関（会員外）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    conference = models.ForeignKey(
        CaseConference, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks"
    )
    description = EncryptedTextField()
    due_on = models.DateField(_("期限"))
    done_at = models.DateTimeField(null=True, blank=True)
    last_reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(organisation__isnull=False, guest__isnull=True)
                    | models.Q(organisation__isnull=True, guest__isnull=False)
                ),
                name="case_task_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"task {self.uuid}"

    @property
    def owner_label(self) -> str:
        if (organisation := self.organisation) is not None:
            return organisation.name
        guest = self.guest
        assert guest is not None, "the check constraint: a task has one owner, a member or a guest"
        return guest.organisation_name


class CaseEntry(TenantModel):
    """A meeting note (会議記録) or what one organisation did (各機関の対応)."""

    MEETING = "meeting"
    ACTION = "action"
    KINDS = [(MEETING, _("会議記録")), (ACTION, _("対応記録"))]

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=8, choices=KINDS)
    organisation = models.ForeignKey(
        "partnership.MemberOrganisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurred_on = models.DateField(_("日付"))
    body = EncryptedTextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)  # not auto_now_add: a given time is kept

    class Meta:
        ordering = ["occurred_on", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_on}"


class ClosedCaseRecord(models.Model):
    """The anonymous trace a closed case leaves for statistics: no text, no link to the person."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    opened_on = models.DateField()
    closed_on = models.DateField()
    organisations = models.PositiveSmallIntegerField()
    tasks_total = models.PositiveSmallIntegerField()
    tasks_done = models.PositiveSmallIntegerField()
    meetings = models.PositiveSmallIntegerField()
    age_band = models.CharField(max_length=4, choices=AgeBand.choices, blank=True)
    topics = models.JSONField(default=list)

    objects = platform_manager()

    class Meta:
        ordering = ["-closed_on", "-id"]

    def __str__(self) -> str:
        return f"closed case {self.closed_on}"


__all__ = [
    "AWAITING_RESPONSE_STATUSES",
    "OPEN_REFERRAL_STATUSES",
    "AgeBand",
    "CannedReply",
    "Case",
    "CaseConference",
    "CaseContact",
    "CaseEntry",
    "CaseGuest",
    "CaseOrigin",
    "CaseParticipant",
    "CaseStatus",
    "CaseTask",
    "CaseworkSettings",
    "ClosedCaseRecord",
    "Consent",
    "ContactChannel",
    "ConversationRecord",
    "ConversationTopic",
    "DeclineReason",
    "HouseholdMember",
    "InternalNote",
    "MemberAgeBand",
    "MemberConsent",
    "Outcome",
    "ReadMarker",
    "Referral",
    "ReferralEvent",
    "ReferralOutcome",
    "ReferralStatus",
    "Relationship",
    "RiskLevel",
    "ShareItem",
    "Topic",
]
