from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("メールアドレス"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _(
            "メールアドレスまたはパスワードが正しくありません。"
            "続けて間違えると一定時間ログインできなくなります。"
        ),
        "inactive": _("このアカウントは無効になっています。事務局にお問い合わせください。"),
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("確認コード（6桁）"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=_("認証アプリに表示されている6桁の数字、またはバックアップコードを入力してください。"),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].replace(" ", "").strip()


class StaffPasswordResetForm(PasswordResetForm):
    """Also reaches invited staff who have not chosen a password yet."""

    def get_users(self, email: str):  # type: ignore[no-untyped-def, override]
        from accounts.models import User

        return User.objects.filter(email__iexact=email.strip(), is_active=True)
