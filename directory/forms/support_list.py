"""The staff form of the サポートリスト: texts, fallback window, size, and which categories in which order.

Categories are chosen without JavaScript: every available taxonomy term has a 「掲載する」
checkbox and a 「順番」 number; the chosen terms are printed by number (ties keep the list order).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import SupportListSettings, TaxonomyTerm

TEXT_FIELDS = (
    "title",
    "subtitle",
    "intro",
    "size",
    "fallback_lead",
    "fallback_name",
    "fallback_phone",
    "fallback_hours",
    "print_others",
    "others_term",
)


@dataclass
class TermRow:
    term: TaxonomyTerm
    use: forms.BoundField
    position: forms.BoundField


class SupportListSettingsForm(forms.ModelForm):
    class Meta:
        model = SupportListSettings
        fields = TEXT_FIELDS
        widgets = {"intro": forms.Textarea(attrs={"rows": 3}), "size": forms.RadioSelect}

    def __init__(self, *args: Any, terms: list[TaxonomyTerm] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fallback_name"].required = True
        others = cast(forms.ModelChoiceField, self.fields["others_term"])
        others.queryset = TaxonomyTerm.objects.filter(pk__in=[t.pk for t in terms or []])
        others.empty_label = _("「その他」として最後にまとめて載せる")

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in TEXT_FIELDS}


class CategoriesForm(forms.Form):
    """A 「掲載する」 checkbox and a 「順番」 number per available term; ``cleaned_data["terms"]`` in order."""

    def __init__(
        self, *args: Any, terms: list[TaxonomyTerm], chosen: list[TaxonomyTerm], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.terms = terms
        position = {t.pk: i for i, t in enumerate(chosen, start=1)}
        for term in terms:
            key = term.uuid.hex
            self.fields[f"use_{key}"] = forms.BooleanField(
                label=_("掲載する"), required=False, initial=term.pk in position
            )
            self.fields[f"pos_{key}"] = forms.IntegerField(
                label=_("順番"), min_value=1, max_value=999, required=False, initial=position.get(term.pk)
            )

    def term_rows(self) -> list[TermRow]:
        return [TermRow(t, self[f"use_{t.uuid.hex}"], self[f"pos_{t.uuid.hex}"]) for t in self.terms]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = []
        for index, term in enumerate(self.terms):
            if data.get(f"use_{term.uuid.hex}"):
                chosen.append((data.get(f"pos_{term.uuid.hex}") or 999, index, term))
        if not chosen:
            raise forms.ValidationError(_("掲載する分類を1つ以上選んでください。"))
        data["terms"] = [term for _p, _i, term in sorted(chosen, key=lambda c: (c[0], c[1]))]
        return data


class SizeForm(forms.Form):
    """``?size=a4|a5`` of the public PDF."""

    size = forms.ChoiceField(choices=SupportListSettings.Size.choices, required=False)
