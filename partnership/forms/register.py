"""Filters of the public member register (GET parameters, no JavaScript)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from partnership.models import ActivityField, OrgType


class RegisterFilterForm(forms.Form):
    q = forms.CharField(label=_("団体名"), required=False, max_length=100)
    org_type = forms.ChoiceField(
        label=_("団体の種別"), required=False, choices=[("", _("すべて")), *OrgType.choices]
    )
    field = forms.ChoiceField(label=_("活動分野"), required=False)
    area = forms.CharField(
        label=_("活動地域"), required=False, max_length=100, help_text=_("例: 岐阜市、西濃")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["field"]).choices = [
            ("", _("すべて")),
            *ActivityField.objects.values_list("code", "name"),
        ]

    def filters(self) -> dict[str, str]:
        """Valid, non-empty filters; an invalid value (e.g. an unknown type) is dropped."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {k: v.strip() for k, v in data.items() if v and v.strip()}
