"""Outcomes: trial projects (実証事業) with contractors, cost lines and KPIs, and campaigns with
per-medium figures (impressions, clicks, cost) as the agencies report them.

Models: Yamagata's 試行的事業 table (seed 000), Tokushima's 試行事業一覧 (seed 004, total
¥8,712,064) and Ise's SNS広告レポート (seed 003). Money is integer yen.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from consultations.models import Medium, TrackedLink
from directory.models import Service
from outcomes import sources
from tsunagari.lib.tenancy import TenantModel


class TrialProject(TenantModel):
    """One 実証事業 / 試行事業: what, why, when, by whom, for how much, and what came of it."""

    name = models.CharField(_("事業名称"), max_length=200)
    content = models.TextField(_("事業内容"), blank=True)
    expected_effect = models.TextField(_("期待される効果"), blank=True)
    fiscal_year = models.PositiveIntegerField(_("年度"), help_text=_("西暦の年度（4月始まり）"))
    period = models.CharField(_("実施時期"), max_length=80, blank=True, help_text=_("例: 2022/11～12"))
    contractor = models.CharField(_("発注先"), max_length=200, blank=True)
    budget = models.PositiveBigIntegerField(_("予算（円）"), null=True, blank=True)
    reactions = models.TextField(_("実施後の反響"), blank=True)

    class Meta:
        verbose_name = _("実証事業")
        verbose_name_plural = _("実証事業")
        ordering = ["fiscal_year", "created_at", "id"]

    def __str__(self) -> str:
        return self.name


class CostLine(TenantModel):
    """An actual cost of a project (税込, yen), paid to one payee: Tokushima lists several per project."""

    project = models.ForeignKey(TrialProject, on_delete=models.CASCADE, related_name="costs")
    payee = models.CharField(_("支払先"), max_length=200)
    amount = models.PositiveBigIntegerField(_("金額（円）"))
    note = models.CharField(_("備考"), max_length=200, blank=True, help_text=_("例: 追加発注"))

    class Meta:
        verbose_name = _("費用")
        verbose_name_plural = _("費用")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.payee} {self.amount}"


class Kpi(TenantModel):
    """An indicator of the logic model with a target; measured by hand or from tsunagari's own data."""

    class Stage(models.TextChoices):
        INPUT = "input", _("投入")
        ACTIVITY = "activity", _("活動")
        OUTPUT = "output", _("結果（アウトプット）")
        OUTCOME = "outcome", _("成果（アウトカム）")

    class Source(models.TextChoices):
        MANUAL = "manual", _("手入力")
        CONSULTATIONS = "consultations", _("相談件数（期間内）")
        LINK_CLICKS = "link_clicks", _("計測リンクのクリック数")
        LONELINESS = "surveys.loneliness", _("孤独感「しばしばある・常にある」の割合（住民調査）")

    project = models.ForeignKey(TrialProject, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(_("指標"), max_length=200)
    stage = models.CharField(_("段階"), max_length=10, choices=Stage.choices, default=Stage.OUTPUT)
    unit = models.CharField(_("単位"), max_length=20, blank=True, help_text=_("例: 件、人、団体"))
    target = models.DecimalField(_("目標値"), max_digits=14, decimal_places=2, null=True, blank=True)
    # "manual" or the key of a registered source (outcomes.sources: consultations, link_clicks,
    # surveys.loneliness, events' figures …); not a fixed choice list, apps add sources.
    source = models.CharField(_("測り方"), max_length=40, default=Source.MANUAL)
    parameter = models.CharField(
        _("測る対象"), max_length=60, blank=True, help_text=_("調査・計測リンクなど、測り方が選ばせるもの")
    )
    tracked_link = models.ForeignKey(
        TrackedLink,
        verbose_name=_("計測リンク"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    starts_on = models.DateField(_("集計開始日"), null=True, blank=True)
    ends_on = models.DateField(_("集計終了日"), null=True, blank=True)

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPI")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def source_label(self) -> str:
        if self.source == self.Source.MANUAL:
            return str(self.Source.MANUAL.label)
        found = sources.get(self.source)
        return str(found.label) if found else self.source

    @property
    def source_parameter(self) -> str:
        """What the source measures: the chosen survey or link (the tracked link's uuid by default)."""
        if self.parameter:
            return self.parameter
        return str(self.tracked_link.uuid) if self.tracked_link_id and self.tracked_link else ""


class Measurement(TenantModel):
    """A measured value of a KPI on a day (values over time; the latest is the current one)."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField(_("測定日"))
    value = models.DecimalField(_("測定値"), max_digits=14, decimal_places=2)
    note = models.CharField(_("備考"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("測定値")
        verbose_name_plural = _("測定値")
        ordering = ["measured_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "measured_on"], name="one_measurement_per_kpi_day")
        ]

    def __str__(self) -> str:
        return f"{self.kpi} {self.measured_on} {self.value}"


class Campaign(TenantModel):
    """A publicity campaign with its media; the stated totals are kept to be checked against the rows."""

    name = models.CharField(_("名称"), max_length=200)
    starts_on = models.DateField(_("開始日"), null=True, blank=True)
    ends_on = models.DateField(_("終了日"), null=True, blank=True)

    class Calendar(models.TextChoices):
        MARCH = "march", _("自殺対策強化月間（3月）")
        SEPTEMBER = "september", _("自殺予防週間（9月10日〜16日）")
        OTHER = "other", _("その他の時期")

    target_groups = models.CharField(
        _("対象"), max_length=200, blank=True, help_text=_("例: 退職後の男性、妊産婦")
    )
    calendar = models.CharField(
        _("予防の暦"),
        max_length=10,
        choices=Calendar.choices,
        blank=True,
        help_text=_("国の啓発期間に合わせた広報か"),
    )
    project = models.ForeignKey(
        TrialProject,
        verbose_name=_("実証事業"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaigns",
    )
    stated_impressions = models.PositiveBigIntegerField(_("報告された合計表示回数"), null=True, blank=True)
    stated_clicks = models.PositiveBigIntegerField(_("報告された合計クリック"), null=True, blank=True)
    stated_cost = models.PositiveBigIntegerField(_("報告された合計費用"), null=True, blank=True)
    stated_ctr = models.CharField(_("報告された合計クリック率"), max_length=20, blank=True)
    stated_cpc = models.CharField(_("報告された合計クリック単価"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("広報キャンペーン")
        verbose_name_plural = _("広報キャンペーン")
        ordering = ["-starts_on", "name", "id"]

    def __str__(self) -> str:
        return self.name


class CampaignMedium(TenantModel):
    """One medium's figures as reported (stated CTR/CPC kept verbatim, e.g. "4.64%", "¥94")."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="media")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(_("広告媒体"), max_length=100)
    medium = models.CharField(_("媒体の種類"), max_length=20, choices=Medium.choices, blank=True)
    tracked_link = models.ForeignKey(
        TrackedLink,
        verbose_name=_("計測リンク"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    impressions = models.PositiveBigIntegerField(_("表示回数"), default=0)
    clicks = models.PositiveBigIntegerField(_("クリック"), default=0)
    cost = models.PositiveBigIntegerField(_("費用（円）"), default=0)
    stated_ctr = models.CharField(_("報告されたクリック率"), max_length=20, blank=True)
    stated_cpc = models.CharField(_("報告されたクリック単価"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("媒体別実績")
        verbose_name_plural = _("媒体別実績")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="one_row_per_campaign_medium")
        ]

    def __str__(self) -> str:
        return self.name


class Flyer(TenantModel):
    """An A4 flyer or poster (Tsuruoka's 相談窓口チラシ, Ise's booklet) with its own tracked QR code.

    Chosen directory services are printed as the windows; the QR code and short link are the
    flyer's tracked link, so a first contact that came through it is counted for this batch.
    """

    title = models.CharField(_("見出し"), max_length=120)
    lead = models.TextField(_("本文"), blank=True, max_length=600)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("広報キャンペーン"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="flyers",
    )
    tracked_link = models.ForeignKey(
        TrackedLink, verbose_name=_("計測リンク（QRコード）"), on_delete=models.PROTECT, related_name="+"
    )
    services = models.ManyToManyField(Service, verbose_name=_("載せる相談窓口"), blank=True, related_name="+")
    copies = models.PositiveIntegerField(_("印刷部数"), null=True, blank=True)
    distribution_points = models.PositiveIntegerField(
        _("配布箇所数"), null=True, blank=True, help_text=_("例: 徳島県は750か所を予定")
    )
    distribution_note = models.TextField(_("配布先"), blank=True, help_text=_("例: 市役所、公民館、薬局"))

    class Meta:
        verbose_name = _("チラシ")
        verbose_name_plural = _("チラシ")
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return self.title


class AnnualReport(TenantModel):
    """The secretariat's words of one fiscal year's report; the figures are drawn when it is printed."""

    fiscal_year = models.PositiveIntegerField(_("年度"))
    foreword = models.TextField(_("はじめに"), blank=True)
    assessment = models.TextField(_("効果検証のまとめ"), blank=True)
    next_steps = models.TextField(_("次年度に向けて"), blank=True)

    class Meta:
        verbose_name = _("年次報告")
        verbose_name_plural = _("年次報告")
        constraints = [
            models.UniqueConstraint(fields=["platform", "fiscal_year"], name="one_annual_report_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}"
