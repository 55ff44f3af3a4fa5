"""The questionnaire: a new survey, its sections and questions (with a line syntax for options,
rows and conditions), and benchmarks to compare results with."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from surveys import logic
from surveys.models import Audience, Question, QuestionType, Section, code_validator
from surveys.national import MODULE_HIKIKOMORI, MODULE_YOUNG_CARER, NATIONAL, ORGANISATION


class SurveyCreateForm(forms.Form):
    title = forms.CharField(label=_("調査名"), max_length=200)
    slug = forms.SlugField(
        label=_("識別名"),
        max_length=60,
        help_text=_("回答ページのURLに使います（半角英数字とハイフン）。例: kodoku-2025"),
    )
    audience = forms.ChoiceField(label=_("対象"), choices=Audience.choices, initial=Audience.RESIDENTS)
    template = forms.ChoiceField(
        label=_("ひな形"),
        choices=[
            (NATIONAL, _("全国調査（人々のつながりに関する基礎調査）の設問")),
            (
                ORGANISATION,
                _("支援団体向け活動実態調査（滋賀県の15項目。回答をポータル掲載の下書きにできます）"),
            ),
            ("", _("白紙から作る")),
        ],
        initial=NATIONAL,
        required=False,
    )
    modules = forms.MultipleChoiceField(
        label=_("追加モジュール"),
        choices=[
            (MODULE_HIKIKOMORI, _("ひきこもり（外出頻度とその期間。鎌倉市の広義のひきこもりの定義）")),
            (MODULE_YOUNG_CARER, _("ヤングケアラーのスクリーニング")),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    regions = forms.CharField(
        label=_("地域の選択肢"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("1行に1地域。例: 中央、西部、東部、北部、秩父"),
    )
    description = forms.CharField(
        label=_("回答者への説明"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    allow_open_web = forms.BooleanField(
        label=_("招待コードなしの回答（オープン調査）を受け付ける"), required=False
    )

    def region_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["regions"].splitlines() if line.strip()]


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["title", "title_easy"]


def parse_option_lines(text: str) -> list[dict[str, Any]]:
    """``1 = しばしばある・常にある | よくある・いつもある`` per line; a trailing ``!`` marks an
    option that cannot be combined with others (「特に参加していない」)."""
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        exclusive = line.endswith("!")
        line = line.rstrip("!").strip()
        code, sep, rest = line.replace("＝", "=").partition("=")
        if not sep:
            raise ValidationError(_("%(n)d行目: 「番号 = 選択肢」の形で書いてください。") % {"n": number})
        try:
            value = int(code.strip())
        except ValueError:
            raise ValidationError(_("%(n)d行目: 番号は整数で書いてください。") % {"n": number}) from None
        label, _bar, easy = rest.partition("|")
        if not label.strip():
            raise ValidationError(_("%(n)d行目: 選択肢の文が空です。") % {"n": number})
        option: dict[str, Any] = {"code": value, "label": label.strip(), "label_easy": easy.strip()}
        if exclusive:
            option["exclusive"] = True
        out.append(option)
    return out


def format_option_lines(options: list[dict[str, Any]]) -> str:
    lines = []
    for o in options:
        line = f"{o['code']} = {o['label']}"
        if o.get("label_easy"):
            line += f" | {o['label_easy']}"
        if o.get("exclusive"):
            line += " !"
        lines.append(line)
    return "\n".join(lines)


def parse_row_lines(text: str) -> list[dict[str, str]]:
    """``ucla_1 = 人とのつきあいがないと感じる | やさしい日本語`` per line."""
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        code, sep, rest = line.replace("＝", "=").partition("=")
        if not sep:
            raise ValidationError(_("%(n)d行目: 「コード = 項目」の形で書いてください。") % {"n": number})
        try:
            code_validator(code.strip())
        except ValidationError:
            raise ValidationError(
                _("%(n)d行目: 項目のコードは半角英小文字・数字・_ で書いてください。") % {"n": number}
            ) from None
        label, _bar, easy = rest.partition("|")
        out.append({"code": code.strip(), "label": label.strip(), "label_easy": easy.strip()})
    return out


def format_row_lines(rows: list[dict[str, str]]) -> str:
    return "\n".join(
        f"{r['code']} = {r['label']}" + (f" | {r['label_easy']}" if r.get("label_easy") else "") for r in rows
    )


class QuestionForm(forms.ModelForm):
    section: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("セクション"), queryset=None
    )  # set per survey in __init__
    options_text = forms.CharField(
        label=_("選択肢"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_(
            "1行に1つ「番号 = 選択肢 | やさしい日本語」。ほかと同時に選べない選択肢は行末に ! を付けます。"
        ),
    )
    rows_text = forms.CharField(
        label=_("項目（マトリクス）"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("1行に1つ「コード = 項目 | やさしい日本語」。コードが集計の列名になります。"),
    )
    conditions_text = forms.CharField(
        label=_("表示条件"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=mark_safe(  # noqa: S308 -- our own text: the operators shown as code
            _(
                "例: <code>outing_freq in 5,6,7,8</code>（すべての行を満たすときだけ表示）。"
                "<code>=</code> <code>!=</code> <code>&gt;=</code> <code>&lt;=</code> <code>answered</code> も使えます。"
            )
        ),
    )

    class Meta:
        model = Question
        fields = [
            "section",
            "code",
            "type",
            "text",
            "text_easy",
            "help_text",
            "required",
            "min_value",
            "max_value",
            "min_label",
            "max_label",
            "max_choices",
        ]
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "text_easy": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, sections: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["section"]).queryset = sections
        if self.instance.pk:
            self.fields["options_text"].initial = format_option_lines(self.instance.options)
            self.fields["rows_text"].initial = format_row_lines(self.instance.rows)
            self.fields["conditions_text"].initial = logic.format_condition_lines(self.instance.conditions)
        if self.instance.locked:
            for name, field in self.fields.items():
                if not (name == "options_text" and self.instance.options_editable):
                    field.disabled = True

    def clean_options_text(self) -> list[dict[str, Any]]:
        return parse_option_lines(self.cleaned_data["options_text"])

    def clean_rows_text(self) -> list[dict[str, str]]:
        return parse_row_lines(self.cleaned_data["rows_text"])

    def clean_conditions_text(self) -> list[dict[str, Any]]:
        try:
            return logic.parse_condition_lines(self.cleaned_data["conditions_text"])
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        qtype = data.get("type")
        if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.MATRIX) and not data.get(
            "options_text"
        ):
            self.add_error("options_text", _("選択肢を入力してください。"))
        if qtype == QuestionType.MATRIX and not data.get("rows_text"):
            self.add_error("rows_text", _("マトリクスの項目を入力してください。"))
        if qtype == QuestionType.SCALE:
            low, high = data.get("min_value"), data.get("max_value")
            if low is None or high is None:
                self.add_error("max_value", _("尺度には最小値と最大値を入力してください。"))
            elif low != int(low) or high != int(high) or high - low > 20:
                self.add_error("max_value", _("尺度は整数で、段階は21以下にしてください。"))
        return data

    def apply(self) -> Question:
        """The instance with the parsed options, rows and conditions (saved by the service)."""
        question = self.instance
        if not question.locked:
            question.options = self.cleaned_data.get("options_text") or []
            question.rows = self.cleaned_data.get("rows_text") or []
            question.conditions = self.cleaned_data.get("conditions_text") or []
        elif question.options_editable:
            question.options = self.cleaned_data.get("options_text") or question.options
        return question


class BenchmarkForm(forms.Form):
    question_code = forms.CharField(
        label=_("設問コード"), max_length=40, validators=[code_validator], initial="loneliness_direct"
    )
    source = forms.CharField(
        label=_("出典"), max_length=200, initial="人々のつながりに関する基礎調査（内閣官房）"
    )
    year = forms.IntegerField(label=_("調査年"), min_value=1990, max_value=2100)
    n = forms.IntegerField(label=_("回答者数"), min_value=1)
    percentages = forms.CharField(
        label=_("選択肢別の割合（%）"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("1行に1つ「番号 = 割合」。例: 1 = 4.8"),
    )
    no_answer = forms.DecimalField(
        label=_("無回答（%）"), min_value=0, max_value=100, decimal_places=1, initial=0
    )

    def clean_percentages(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for number, raw in enumerate(self.cleaned_data["percentages"].splitlines(), start=1):
            line = raw.strip().replace("＝", "=").rstrip("%％")
            if not line:
                continue
            code, sep, value = line.partition("=")
            try:
                key, share = str(int(code.strip())), float(value.strip())
            except ValueError:
                raise ValidationError(
                    _("%(n)d行目: 「番号 = 割合」の形で書いてください（例: 1 = 4.8）。") % {"n": number}
                ) from None
            if not sep or not 0 <= share <= 100:
                raise ValidationError(_("%(n)d行目: 割合は0〜100の数で書いてください。") % {"n": number})
            if key in out:
                raise ValidationError(
                    _("%(n)d行目: 番号 %(code)s が重複しています。") % {"n": number, "code": key}
                )
            out[key] = share
        if not out:
            raise ValidationError(_("割合を1行以上入力してください。"))
        return out
