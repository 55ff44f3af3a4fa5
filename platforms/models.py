"""Tenants: one Platform per 地方版孤独・孤立対策官民連携プラットフォーム."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagari.lib import jiscode
from tsunagari.lib.tenancy import scoped_manager

slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    _("スラッグは半角英小文字・数字・ハイフンで入力してください。"),
)


class PlatformQuerySet(models.QuerySet["Platform"]):
    def in_prefecture_of(self, platform: Platform) -> PlatformQuerySet:
        """Municipal platforms in the same prefecture as ``platform``."""
        return self.filter(code__startswith=platform.code[:2]).exclude(pk=platform.pk)


class Platform(models.Model):
    slug = models.SlugField(_("スラッグ"), max_length=40, unique=True, validators=[slug_validator])
    code = models.CharField(
        _("全国地方公共団体コード"),
        max_length=6,
        unique=True,
        validators=[jiscode.validate_code],
        help_text=_("6桁（検査数字を含む）。例: 岐阜県 210005"),
    )
    name = models.CharField(_("名称"), max_length=120)
    owner_name = models.CharField(_("設置団体"), max_length=60, help_text=_("例: 岐阜県"))
    is_public = models.BooleanField(_("公開"), default=True)
    contact_email = models.EmailField(_("事務局メールアドレス"), blank=True)
    contact_phone = models.CharField(_("事務局電話番号"), max_length=20, blank=True)
    secretariat_name = models.CharField(
        _("事務局名"), max_length=120, blank=True, help_text=_("例: 岐阜県健康福祉部地域福祉課")
    )
    # Membership rules (bylaws); defaults follow Gifu's 入会規則.
    requires_recommendation = models.BooleanField(
        _("入会に推薦を要する"),
        default=False,
        help_text=_("岐阜県方式: 一般団体の入会には県・市町村・幹事団体の推薦が必要"),
    )
    rejoin_ban_years = models.PositiveSmallIntegerField(
        _("再入会禁止期間（年）"),
        default=3,
        validators=[MaxValueValidator(20)],
        help_text=_("除名された団体が再入会できない期間。0で制限なし。"),
    )
    ban_after_withdrawal = models.BooleanField(_("任意退会にも再入会禁止期間を適用"), default=False)
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("年度開始月"), default=4, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    bylaws_url = models.URLField(_("規約・設置要綱のURL"), blank=True)
    # Published at /p/<slug>/terms/ and /p/<slug>/privacy/, linked from the join form and the
    # web chat; the secretariat edits both on the settings page.
    terms_text = models.TextField(
        _("規約（本文）"),
        blank=True,
        max_length=20000,
        help_text=_(
            "「規約」のページに載せる本文です。規約・設置要綱のURLがあるときはそちらへも案内します。"
        ),
    )
    privacy_notice = models.TextField(
        _("個人情報の取扱い"),
        blank=True,
        max_length=20000,
        help_text=_("入会申込やチャット相談で受け取る情報の使い方です。空欄なら標準の文を載せます。"),
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    objects = PlatformQuerySet.as_manager()

    class Meta:
        verbose_name = _("プラットフォーム")
        verbose_name_plural = _("プラットフォーム")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_prefecture(self) -> bool:
        return jiscode.is_prefecture(self.code)

    @property
    def kind_label(self) -> str:
        return str(_("都道府県")) if self.is_prefecture else str(_("市区町村"))

    def fiscal_year_of(self, day) -> int:
        """The fiscal year (by its starting calendar year) that ``day`` falls in."""
        return day.year if day.month >= self.fiscal_year_start_month else day.year - 1


# The manager factory lives in tsunagari.lib.tenancy (the lib imports no app); the old name stays.
platform_manager = scoped_manager
