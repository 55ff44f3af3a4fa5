from django import forms

from platforms.models import Platform


class PlatformRulesForm(forms.ModelForm):
    class Meta:
        model = Platform
        fields = [
            "name",
            "secretariat_name",
            "contact_email",
            "contact_phone",
            "bylaws_url",
            "requires_recommendation",
            "rejoin_ban_years",
            "ban_after_withdrawal",
            "fiscal_year_start_month",
        ]
