"""Forms of the outcomes pages (Japanese labels from the models)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from consultations.models import TrackedLink
from outcomes.models import Campaign, Kpi, Measurement, TrialProject

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


class CostForm(forms.Form):
    payee = forms.CharField(label=_("支払先"), max_length=200)
    amount = forms.IntegerField(label=_("金額（円）"), min_value=1)
    note = forms.CharField(label=_("備考"), max_length=200, required=False)


class KpiForm(forms.ModelForm):
    tracked_link: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("計測リンク"), queryset=TrackedLink.objects.none(), required=False
    )

    class Meta:
        model = Kpi
        fields = ["name", "stage", "unit", "target", "source", "tracked_link", "starts_on", "ends_on"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["tracked_link"]).queryset = TrackedLink.objects.all()


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
        fields = ["name", "starts_on", "ends_on", "target_groups"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }


class ImportForm(forms.Form):
    file = forms.FileField(label=_("媒体別レポート（CSV または Excel）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("ファイルが大きすぎます（5MB まで）。"))
        if not upload.name.lower().endswith((".csv", ".txt", ".tsv", ".xlsx", ".xlsm")):
            raise forms.ValidationError(_("CSV（.csv）か Excel（.xlsx）のファイルを選んでください。"))
        return upload
