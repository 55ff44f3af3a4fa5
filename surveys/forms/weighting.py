"""Weighting settings of a survey: options, populations per stratum, population tables typed,
pasted, uploaded or entered option by option."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from surveys.models import WeightingSettings
from surveys.reports import KIND_PROP, Variable
from surveys.stats.weighting import MarginTable, TrimBounds, WeightingError, parse_margin_csv

MAX_CSV_BYTES = 1_000_000


def level_choices(variables: Mapping[str, Variable]) -> dict[str, dict[str, str]]:
    """Variables usable for weighting (single choice with options): {code: {option code: label}}."""
    return {code: dict(v.options) for code, v in variables.items() if v.kind == KIND_PROP and v.options}


class SettingsForm(forms.ModelForm):
    class Meta:
        model = WeightingSettings
        fields = ["scope", "stratum_code", "method", "trim_lower", "trim_upper", "small_cell"]
        widgets = {"stratum_code": forms.Select}

    def __init__(self, *args: Any, variables: Mapping[str, Variable], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [("", _("標本抽出の層（回答に記録された層）"))]
        choices += [(code, variables[code].text[:40]) for code in level_choices(variables)]
        self.fields["stratum_code"].widget.choices = choices
        self.fields["trim_lower"].help_text = _(
            "例: 0.3（中央値の0.3倍より小さいウェイトを引き上げます）。空欄なら下限なし。"
        )
        self.fields["trim_upper"].help_text = _(
            "例: 3.5（中央値の3.5倍より大きいウェイトを切り詰めます）。空欄なら上限なし。"
        )
        self.fields["small_cell"].help_text = _(
            "PDF・Excel・オープンデータでは、回答者がこの人数未満のセルを隠します。"
        )
        self.allowed_codes = set(level_choices(variables))

    def clean_stratum_code(self) -> str:
        code: str = self.cleaned_data["stratum_code"]
        if code and code not in self.allowed_codes:
            raise forms.ValidationError(_("層に使えるのは選択肢のある単一回答の設問です。"))
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            TrimBounds(lower=data.get("trim_lower"), upper=data.get("trim_upper"))
        except WeightingError as error:
            raise forms.ValidationError(str(error)) from error
        return data


class TableForm(forms.Form):
    """A population table typed (pasted) as CSV text or uploaded as a CSV file."""

    text = forms.CharField(
        label=_("母集団の表（CSV）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=mark_safe(  # noqa: S308 -- our own text: the columns shown as code
            _(
                "1行目に設問コードと <code>population</code>、2行目から区分と人数。区分は選択肢の番号か名前で。"
                "例: <code>age_band,sex,population</code> ／ <code>20-29歳,男性,10234</code>"
            )
        ),
    )
    file = forms.FileField(label=_("またはCSVファイル"), required=False)

    def __init__(self, *args: Any, levels: Mapping[str, Mapping[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.levels = levels

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_CSV_BYTES:
                raise forms.ValidationError(_("CSVファイルが大きすぎます（1MBまで）。"))
            raw = upload.read()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                try:
                    text = raw.decode("cp932")
                except UnicodeDecodeError as error:
                    raise forms.ValidationError(
                        _("CSVファイルの文字コードを読めません（UTF-8 か Shift_JIS で保存してください）。")
                    ) from error
        else:
            text = data.get("text") or ""
        if not text.strip():
            raise forms.ValidationError(_("表を入力するか、CSVファイルを選んでください。"))
        try:
            data["table"] = parse_margin_csv(text, known_levels=self.levels)
        except WeightingError as error:
            raise forms.ValidationError(str(error)) from error
        return data


class MarginEntryForm(forms.Form):
    """One variable's margin typed in option by option (one number field per option)."""

    def __init__(self, *args: Any, variable: Variable, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.variable = variable
        for code, label in variable.options:
            self.fields[f"level_{code}"] = forms.FloatField(label=label, min_value=0, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        cells: dict[tuple[str, ...], float] = {
            (code,): data[f"level_{code}"]
            for code, _label in self.variable.options
            if data.get(f"level_{code}")
        }
        if not cells:
            raise forms.ValidationError(_("少なくとも1つの区分に人数を入力してください。"))
        data["table"] = MarginTable((self.variable.code,), cells)
        return data


class StratumPopulationForm(forms.Form):
    text = forms.CharField(
        label=_("層ごとの母集団（CSV）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, column: str, levels: Mapping[str, str] | list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.column, self.levels = column, levels
        self.fields["text"].help_text = _(
            "1行目に %(column)s,population、2行目から層と人数。空にすると標本抽出の記録を使います。"
        ) % {"column": column}

    def clean_text(self) -> dict[str, float]:
        text = self.cleaned_data["text"]
        if not text.strip():
            return {}
        try:
            table = parse_margin_csv(text, known_levels={self.column: self.levels})
        except WeightingError as error:
            raise forms.ValidationError(str(error)) from error
        if len(table.variables) != 1:
            raise forms.ValidationError(_("層の列は1つだけにしてください。"))
        return {key[0]: value for key, value in table.cells.items()}


class RemoveTableForm(forms.Form):
    index = forms.IntegerField(min_value=0)
