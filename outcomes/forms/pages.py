"""Forms of the outcomes pages (Japanese labels from the models)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from consultations.models import TrackedLink
from directory.models import Service
from outcomes import sources
from outcomes.metrics import clean_number_text
from outcomes.models import Campaign, CampaignMedium, Flyer, Kpi, Measurement, TrialProject
from platforms.models import Platform

MAX_UPLOAD = 5 * 1024 * 1024


class ProjectForm(forms.ModelForm):
    class Meta:
        model = TrialProject
        fields = [
            "name",
            "content",
            "expected_effect",
            "fiscal_year",
            "period",
            "contractor",
            "budget",
            "reactions",
        ]
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in ("content", "expected_effect", "reactions")}


class YenField(forms.IntegerField):
    """Yen as people type it: "１４４，５００", "¥144,500", "144500円" are all 144500."""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = clean_number_text(value)
        return super().to_python(value)


class CostForm(forms.Form):
    payee = forms.CharField(label=_("支払先"), max_length=200)
    amount = YenField(label=_("金額（円）"), min_value=1)
    note = forms.CharField(label=_("備考"), max_length=200, required=False)


def source_choices() -> list[tuple[str, str]]:
    return [(Kpi.Source.MANUAL.value, str(Kpi.Source.MANUAL.label))] + [
        (s.key, str(s.label)) for s in sources.all_sources()
    ]


def parameter_choices(platform: Platform) -> list[tuple[str, object]]:
    """What a source lets a KPI pick (surveys, tracked links), grouped by source."""
    groups: list[tuple[str, object]] = [("", _("（指定なし：最新の調査・すべてのリンク）"))]
    for source in sources.all_sources():
        if source.choices is not None:
            options = source.choices(platform)
            if options:
                groups.append((str(source.label), options))
    return groups


class KpiForm(forms.ModelForm):
    source = forms.ChoiceField(label=_("測り方"), choices=())
    parameter = forms.ChoiceField(label=_("測る対象"), choices=(), required=False)

    class Meta:
        model = Kpi
        fields = ["name", "stage", "unit", "target", "source", "parameter", "starts_on", "ends_on"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, platform: Platform, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["source"]).choices = source_choices()
        cast(forms.ChoiceField, self.fields["parameter"]).choices = parameter_choices(platform)
        self.platform = platform
        if self.instance.pk and not self.instance.parameter and self.instance.tracked_link_id:
            self.initial["parameter"] = str(self.instance.tracked_link.uuid)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        source = sources.get(data.get("source") or "")
        parameter = data.get("parameter") or ""
        if parameter:
            allowed = (
                {value for value, _label in source.choices(self.platform)}
                if source and source.choices
                else set()
            )
            if parameter not in allowed:
                self.add_error("parameter", _("選んだ測り方では、この対象は選べません。"))
        if data.get("source") == Kpi.Source.LINK_CLICKS and not parameter:
            self.add_error(
                "parameter", _("計測リンクのクリック数で測る KPI には計測リンクを選んでください。")
            )
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("集計終了日は集計開始日より後にしてください。"))
        return data


class MeasurementForm(forms.ModelForm):
    class Meta:
        model = Measurement
        fields = ["measured_on", "value", "note"]
        widgets = {"measured_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["value"].required = False
        self.fields["value"].help_text = _(
            "相談件数・クリック数で測る KPI は空欄のままにすると自動で数えます。"
        )


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "starts_on", "ends_on", "target_groups", "calendar"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("終了日は開始日より後にしてください。"))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("媒体別レポート（CSV または Excel）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("ファイルが大きすぎます（5MB まで）。"))
        if not upload.name.lower().endswith((".csv", ".txt", ".tsv", ".xlsx", ".xlsm")):
            raise forms.ValidationError(_("CSV（.csv）か Excel（.xlsx）のファイルを選んでください。"))
        return upload


class FlyerForm(forms.ModelForm):
    campaign: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("広報キャンペーン"), queryset=None, required=False
    )
    tracked_link: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("計測リンク（QRコード）"),
        queryset=None,
        help_text=_(
            "QRコードと短いリンクの行き先です。チラシごとに別のリンクにすると、配布した束ごとの初回相談が数えられます。"
        ),
    )
    services: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("載せる相談窓口"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("相談窓口一覧から選びます（6件まで）。"),
    )

    class Meta:
        model = Flyer
        fields = [
            "title",
            "lead",
            "campaign",
            "tracked_link",
            "services",
            "copies",
            "distribution_points",
            "distribution_note",
        ]
        widgets = {
            "lead": forms.Textarea(attrs={"rows": 3}),
            "distribution_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["services"]).queryset = Service.objects.filter(
            status=Service.Status.ACTIVE
        ).order_by("name")
        cast(forms.ModelChoiceField, self.fields["tracked_link"]).queryset = TrackedLink.objects.all()
        cast(forms.ModelChoiceField, self.fields["campaign"]).queryset = Campaign.objects.all()

    def clean_services(self):
        chosen = self.cleaned_data["services"]
        if len(chosen) > 6:
            raise forms.ValidationError(
                _("A4 1枚に載せられる相談窓口は6件までです（%(n)s件選ばれています）。") % {"n": len(chosen)}
            )
        return chosen


class CostEditForm(CostForm):
    pass


class ReportForm(forms.Form):
    """The annual report's editable parts: the secretariat's words around the figures."""

    fiscal_year = forms.IntegerField(widget=forms.HiddenInput)
    foreword = forms.CharField(
        label=_("はじめに"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    assessment = forms.CharField(
        label=_("効果検証のまとめ"), required=False, widget=forms.Textarea(attrs={"rows": 6}), max_length=8000
    )
    next_steps = forms.CharField(
        label=_("次年度に向けて"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class ProjectImportForm(forms.Form):
    file = forms.FileField(label=_("試行事業一覧（CSV または Excel）"))
    fiscal_year = forms.IntegerField(
        label=_("年度（西暦）"),
        min_value=2000,
        max_value=2100,
        required=False,
        help_text=_("表に年度の列がないときの年度です（例: 令和4年度なら 2022）。"),
    )

    def clean_file(self):
        return ImportForm.clean_file(cast(Any, self))


class MediaLinksForm(forms.Form):
    """One choice per medium of a campaign: the tracked link (short URL, QR code) its ads point to."""

    def __init__(self, media: list[CampaignMedium], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign_media = media
        links = TrackedLink.objects.order_by("label", "code")
        for medium in media:
            self.fields[f"link-{medium.uuid}"] = forms.ModelChoiceField(
                queryset=links,
                required=False,
                to_field_name="uuid",
                label=medium.name,
                empty_label=_("（対応なし）"),
                initial=medium.tracked_link.uuid if medium.tracked_link_id and medium.tracked_link else None,
            )

    def chosen(self) -> dict[CampaignMedium, TrackedLink | None]:
        return {m: self.cleaned_data.get(f"link-{m.uuid}") for m in self.campaign_media}
