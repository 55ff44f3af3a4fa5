"""Signing in with an e-mail address (the growing delays checked first) and the password reset."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.queries import login_wait
from tsunagari.lib import mail


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

    def clean(self) -> dict[str, Any]:
        # Growing delays per account name, from any address (accounts.models.LoginDelay): checked
        # before the password, so a try during the wait neither counts nor tells anything. The
        # same for an address without an account.
        username = self.cleaned_data.get("username")
        if username:
            wait = login_wait(username)
            if wait.total_seconds() > 0:
                raise forms.ValidationError(
                    _(
                        "このアカウントへのログインの失敗が続いたため、しばらく受け付けません。"
                        "%(seconds)d秒ほど待ってから、もう一度お試しください。急ぐときは事務局の管理者に解除を依頼してください。"
                    ),
                    code="delayed",
                    params={"seconds": max(1, int(wait.total_seconds() + 0.999))},
                )
        return super().clean()


class StaffPasswordResetForm(PasswordResetForm):
    """Also reaches invited staff who have not chosen a password yet; mail goes through the outbox.

    The mail is stored as sensitive (its link lets the reader choose the password), so staff
    pages list it without its body. ``platform`` is set for a welcome mail of a platform.
    """

    platform: Any = None
    kind = "account.password_reset"

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        mail.queue(
            to=[to_email],
            subject=render_to_string(subject_template_name, context),
            body=render_to_string(email_template_name, context),
            html_body=render_to_string(html_email_template_name, context) if html_email_template_name else "",
            from_email=from_email or "",
            platform=self.platform,
            kind=self.kind,
            sensitive=True,
        )

    def get_users(self, email: str):
        return User.objects.filter(email__iexact=email.strip(), is_active=True)
