"""Drawing a sample from a sampling frame (an uploaded register)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.forms.imports import UploadForm
from surveys.models import Sample


class SampleForm(UploadForm):
    strata = forms.CharField(
        label=_("層に使う列"),
        max_length=200,
        help_text=_("名簿の列名をカンマ区切りで。例: 地区,年齢階級"),
    )
    allocation = forms.ChoiceField(
        label=_("配分"), choices=Sample.Allocation.choices, initial=Sample.Allocation.PROPORTIONAL
    )
    size = forms.IntegerField(
        label=_("標本の大きさ"),
        min_value=1,
        max_value=1_000_000,
        help_text=_("比例配分では全体の人数、層ごとに同数では1層あたりの人数"),
    )
    seed = forms.IntegerField(
        label=_("乱数の種"),
        required=False,
        min_value=0,
        help_text=_("空欄なら自動で決めて記録します。同じ種と名簿なら同じ標本になります。"),
    )

    def strata_columns(self) -> list[str]:
        return [c.strip() for c in self.cleaned_data["strata"].replace("、", ",").split(",") if c.strip()]
