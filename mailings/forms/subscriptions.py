"""Public forms: subscribe (with the consent), preferences; staff: lists, editors, issues, import."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from mailings.models import Issue, MailingList


class SubscribeForm(forms.Form):
    email = forms.CharField(
        label=_("メールアドレス"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
    name = forms.CharField(label=_("お名前"), max_length=80, required=False)
    organisation = forms.CharField(label=_("所属団体"), max_length=120, required=False)
    consent = forms.BooleanField(
        label=_(
            "配信に同意します。確認のメールのリンクを開くと登録が完了します。配信はいつでも停止できます。"
        )
    )

    def clean_email(self) -> str:
        return unicodedata.normalize("NFKC", self.cleaned_data["email"]).strip()


class PreferencesForm(forms.Form):
    lists = forms.MultipleChoiceField(
        label=_("受け取るメールマガジン"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["lists"]
        field.choices = [(str(pk), name) for pk, name in choices]


class MailingListForm(forms.ModelForm):
    class Meta:
        model = MailingList
        fields = [
            "name",
            "slug",
            "description",
            "is_public",
            "archive_public",
            "rate_per_minute",
            "bounce_limit",
        ]


class IssueForm(forms.ModelForm):
    class Meta:
        model = Issue
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 18})}

    def _post_clean(self) -> None:
        pass  # the service checks the subject and body and names the problem


class EditorForm(forms.Form):
    user = forms.ModelChoiceField(label=_("スタッフ"), queryset=User.objects.none())

    def __init__(self, *args: Any, platform: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["user"]
        field.queryset = User.objects.filter(
            roles__platform=platform, roles__kind__in=[Role.SECRETARIAT_ADMIN, Role.SECRETARIAT_STAFF]
        ).order_by("email")


class ImportForm(forms.Form):
    addresses = forms.CharField(
        label=_("既に同意を得ている方のメールアドレス"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "1行に1件。「メールアドレス,お名前」の形でも。紙の申込書などで配信の同意を得た方だけを入力してください。"
        ),
    )
