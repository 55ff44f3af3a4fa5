"""Member organisations of a platform, their applications and the membership life cycle.

Sources: Saitama's application form and consent items, Gifu's 規約 and
一般団体入会規則 (recommendation + screening, register, change/withdrawal
forms, expulsion after a hearing, 3-year rejoin ban), Ichihara's
core-partner selection from existing councils (seed 001).
"""

from __future__ import annotations

import unicodedata
import uuid
from typing import ClassVar

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagari.lib.phone import validate_phone
from tsunagari.lib.review import ReviewedChange
from tsunagari.lib.tenancy import TenantModel, scoped_manager
from tsunagari.lib.text import normalise_name


class OrgType(models.TextChoices):
    PREFECTURE = "prefecture", _("都道府県")
    MUNICIPALITY = "municipality", _("市町村")
    SHAKYO = "shakyo", _("社会福祉協議会")
    NPO = "npo", _("NPO・市民活動団体")
    COMPANY = "company", _("企業")
    EDUCATION = "education", _("教育機関")
    MEDICAL_WELFARE = "medical_welfare", _("医療・福祉機関")
    PROFESSIONAL = "professional", _("専門職団体")
    OTHER = "other", _("その他")


class ActivityField(models.Model):
    """The 19 活動分野 of Saitama's application form (global reference data)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("活動分野"), max_length=40)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("活動分野")
        verbose_name_plural = _("活動分野")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class MemberTier(TenantModel):
    """Per-platform member tiers (Gifu: 幹事団体 / 一般団体; Ichihara: コアパートナー / パートナー)."""

    name = models.CharField(_("区分名"), max_length=40)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    is_default = models.BooleanField(_("新規会員の既定区分"), default=False)
    can_recommend = models.BooleanField(
        _("入会を推薦できる"), default=False, help_text=_("岐阜県方式の幹事団体など")
    )

    class Meta:
        verbose_name = _("会員区分")
        verbose_name_plural = _("会員区分")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["platform", "name"], name="unique_tier_name")]

    def __str__(self) -> str:
        return self.name


postal_validator = RegexValidator(
    r"^\d{3}-?\d{4}$", _("郵便番号は7桁の半角数字で入力してください（例: 500-8570）。")
)

# Fields an organisation can consent to publish on the public register.
PUBLISHABLE_FIELDS = [
    ("name", _("団体名")),
    ("representative", _("代表者")),
    ("address", _("所在地")),
    ("phone", _("電話番号")),
    ("email", _("メールアドレス")),
    ("contact_person", _("担当者")),
    ("website", _("ホームページ")),
    ("fields", _("活動分野")),
    ("area", _("活動地域")),
    ("description", _("活動内容")),
]
PUBLISHABLE_FIELD_NAMES = [name for name, _label in PUBLISHABLE_FIELDS]
# The OrganisationDetails fields in the order of Saitama's form (seed 001, 4-1-9). The activity fields
# (the M2M ``fields``) stand between website and other_field where a list includes them.
CONTACT_FIELDS = [
    "name",
    "name_kana",
    "org_type",
    "representative",
    "postal_code",
    "address",
    "phone",
    "email",
    "contact_person",
]
ACTIVITY_FIELDS = ["other_field", "area", "description"]
# The details an application carries over to the member record (and the demo writes on both).
DETAIL_FIELDS = [*CONTACT_FIELDS, "website", *ACTIVITY_FIELDS, "published_fields"]
CONSENT_FIELDS = [
    "consent_bylaws",
    "consent_not_antisocial",
    "consent_expulsion",
    "consent_share_with_members",
]


class OrganisationDetails(models.Model):
    """The details an organisation gives on Saitama's form; shared by applications and members."""

    name = models.CharField(_("団体名"), max_length=120)
    name_kana = models.CharField(
        _("ふりがな"),
        max_length=200,
        validators=[
            RegexValidator(r"^[ぁ-ゖァ-ヺー・\s　]+$", _("ふりがなはひらがな・カタカナで入力してください。"))
        ],
    )
    org_type = models.CharField(_("団体の種別"), max_length=20, choices=OrgType.choices)
    representative = models.CharField(_("代表者"), max_length=80)
    postal_code = models.CharField(_("郵便番号"), max_length=8, validators=[postal_validator])
    address = models.CharField(_("所在地"), max_length=200)
    phone = models.CharField(_("電話番号"), max_length=20, validators=[validate_phone])
    email = models.EmailField(_("メールアドレス"), max_length=254)
    contact_person = models.CharField(_("担当者"), max_length=80)
    website = models.URLField(_("ホームページ"), max_length=300, blank=True)
    fields = models.ManyToManyField(ActivityField, verbose_name=_("活動分野"), related_name="+")
    other_field = models.CharField(
        _("その他の分野"), max_length=100, blank=True, help_text=_("「その他」を選んだ場合に記入")
    )
    area = models.CharField(_("活動地域"), max_length=200, help_text=_("例: 岐阜市全域、県内全域、西濃圏域"))
    description = models.TextField(_("活動内容"), max_length=2000)
    published_fields = models.JSONField(_("公開に同意した項目"), default=list, blank=True)
    normalised_name = models.CharField(max_length=120, db_index=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.normalised_name = normalise_name(self.name)[:120]
        super().save(*args, **kwargs)

    def is_published(self, field: str) -> bool:
        return field in (self.published_fields or [])


class MemberQuerySet(models.QuerySet["MemberOrganisation"]):
    def active(self) -> MemberQuerySet:
        return self.filter(status=MemberOrganisation.Status.ACTIVE)

    def on_public_register(self) -> MemberQuerySet:
        """Active members who consented at least to publishing their name."""
        return self.active().filter(name_published=True)


class MemberOrganisation(TenantModel, OrganisationDetails):
    class Status(models.TextChoices):
        ACTIVE = "active", _("会員")
        WITHDRAWN = "withdrawn", _("退会")
        EXPELLED = "expelled", _("除名")

    tier = models.ForeignKey(
        MemberTier, verbose_name=_("会員区分"), on_delete=models.PROTECT, null=True, blank=True
    )
    municipality_code = models.CharField(_("団体コード（自治体の場合）"), max_length=6, blank=True)
    status = models.CharField(
        _("状態"), max_length=12, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    joined_on = models.DateField(_("入会日"))
    left_on = models.DateField(_("退会・除名日"), null=True, blank=True)
    rejoin_banned_until = models.DateField(_("再入会禁止期限"), null=True, blank=True)

    # Denormalised from published_fields so the register can filter portably
    # (and never matches a member on a value it did not consent to publish).
    name_published = models.BooleanField(default=False, editable=False)
    fields_published = models.BooleanField(default=False, editable=False)
    # NFKC-normalised 活動地域 for the public register search; empty unless published.
    register_area = models.CharField(max_length=200, blank=True, default="", editable=False)

    objects: ClassVar = scoped_manager(MemberQuerySet)

    class Meta:
        verbose_name = _("会員団体")
        verbose_name_plural = _("会員団体")
        ordering = ["name_kana", "id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_published = self.is_published("name")
        self.fields_published = self.is_published("fields")
        self.register_area = self.normalise_area(self.area)[:200] if self.is_published("area") else ""
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "name_published",
                "fields_published",
                "register_area",
            }
        super().save(*args, **kwargs)

    @staticmethod
    def normalise_area(text: str) -> str:
        """NFKC, no spaces, case-folded: what the register's 活動地域 search compares."""
        return "".join(unicodedata.normalize("NFKC", text or "").split()).casefold()

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class Application(TenantModel, OrganisationDetails):
    """入会申込書. Approved applications create (or restore) a MemberOrganisation."""

    class Status(models.TextChoices):
        PENDING = "pending", _("審査中")
        APPROVED = "approved", _("承認")
        REJECTED = "rejected", _("不承認")

    # Idempotency: the public form carries this token, so a double submit stores one application.
    submission_token = models.UUIDField(_("送信トークン"), default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("状態"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    # Saitama's consent items (4-1-7).
    consent_bylaws = models.BooleanField(_("目的に賛同し規約を遵守する"), default=False)
    consent_not_antisocial = models.BooleanField(_("反社会的勢力に該当しない"), default=False)
    consent_expulsion = models.BooleanField(_("反社会的勢力と判明した場合の除名に同意する"), default=False)
    consent_share_with_members = models.BooleanField(
        _("会員名簿での会員間の情報共有に同意する"), default=False
    )
    rejoin_reason = models.TextField(
        _("再入会の理由"), blank=True, help_text=_("以前会員だった団体のみ（岐阜県入会規則第5条）")
    )
    previous_member = models.ForeignKey(
        MemberOrganisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rejoin_applications",
        verbose_name=_("以前の会員記録"),
    )
    # Recommendation (Gifu 入会規則第2条: by the prefecture, a municipality or a 幹事団体).
    recommended_by = models.ForeignKey(
        MemberOrganisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommendations",
        verbose_name=_("推薦団体"),
    )
    recommendation_note = models.TextField(_("推薦理由"), blank=True)
    recommended_at = models.DateTimeField(_("推薦日時"), null=True, blank=True)
    decision_reason = models.TextField(_("審査結果の理由"), blank=True)
    decided_at = models.DateTimeField(_("審査日時"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        MemberOrganisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("会員記録"),
    )
    submitted_at = models.DateTimeField(_("申込日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("入会申込")
        verbose_name_plural = _("入会申込")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return self.name


class ChangeRequest(TenantModel, ReviewedChange):
    """変更届: proposed new values for a member's details, reviewed by the secretariat."""

    class Status(models.TextChoices):
        PENDING = "pending", _("確認待ち")
        APPLIED = "applied", _("反映済み")
        REJECTED = "rejected", _("差戻し")

    organisation = models.ForeignKey(
        MemberOrganisation, on_delete=models.CASCADE, related_name="change_requests"
    )
    status = models.CharField(_("状態"), max_length=12, choices=Status.choices, default=Status.PENDING)

    class Meta:
        verbose_name = _("変更届")
        verbose_name_plural = _("変更届")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.organisation} 変更届"


class Withdrawal(TenantModel):
    """退会届 (Gifu 入会規則第4条): voluntary withdrawal, effective on a date."""

    class Status(models.TextChoices):
        PENDING = "pending", _("受付")
        ACCEPTED = "accepted", _("退会済み")
        CANCELLED = "cancelled", _("取下げ")

    organisation = models.ForeignKey(MemberOrganisation, on_delete=models.CASCADE, related_name="withdrawals")
    reason = models.TextField(_("退会理由"), max_length=2000, blank=True)
    effective_on = models.DateField(_("退会日"))
    on_paper = models.BooleanField(
        _("書面で受理"), default=False, help_text=_("事務局が紙の退会届を記録した場合")
    )
    status = models.CharField(_("状態"), max_length=12, choices=Status.choices, default=Status.PENDING)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("退会届")
        verbose_name_plural = _("退会届")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.organisation} 退会届"


class Expulsion(TenantModel):
    """除名 (Gifu 規約第8条): grounds, a recorded hearing opportunity, then the council's decision."""

    class Ground(models.TextChoices):
        UNREACHABLE = "unreachable", _("1年以上、連絡がとれない")
        BREACH = "breach", _("規約に違反又は本会の信用を著しく害した")
        DISSOLVED = "dissolved", _("解散又は営業を停止した")
        ANTISOCIAL = "antisocial", _("暴力団等反社会的勢力と関係があることが判明した")
        OTHER = "other", _("その他運営に重大な支障が生じると認められた")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("発議")
        HEARING = "hearing", _("弁明の機会を通知済み")
        DECIDED = "decided", _("除名決定")
        CANCELLED = "cancelled", _("取りやめ")

    organisation = models.ForeignKey(MemberOrganisation, on_delete=models.CASCADE, related_name="expulsions")
    ground = models.CharField(_("除名事由"), max_length=20, choices=Ground.choices)
    reason = models.TextField(_("事実関係"), max_length=4000)
    status = models.CharField(_("状態"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    hearing_notified_on = models.DateField(_("弁明の機会の通知日"), null=True, blank=True)
    hearing_deadline = models.DateField(_("弁明の期限"), null=True, blank=True)
    hearing_record = models.TextField(
        _("弁明の内容"), blank=True, help_text=_("弁明がなかった場合はその旨を記録")
    )
    no_hearing = models.BooleanField(_("弁明なし（期限までに弁明がなかった）"), default=False)
    cancel_reason = models.TextField(_("取りやめの理由"), max_length=2000, blank=True)
    resolution = models.CharField(
        _("議決"), max_length=200, blank=True, help_text=_("例: 第3回プラットフォーム会議 議決")
    )
    decided_on = models.DateField(_("除名日"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("除名")
        verbose_name_plural = _("除名")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organisation} 除名"


class Council(TenantModel):
    """既存の会議体 (Ichihara 4-5-7): an existing council and who sits on it."""

    name = models.CharField(_("会議体名称"), max_length=120)
    field = models.CharField(_("分野"), max_length=60, blank=True)
    department = models.CharField(_("所管課"), max_length=60, blank=True)
    note = models.TextField(_("備考"), blank=True)

    class Meta:
        verbose_name = _("既存会議体")
        verbose_name_plural = _("既存会議体")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["platform", "name"], name="unique_council_name")]

    def __str__(self) -> str:
        return self.name


class CouncilSeat(TenantModel):
    """One organisation sitting on one council; linked to a member when it is one."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="seats")
    organisation_name = models.CharField(_("団体名"), max_length=120)
    normalised_name = models.CharField(max_length=120, db_index=True, editable=False)
    member = models.ForeignKey(
        MemberOrganisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="council_seats",
        verbose_name=_("会員団体"),
    )

    class Meta:
        verbose_name = _("会議体の構成団体")
        verbose_name_plural = _("会議体の構成団体")
        constraints = [
            models.UniqueConstraint(fields=["council", "normalised_name"], name="unique_seat_per_council")
        ]

    def __str__(self) -> str:
        return f"{self.council} / {self.organisation_name}"

    def save(self, *args, **kwargs):
        self.normalised_name = normalise_name(self.organisation_name)[:120]
        super().save(*args, **kwargs)
