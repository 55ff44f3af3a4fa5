from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _


class ChatMessageForm(forms.Form):
    text = forms.CharField(
        label=_("メッセージ"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("メッセージを入力してください。")},
    )

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # Checked here with a clear message, not by a maxlength attribute that would cut a
        # pasted text silently.
        limit = settings.CONSULTATION_MAX_TEXT_CHARS
        field = self.fields["text"]
        field.max_length = limit  # type: ignore[attr-defined]
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
