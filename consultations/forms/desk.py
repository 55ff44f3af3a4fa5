from __future__ import annotations

import re
from typing import cast

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from consultations.models import BusinessHours, DeskSettings, SpecialPeriod, TrackedLink
from platforms.models import Platform


class ChatMessageForm(forms.Form):
    text = forms.CharField(
        label=_("メッセージ"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("メッセージを入力してください。")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Checked here with a clear message, not by a maxlength attribute that would cut a
        # pasted text silently.
        limit = settings.CONSULTATION_MAX_TEXT_CHARS
        field = cast(forms.CharField, self.fields["text"])
        field.max_length = limit
        field.validators.append(MaxLengthValidator(limit))
        field.error_messages["max_length"] = _(
            "メッセージは%(limit_value)s文字以内にしてください（いまは%(show_value)s文字です）。分けて送ってください。"
        )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("メッセージを入力してください。"))
        return text


class ResumeForm(forms.Form):
    code = forms.CharField(
        label=_("相談コード"),
        max_length=40,
        help_text=_("はじめて相談したときに表示された16文字のコード（例: ABCD-EFGH-JKLM-NPQR）"),
        error_messages={"required": _("相談コードを入力してください。")},
    )


class DeskSettingsForm(forms.ModelForm):
    class Meta:
        model = DeskSettings
        fields = [
            "name",
            "operator_name",
            "web_chat_enabled",
            "closed_on_holidays",
            "closed_year_end",
            "retention_months",
            "notice_readers",
            "notice_erasure",
        ]
        widgets = {
            "notice_readers": forms.Textarea(attrs={"rows": 3}),
            "notice_erasure": forms.Textarea(attrs={"rows": 3}),
        }


class LineChannelForm(forms.Form):
    """Credentials are write-only: the stored values are never shown again."""

    secret = forms.CharField(
        label=_("チャネルシークレット"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("LINE Developers の「チャネル基本設定」。空欄なら保存済みの値のままです。"),
    )
    token = forms.CharField(
        label=_("チャネルアクセストークン（長期）"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("「Messaging API設定」で発行します。空欄なら保存済みの値のままです。"),
    )
    basic_id = forms.CharField(
        label=_("LINE ベーシックID"), required=False, max_length=40, help_text=_("例: @733gquft")
    )

    def clean_secret(self) -> str:
        secret = self.cleaned_data["secret"].strip()
        if secret and not re.fullmatch(r"[0-9a-f]{32}", secret):
            raise forms.ValidationError(_("チャネルシークレットは32文字の半角英数字（0-9, a-f）です。"))
        return secret

    def clean_basic_id(self) -> str:
        basic_id = self.cleaned_data["basic_id"].strip()
        if basic_id and not re.fullmatch(r"@[0-9a-z._-]{3,30}", basic_id):
            raise forms.ValidationError(_("ベーシックIDは @ で始まる半角英数字です（例: @733gquft）。"))
        return basic_id


class BusinessHoursForm(forms.ModelForm):
    class Meta:
        model = BusinessHours
        fields = ["weekday", "start", "end"]
        widgets = {
            "start": forms.TimeInput(attrs={"type": "time"}),
            "end": forms.TimeInput(attrs={"type": "time"}),
        }

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("start") is not None and data.get("start") == data.get("end"):
            raise forms.ValidationError(_("開始と終了が同じ時刻です。"))
        return data


class SpecialPeriodForm(forms.ModelForm):
    class Meta:
        model = SpecialPeriod
        fields = ["name", "start_date", "end_date", "closed", "start", "end", "include_weekends"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "start": forms.TimeInput(attrs={"type": "time"}),
            "end": forms.TimeInput(attrs={"type": "time"}),
        }

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("終了日は開始日以降にしてください。"))
        if not data.get("closed") and (data.get("start") is None or data.get("end") is None):
            raise forms.ValidationError(_("休みにしない期間は、開始と終了の時刻を入力してください。"))
        return data


class TrackedLinkForm(forms.ModelForm):
    class Meta:
        model = TrackedLink
        fields = ["label", "medium", "target", "code"]

    def __init__(self, *args, platform: Platform, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.platform = platform
        self.fields["code"].help_text = _("URLの末尾になります（例: gads2）。半角英小文字・数字3〜16文字。")

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().lower()
        if TrackedLink.objects.filter(platform=self.platform, code=code).exists():
            raise forms.ValidationError(_("このコードはもう使われています。"))
        return code
