from django import forms
from django.utils.translation import gettext_lazy as _

from platforms.models import Platform


class PlatformRulesForm(forms.ModelForm):
    bylaws_url = forms.URLField(
        label=_("規約・設置要綱のURL"), required=False, assume_scheme="https", max_length=200
    )

    class Meta:
        model = Platform
        widgets = {
            "terms_text": forms.Textarea(attrs={"rows": 8}),
            "privacy_notice": forms.Textarea(attrs={"rows": 8}),
        }
        fields = [
            "name",
            "secretariat_name",
            "contact_email",
            "contact_phone",
            "bylaws_url",
            "terms_text",
            "privacy_notice",
            "requires_recommendation",
            "rejoin_ban_years",
            "ban_after_withdrawal",
            "fiscal_year_start_month",
        ]
