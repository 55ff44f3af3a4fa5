"""The printed サポートリスト: the secretariat's settings, its chosen categories, and the rendered PDFs kept per data version."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from directory.models.hsds import TaxonomyTerm
from platforms.models import Platform, platform_manager
from tsunagari.lib.tenancy import TenantModel


class SupportListSettings(models.Model):
    """How this platform prints its サポートリスト: title, categories and order, size, fallback window."""

    class Size(models.TextChoices):
        A4 = "a4", _("A4（冊子・一覧表）")
        A5 = "a5", _("A5（小冊子）")

    platform = models.OneToOneField(Platform, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(
        _("表紙の題名"),
        max_length=100,
        blank=True,
        help_text=_("空欄なら「（設置団体）つながりサポートリスト」"),
    )
    subtitle = models.CharField(
        _("副題"), max_length=100, blank=True, default="ひとりで悩まず、ご相談ください"
    )
    intro = models.TextField(_("表紙のことば"), max_length=400, blank=True)
    size = models.CharField(_("既定の用紙"), max_length=2, choices=Size.choices, default=Size.A4)
    fallback_lead = models.CharField(
        _("案内の文"),
        max_length=60,
        default="どこに相談したらよいか迷ったら",
        help_text=_("全ページの下に表示します"),
    )
    fallback_name = models.CharField(
        _("迷ったときの相談先"), max_length=100, blank=True, help_text=_("例: 伊勢市福祉生活相談センター")
    )
    fallback_phone = models.CharField(_("その電話番号"), max_length=30, blank=True)
    fallback_hours = models.CharField(
        _("その受付日時"), max_length=60, blank=True, help_text=_("例: 月〜金 8:30〜17:15")
    )
    # Services in none of the chosen categories (an imported directory often has none): printed
    # under 「その他」 at the end, or under the category chosen here, or not at all.
    print_others = models.BooleanField(
        _("分類のない窓口も載せる"),
        default=True,
        help_text=_(
            "掲載する分類のどれにも当てはまらない公開中の窓口を、下の分類（空欄なら「その他」）に載せます。"
        ),
    )
    others_term = models.ForeignKey(
        TaxonomyTerm,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("分類のない窓口を載せる分類"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = platform_manager()

    class Meta:
        verbose_name = _("サポートリストの設定")
        verbose_name_plural = _("サポートリストの設定")

    def __str__(self) -> str:
        return str(self.platform)


class SupportListCategory(TenantModel):
    """One category (a taxonomy term) printed in the サポートリスト, at ``position``."""

    settings = models.ForeignKey(SupportListSettings, on_delete=models.CASCADE, related_name="categories")
    term = models.ForeignKey(TaxonomyTerm, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(_("順番"))

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["settings", "term"], name="support_list_category_unique")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.term}"


class SupportListRendering(models.Model):
    """A rendered PDF, kept until the data it was made from changes (``key`` = data version)."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    size = models.CharField(max_length=2)
    language = models.CharField(max_length=10)
    pdf = models.BinaryField()
    pages = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = platform_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "key"], name="support_list_rendering_key")]

    def __str__(self) -> str:
        return f"{self.size} {self.key[:12]}"
