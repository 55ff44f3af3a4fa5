"""The public registration form, staff sign-ups (phone, FAX, walk-ins) and the feedback form."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Event, Feedback, Registration
from events.services.registration import SignUp

# Half-width digits, @ and ASCII from full-width input; names keep their characters.
NFKC_FIELDS = ("email", "phone", "name_kana")
MAX_QUESTIONS = 10


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("お名前"), max_length=80)
    name_kana = forms.CharField(label=_("ふりがな"), max_length=80, required=False)
    email = forms.CharField(
        label=_("メールアドレス"),
        max_length=254,
        help_text=_("申込確認と当日のご案内をお送りします。"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
    phone = forms.CharField(
        label=_("電話番号"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    organisation = forms.CharField(label=_("所属団体"), max_length=120, required=False)
    region = forms.CharField(
        label=_("活動地域（市町村）"),
        max_length=60,
        required=False,
        help_text=_("交流会のグループ分けに使います。例: 大津市"),
    )
    mode = forms.ChoiceField(label=_("参加方法"), choices=Registration.Mode.choices, widget=forms.RadioSelect)
    accessibility = forms.CharField(
        label=_("配慮が必要なこと"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("車いす席、手話通訳、要約筆記など。"),
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        modes = event.modes
        mode_field: Any = self.fields["mode"]
        mode_field.choices = [(m, label) for m, label in Registration.Mode.choices if m in modes]
        if len(modes) == 1:
            self.fields["mode"].widget = forms.HiddenInput()
            self.fields["mode"].initial = modes[0]
        for index, question in enumerate((event.questions or [])[:MAX_QUESTIONS]):
            self.fields[f"q{index}"] = forms.CharField(label=question, max_length=1000, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in NFKC_FIELDS:
            if data.get(name):
                data[name] = unicodedata.normalize("NFKC", data[name]).strip()
        return data

    def signup(self) -> SignUp:
        data = self.cleaned_data
        answers = {
            str(self.fields[name].label): data[name]
            for name in self.fields
            if name.startswith("q") and name[1:].isdigit() and data.get(name)
        }
        return SignUp(
            name=data["name"],
            email=data.get("email", ""),
            mode=data["mode"],
            name_kana=data.get("name_kana", ""),
            phone=data.get("phone", ""),
            organisation=data.get("organisation", ""),
            region=data.get("region", ""),
            accessibility=data.get("accessibility", ""),
            answers=answers,
        )


class StaffSignUpForm(RegistrationForm):
    """A sign-up taken by phone, FAX or mail (Shiga took phone sign-ups); e-mail optional."""

    source = forms.ChoiceField(
        label=_("受付方法"),
        choices=[
            (Registration.Source.PHONE, Registration.Source.PHONE.label),
            (Registration.Source.FAX, Registration.Source.FAX.label),
            (Registration.Source.EMAIL, Registration.Source.EMAIL.label),
            (Registration.Source.WALK_IN, Registration.Source.WALK_IN.label),
        ],
        initial=Registration.Source.PHONE,
    )
    over_capacity = forms.BooleanField(
        label=_("定員を超えても参加確定にする"),
        required=False,
        help_text=_("事務局の判断で席を追加するときだけ。当日参加は常に確定します。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = False
        self.fields["email"].help_text = _("分かれば。確認メールを送ります。")
        self.order_fields(["source"])


class FeedbackForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("本日の満足度"), choices=Feedback.Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("ご意見・ご感想"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )


class CancelForm(forms.Form):
    confirm = forms.BooleanField(label=_("この申込を取り消します"), required=True)
