"""The resource directory: HSDS 3.0 (Open Referral Human Services Data Specification) tables.

Every table of the HSDS 3.0 tabular format has a model here, with the HSDS field names, so that
``export_hsds`` / ``import_hsds`` map columns one to one and the API serialises them directly.
Each row's HSDS ``id`` is its ``uuid`` (unique per platform; the same HSDS data set may be
imported into several platforms).

Tenancy
    Every row belongs to one platform (``HSDSModel`` is a ``tsunagari.lib.tenancy.TenantModel``:
    fail closed outside ``scope(platform=...)``) -- except taxonomies, see below.

Taxonomies are global *and* per platform
    ``Taxonomy`` / ``TaxonomyTerm`` rows with ``platform=None`` are the shared tsunagari taxonomy
    (seeded by a data migration: Ise's 8 サポートリスト categories and the consultation topics of
    the seed reports). Because every platform uses the same term ids, ``/hsds/services?
    taxonomy_term_id=…`` and the coverage matrix work across platforms and prefecture roll-ups.
    Taxonomies that arrive with an imported HSDS data set belong to that platform only
    (``platform`` set). Their manager is therefore NOT scoped: always go through
    ``Taxonomy.objects.available_to(platform)`` / ``TaxonomyTerm.objects.available_to(platform)``.

References
    Relations that tsunagari relies on are real foreign keys (service → organization,
    service_at_location → service/location, schedule/phone/… → their owner); an import that
    names an unknown id there is rejected. References that HSDS data commonly leaves dangling
    and that nothing here navigates are kept verbatim as ``*_ref`` UUIDs (e.g. a location's
    ``organization_id``, a term's ``parent_id``/``taxonomy_id``, ``attribute.link_id``,
    ``metadata.resource_id``), so that import → export is lossless.

Japan extras (exported as extra CSV columns / JSON properties next to the HSDS ones)
    ``name_kana`` (ふりがな) on organization, service and location; ``municipality_code``
    (全国地方公共団体コード) on service areas; on services ``reservation`` (予約要否),
    ``target_groups`` (当事者・家族・支援者), ``age_bands``, ``is_free``, ``is_24h``,
    ``is_anonymous``, ``is_crisis_line``, ``is_national``; ``member`` links a service or an
    organization to the partnership.MemberOrganisation that runs it.

Public visibility
    A service is public when ``is_published`` (the secretariat approved it) and its status is
    not ``defunct``; ``Service.objects.public()``. Member staff propose edits as
    ``ServiceChange`` rows; approval applies them and records one ``Metadata`` row per field.
"""

from __future__ import annotations

import datetime
import unicodedata
import uuid
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from partnership.models import MemberOrganisation
from platforms.models import Platform
from tsunagari.lib import jiscode
from tsunagari.lib.tenancy import TenantModel, scoped_manager

kana_validator = RegexValidator(
    r"^[ぁ-ゖァ-ヺー・\s　0-9０-９A-Za-zＡ-Ｚａ-ｚ]*$", _("ふりがなはひらがな・カタカナで入力してください。")
)


def validate_municipality_code(value: str) -> None:
    if value and not jiscode.is_valid(value):
        raise ValidationError(
            _("全国地方公共団体コードは検査数字を含む6桁で入力してください（例: 242039）。")
        )


class HSDSModel(TenantModel):
    """Abstract base: a tenant model whose ``uuid`` is the row's HSDS id.

    Unlike other tenant models' uuid, the HSDS id is unique per platform, not across them: the
    same HSDS data set (with its ids) may be imported into several platforms. Inside a
    platform's scope a uuid still names one row.
    """

    uuid = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(fields=["platform", "uuid"], name="%(app_label)s_%(class)s_uuid"),
        ]

    @property
    def hsds_id(self) -> str:
        return str(self.uuid)


# --- taxonomies (global or per platform) -------------------------------------------------------


class TaxonomyQuerySet(models.QuerySet):
    def available_to(self, platform: Platform | None) -> TaxonomyQuerySet:
        """The shared tsunagari rows plus those imported into ``platform``."""
        if platform is None:
            return self.filter(platform__isnull=True)
        return self.filter(Q(platform__isnull=True) | Q(platform=platform))

    def of_public_platforms(self) -> TaxonomyQuerySet:
        return self.filter(Q(platform__isnull=True) | Q(platform__is_public=True))


class Taxonomy(models.Model):
    """HSDS taxonomy. ``platform=None``: shared by every platform (see the module docstring)."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    uuid = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    name = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("説明"), blank=True)
    uri = models.CharField(max_length=500, blank=True)
    version = models.CharField(max_length=50, blank=True)

    objects = TaxonomyQuerySet.as_manager()

    class Meta:
        verbose_name = _("分類体系")
        verbose_name_plural = _("分類体系")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "uuid"], name="directory_taxonomy_uuid"),
            models.UniqueConstraint(
                fields=["uuid"], condition=Q(platform__isnull=True), name="directory_taxonomy_global_uuid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    """HSDS taxonomy_term. Parent and taxonomy are kept as HSDS ids (``*_ref``)."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    uuid = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    code = models.CharField(_("コード"), max_length=100, blank=True, db_index=True)
    name = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("説明"), blank=True)
    parent_ref = models.UUIDField(null=True, blank=True, db_index=True)
    taxonomy = models.CharField(_("分類体系名"), max_length=200, blank=True)
    taxonomy_ref = models.UUIDField(null=True, blank=True, db_index=True)
    language = models.CharField(max_length=20, blank=True)
    term_uri = models.CharField(max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = TaxonomyQuerySet.as_manager()

    class Meta:
        verbose_name = _("分類")
        verbose_name_plural = _("分類")
        ordering = ["taxonomy_ref", "order", "code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "uuid"], name="directory_taxonomyterm_uuid"),
            models.UniqueConstraint(
                fields=["uuid"], condition=Q(platform__isnull=True), name="directory_taxonomyterm_global_uuid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


# --- organizations, programs, services ------------------------------------------------------------


class Organization(HSDSModel):
    name = models.CharField(_("名称"), max_length=300)
    name_kana = models.CharField(_("ふりがな"), max_length=300, blank=True, validators=[kana_validator])
    alternate_name = models.CharField(_("別名"), max_length=300, blank=True)
    description = models.TextField(_("説明"), blank=True)
    email = models.EmailField(_("メールアドレス"), max_length=254, blank=True)
    website = models.CharField(_("ホームページ"), max_length=500, blank=True)
    tax_status = models.CharField(max_length=200, blank=True)
    tax_id = models.CharField(max_length=200, blank=True)
    year_incorporated = models.IntegerField(null=True, blank=True)
    legal_status = models.CharField(_("法人格"), max_length=200, blank=True)
    logo = models.CharField(max_length=500, blank=True)
    uri = models.CharField(max_length=500, blank=True)
    parent_organization_ref = models.UUIDField(null=True, blank=True)
    member = models.ForeignKey(
        MemberOrganisation,
        verbose_name=_("会員団体"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hsds_organizations",
    )
    is_national = models.BooleanField(_("全国の窓口"), default=False)
    last_modified = models.DateTimeField(auto_now=True)

    class Meta(HSDSModel.Meta):
        verbose_name = _("運営団体")
        verbose_name_plural = _("運営団体")
        ordering = ["name_kana", "name", "id"]

    def __str__(self) -> str:
        return self.name


class Program(HSDSModel):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="programs")
    name = models.CharField(_("名称"), max_length=300)
    alternate_name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)

    class Meta(HSDSModel.Meta):
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class TargetGroup(models.TextChoices):
    SELF = "self", _("本人（当事者）")
    FAMILY = "family", _("家族")
    SUPPORTER = "supporter", _("支援者・関係機関")


class AgeBand(models.TextChoices):
    PERINATAL = "perinatal", _("妊産婦・乳幼児")
    CHILD = "child", _("子ども（小・中学生）")
    YOUTH = "youth", _("若者（10代〜30代）")
    ADULT = "adult", _("成人")
    SENIOR = "senior", _("高齢者")


class Reservation(models.TextChoices):
    UNKNOWN = "", _("記載なし")
    REQUIRED = "required", _("要予約")
    RECOMMENDED = "recommended", _("予約がおすすめ")
    NOT_REQUIRED = "not_required", _("予約不要")


class ServiceQuerySet(models.QuerySet):
    def public(self) -> ServiceQuerySet:
        """Approved services that are not defunct (what residents and the HSDS API see)."""
        return self.filter(is_published=True).exclude(status=Service.Status.DEFUNCT)

    def crisis_lines(self) -> ServiceQuerySet:
        """Public crisis lines (いのちの電話, よりそいホットライン, #いのちSOS …), 24-hour first.

        Used by the navigator (crisis queries always show these first) and by the
        consultation desk (risk flags). Call inside a platform scope; it includes the
        national lines imported into that platform (``directory.services.national``).
        """
        return (
            self.public().filter(is_crisis_line=True).order_by("-is_24h", "-is_national", "name_kana", "id")
        )

    def with_term(self, term: TaxonomyTerm) -> ServiceQuerySet:
        return self.filter(attributes__taxonomy_term=term).distinct()

    def in_category(self, code: str) -> ServiceQuerySet:
        """Services tagged with the shared term of that code (e.g. ``cat-money``, ``topic-kodoku``)."""
        return self.filter(
            attributes__taxonomy_term__code=code, attributes__taxonomy_term__platform=None
        ).distinct()

    def for_member(self, member: MemberOrganisation) -> ServiceQuerySet:
        return self.filter(member=member)


class Service(HSDSModel):
    """HSDS service plus the Japanese fields of a サポートリスト entry.

    Query helpers (``Service.objects``): ``public()``, ``crisis_lines()`` (public crisis lines,
    24-hour ones first; d2's navigator and c1's consultation desk call it), ``with_term(term)``,
    ``in_category(code)``, ``for_member(member)``.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("実施中")
        INACTIVE = "inactive", _("休止中")
        DEFUNCT = "defunct", _("終了")
        TEMPORARILY_CLOSED = "temporarily closed", _("一時休止")

    organization = models.ForeignKey(
        Organization, verbose_name=_("運営団体"), on_delete=models.PROTECT, related_name="services"
    )
    program = models.ForeignKey(
        Program, on_delete=models.SET_NULL, null=True, blank=True, related_name="services"
    )
    name = models.CharField(_("名称"), max_length=300)
    name_kana = models.CharField(_("ふりがな"), max_length=300, blank=True, validators=[kana_validator])
    alternate_name = models.CharField(_("別名"), max_length=300, blank=True)
    description = models.TextField(_("相談内容・事業内容"), blank=True)
    url = models.CharField(_("URL"), max_length=500, blank=True)
    email = models.EmailField(_("メールアドレス"), max_length=254, blank=True)
    status = models.CharField(_("状態"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    interpretation_services = models.TextField(blank=True)
    application_process = models.TextField(_("利用方法"), blank=True)
    fees_description = models.TextField(_("費用"), blank=True)
    wait_time = models.CharField(max_length=200, blank=True)
    fees = models.CharField(max_length=200, blank=True)
    accreditations = models.TextField(blank=True)
    eligibility_description = models.TextField(_("対象者の説明"), blank=True)
    minimum_age = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    maximum_age = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    assured_date = models.DateField(null=True, blank=True)
    assurer_email = models.EmailField(max_length=254, blank=True)
    licenses = models.TextField(blank=True)
    alert = models.TextField(_("お知らせ"), blank=True)
    last_modified = models.DateTimeField(auto_now=True)
    # Japan extras.
    department = models.CharField(
        _("担当課"), max_length=200, blank=True, help_text=_("市の事業の場合の担当課（情報交換・共有シート）")
    )
    reservation = models.CharField(
        _("予約"), max_length=20, choices=Reservation.choices, default=Reservation.UNKNOWN, blank=True
    )
    target_groups = models.JSONField(_("対象者"), default=list, blank=True)
    age_bands = models.JSONField(_("対象年齢層"), default=list, blank=True)
    is_free = models.BooleanField(_("無料"), default=False)
    is_24h = models.BooleanField(_("24時間対応"), default=False)
    is_anonymous = models.BooleanField(_("匿名で相談できる"), default=False)
    is_crisis_line = models.BooleanField(
        _("緊急・自殺予防の相談窓口"), default=False, help_text=_("「死にたい」などの検索で最初に表示します")
    )
    is_national = models.BooleanField(_("全国の窓口"), default=False)
    national_key = models.SlugField(max_length=60, blank=True, editable=False)
    member = models.ForeignKey(
        MemberOrganisation,
        verbose_name=_("運営する会員団体"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hsds_services",
    )
    is_published = models.BooleanField(_("公開"), default=False)
    # The 情報交換・共有シート columns that have no HSDS field (新・既, 種別, 形態, 委託先).
    inventory = models.JSONField(_("共有シートの項目"), default=dict, blank=True)

    objects: ClassVar = scoped_manager(ServiceQuerySet)

    class Meta(HSDSModel.Meta):
        verbose_name = _("支援・相談窓口")
        verbose_name_plural = _("支援・相談窓口")
        ordering = ["name_kana", "name", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        for value in self.target_groups or []:
            if value not in TargetGroup.values:
                raise ValidationError({"target_groups": _("対象者の値が正しくありません。")})
        for value in self.age_bands or []:
            if value not in AgeBand.values:
                raise ValidationError({"age_bands": _("対象年齢層の値が正しくありません。")})

    def terms(self) -> models.QuerySet[TaxonomyTerm]:
        return TaxonomyTerm.objects.filter(attributes__service=self).distinct()

    @property
    def dial_phones(self) -> list[Phone]:
        """Numbers one can call or text (not FAX), in order; reads prefetched ``phones``."""
        return [phone for phone in self.phones.all() if phone.href]

    @property
    def target_group_labels(self) -> list[str]:
        return [str(TargetGroup(v).label) for v in self.target_groups or [] if v in TargetGroup.values]

    @property
    def age_band_labels(self) -> list[str]:
        return [str(AgeBand(v).label) for v in self.age_bands or [] if v in AgeBand.values]


# --- locations ----------------------------------------------------------------------------------


class Location(HSDSModel):
    class Type(models.TextChoices):
        PHYSICAL = "physical", _("所在地")
        POSTAL = "postal", _("郵送先")
        VIRTUAL = "virtual", _("電話・オンライン")

    location_type = models.CharField(_("種類"), max_length=10, choices=Type.choices, default=Type.PHYSICAL)
    url = models.CharField(max_length=500, blank=True)
    organization_ref = models.UUIDField(null=True, blank=True, db_index=True)
    name = models.CharField(_("名称"), max_length=300, blank=True)
    name_kana = models.CharField(_("ふりがな"), max_length=300, blank=True, validators=[kana_validator])
    alternate_name = models.CharField(max_length=300, blank=True)
    description = models.TextField(_("説明"), blank=True)
    transportation = models.TextField(_("交通"), blank=True)
    latitude = models.FloatField(
        _("緯度"), null=True, blank=True
    )  # range checked by the staff form (HSDS data may be loose)
    longitude = models.FloatField(_("経度"), null=True, blank=True)
    external_identifier = models.CharField(max_length=200, blank=True)
    external_identifier_type = models.CharField(max_length=200, blank=True)

    class Meta(HSDSModel.Meta):
        verbose_name = _("場所")
        verbose_name_plural = _("場所")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name or str(self.uuid)


class Address(HSDSModel):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=200, blank=True)
    address_1 = models.CharField(_("住所"), max_length=300)
    address_2 = models.CharField(_("建物名など"), max_length=300, blank=True)
    city = models.CharField(_("市区町村"), max_length=100)
    region = models.CharField(max_length=100, blank=True)
    state_province = models.CharField(_("都道府県"), max_length=100)
    postal_code = models.CharField(_("郵便番号"), max_length=20)
    country = models.CharField(max_length=2, default="JP")
    address_type = models.CharField(
        max_length=10, choices=Location.Type.choices, default=Location.Type.PHYSICAL
    )

    class Meta(HSDSModel.Meta):
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.state_province}{self.city}{self.address_1}{self.address_2}"

    @property
    def postcode7(self) -> str:
        return "".join(c for c in self.postal_code if c.isdigit())


class ServiceAtLocation(HSDSModel):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_at_locations")
    description = models.TextField(blank=True)

    class Meta(HSDSModel.Meta):
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.service} @ {self.location}"


class Contact(HSDSModel):
    organization_ref = models.UUIDField(null=True, blank=True)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    service_at_location_ref = models.UUIDField(null=True, blank=True)
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    department = models.CharField(max_length=200, blank=True)
    email = models.EmailField(max_length=254, blank=True)

    class Meta(HSDSModel.Meta):
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name or str(self.uuid)


class PhoneType(models.TextChoices):
    """HSDS 3.0 phone types (the field stays free text: imported data may carry others)."""

    VOICE = "voice", _("電話")
    FAX = "fax", _("FAX")
    TEXT = "text", _("SMS")
    CELL = "cell", _("携帯電話")
    VIDEO = "video", _("ビデオ通話")
    PAGER = "pager", _("ポケベル")
    TEXTPHONE = "textphone", _("文字電話")


class Phone(HSDSModel):
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    number = models.CharField(_("電話番号"), max_length=100)
    extension = models.IntegerField(null=True, blank=True)
    type = models.CharField(_("種類"), max_length=20, blank=True)
    description = models.TextField(_("説明"), blank=True)

    class Meta(HSDSModel.Meta):
        ordering = ["id"]

    def __str__(self) -> str:
        return self.number

    @property
    def type_label(self) -> str:
        """「FAX」「SMS」…; empty for a plain voice line (or an unknown type)."""
        if self.type in (PhoneType.VOICE, ""):
            return ""
        return str(PhoneType(self.type).label) if self.type in PhoneType.values else ""

    @property
    def href(self) -> str:
        """A tel:/sms: link, or empty for a number nobody can call (FAX)."""
        digits = "".join(c for c in unicodedata.normalize("NFKC", self.number) if c.isdigit() or c in "#+")
        if self.type == PhoneType.FAX or not digits:
            return ""
        return f"{'sms' if self.type == PhoneType.TEXT else 'tel'}:{digits}"


WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
byday_validator = RegexValidator(
    r"^((-?[1-5])?(MO|TU|WE|TH|FR|SA|SU))(,(-?[1-5])?(MO|TU|WE|TH|FR|SA|SU))*$",
    _("曜日は MO,TU,WE,TH,FR,SA,SU をカンマ区切りで（第3木曜は 3TH）入力してください。"),
)
int_list_validator = RegexValidator(r"^-?\d{1,3}(,-?\d{1,3})*$", _("数字をカンマ区切りで入力してください。"))


class Schedule(HSDSModel):
    """HSDS schedule: an RFC 5545 RRULE subset (WEEKLY/MONTHLY, BYDAY with ordinals, BYMONTHDAY)."""

    class Freq(models.TextChoices):
        WEEKLY = "WEEKLY", _("毎週")
        MONTHLY = "MONTHLY", _("毎月")

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    timezone = models.FloatField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    count = models.IntegerField(null=True, blank=True)
    wkst = models.CharField(max_length=2, blank=True, choices=[(d, d) for d in WEEKDAYS])
    freq = models.CharField(_("繰り返し"), max_length=10, blank=True, choices=Freq.choices)
    interval = models.IntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    byday = models.CharField(_("曜日"), max_length=100, blank=True, validators=[byday_validator])
    byweekno = models.CharField(max_length=100, blank=True, validators=[int_list_validator])
    bymonthday = models.CharField(max_length=100, blank=True, validators=[int_list_validator])
    byyearday = models.CharField(max_length=100, blank=True, validators=[int_list_validator])
    description = models.TextField(_("受付日時（表示用）"), blank=True)
    opens_at = models.TimeField(_("開始時刻"), null=True, blank=True)
    closes_at = models.TimeField(_("終了時刻"), null=True, blank=True)
    schedule_link = models.CharField(max_length=500, blank=True)
    attending_type = models.CharField(max_length=200, blank=True)
    notes = models.TextField(_("備考"), blank=True)

    class Meta(HSDSModel.Meta):
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description or f"{self.freq} {self.byday} {self.opens_at}-{self.closes_at}"

    def occurs_on(self, day: datetime.date) -> bool:
        """Whether the rule has an occurrence on ``day`` (public holidays are the caller's concern)."""
        if self.valid_from and day < self.valid_from or self.valid_to and day > self.valid_to:
            return False
        if self.dtstart and day < self.dtstart or self.until and day > self.until:
            return False
        if not self.freq:
            return False
        weekday = WEEKDAYS[day.weekday()]
        if self.bymonthday and self.freq == self.Freq.MONTHLY:
            last = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(
                days=1
            )
            days = {int(x) for x in self.bymonthday.split(",")}
            if day.day not in days and (day.day - last.day - 1) not in days:
                return False
        if self.byday:
            matched = False
            for token in self.byday.split(","):
                code, ordinal = token[-2:], token[:-2]
                if code != weekday:
                    continue
                if not ordinal or self.freq == self.Freq.WEEKLY:
                    matched = True
                else:
                    n = int(ordinal)
                    nth = (day.day - 1) // 7 + 1
                    days_left = (
                        (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
                        - datetime.timedelta(days=1)
                    ).day - day.day
                    if n == nth or (n < 0 and days_left // 7 + 1 == -n):
                        matched = True
            if not matched:
                return False
        if self.interval and self.interval > 1 and self.dtstart:
            if self.freq == self.Freq.WEEKLY:
                weeks = (day - self.dtstart).days // 7
                if weeks % self.interval:
                    return False
            else:
                months = (day.year - self.dtstart.year) * 12 + day.month - self.dtstart.month
                if months % self.interval:
                    return False
        return True

    def is_open_at(self, moment: datetime.datetime) -> bool:
        """Open at ``moment`` (local Asia/Tokyo wall time); overnight hours run past midnight."""
        opens, closes = self.opens_at, self.closes_at
        if opens is None or closes is None:
            return False
        now = moment.time()
        if opens < closes:
            return self.occurs_on(moment.date()) and opens <= now < closes
        if opens == closes:  # 24 hours
            return self.occurs_on(moment.date())
        # Overnight, e.g. 17:00–翌9:00.
        yesterday = moment.date() - datetime.timedelta(days=1)
        return (self.occurs_on(moment.date()) and now >= opens) or (
            self.occurs_on(yesterday) and now < closes
        )


class ServiceArea(HSDSModel):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(_("名称"), max_length=300, blank=True)
    description = models.TextField(blank=True)
    extent = models.TextField(blank=True)
    extent_type = models.CharField(max_length=20, blank=True)
    uri = models.CharField(max_length=500, blank=True)
    municipality_code = models.CharField(
        _("全国地方公共団体コード"),
        max_length=6,
        blank=True,
        db_index=True,
        validators=[validate_municipality_code],
        help_text=_("市区町村または都道府県のコード（6桁）。全国の窓口は空欄。"),
    )

    class Meta(HSDSModel.Meta):
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Language(HSDSModel):
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    phone = models.ForeignKey(
        Phone, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    name = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)

    class Meta(HSDSModel.Meta):
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name or self.code


class Accessibility(HSDSModel):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="accessibility")
    description = models.TextField(blank=True)
    details = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)

    class Meta(HSDSModel.Meta):
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description[:50]


class CostOption(HSDSModel):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = models.TextField(blank=True)
    currency = models.CharField(max_length=3, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    amount_description = models.TextField(blank=True)

    class Meta(HSDSModel.Meta):
        ordering = ["id"]

    def __str__(self) -> str:
        return self.option[:50]


class Funding(HSDSModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="funding"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="funding"
    )
    source = models.TextField(blank=True)

    class Meta(HSDSModel.Meta):
        ordering = ["id"]

    def __str__(self) -> str:
        return self.source[:50]


class RequiredDocument(HSDSModel):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="required_documents")
    document = models.TextField(blank=True)
    uri = models.CharField(max_length=500, blank=True)

    class Meta(HSDSModel.Meta):
        ordering = ["id"]

    def __str__(self) -> str:
        return self.document[:50]


class OrganizationIdentifier(HSDSModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="organization_identifiers"
    )
    identifier_scheme = models.CharField(max_length=100, blank=True)
    identifier_type = models.CharField(max_length=200)
    identifier = models.CharField(max_length=200)

    class Meta(HSDSModel.Meta):
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.identifier_type}: {self.identifier}"


class MetaTableDescription(HSDSModel):
    name = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=20, blank=True)
    character_set = models.CharField(max_length=50, blank=True)

    class Meta(HSDSModel.Meta):
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Attribute(HSDSModel):
    """Links a taxonomy term to any HSDS row (``link_id`` + ``link_entity``).

    ``service`` is filled when the linked row is one of this platform's services, so that
    ``Service.objects.with_term()`` is a join.
    """

    link_id = models.UUIDField(db_index=True)
    taxonomy_term = models.ForeignKey(TaxonomyTerm, on_delete=models.PROTECT, related_name="attributes")
    link_type = models.CharField(max_length=100, blank=True)
    link_entity = models.CharField(max_length=50, blank=True)
    value = models.TextField(blank=True)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="attributes"
    )

    class Meta(HSDSModel.Meta):
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.link_entity}:{self.link_id} → {self.taxonomy_term_id}"

    def save(self, *args, **kwargs):
        if self.link_entity == "service" and self.service_id is None:
            with scopes_disabled():
                self.service = Service.objects.filter(platform_id=self.platform_id, uuid=self.link_id).first()
        super().save(*args, **kwargs)


class Metadata(HSDSModel):
    """HSDS metadata: the change history (who changed which field of which resource, when)."""

    resource_id = models.UUIDField(db_index=True)
    resource_type = models.CharField(max_length=50)
    last_action_date = models.DateTimeField()
    last_action_type = models.CharField(max_length=50)
    field_name = models.CharField(max_length=100)
    previous_value = models.TextField(blank=True)
    replacement_value = models.TextField(blank=True)
    updated_by = models.CharField(max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta(HSDSModel.Meta):
        verbose_name = _("変更履歴")
        verbose_name_plural = _("変更履歴")
        ordering = ["-last_action_date", "-id"]

    def __str__(self) -> str:
        return f"{self.resource_type}.{self.field_name} ({self.last_action_type})"
