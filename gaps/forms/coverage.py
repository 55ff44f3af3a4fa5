"""The coverage matrix's filters."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import AgeBand, TargetGroup
from gaps import queries
from platforms.models import Platform


class CoverageForm(forms.Form):
    """GET filters of the coverage matrix; invalid values fall back to the defaults."""

    dimension = forms.ChoiceField(
        label=_("列"),
        choices=[
            (queries.TARGET, _("対象者")),
            (queries.AGE, _("対象年齢層")),
            (queries.AREA, _("地域（市区町村）")),
        ],
        required=False,
    )
    terms = forms.ChoiceField(
        label=_("行（分類）"),
        choices=[
            (queries.CATEGORIES, _("サポートリストの8分類")),
            (queries.TOPICS, _("相談テーマ")),
            (queries.OWN, _("このプラットフォーム独自の分類")),
            ("all", _("すべての分類")),
        ],
        required=False,
    )
    area = forms.ChoiceField(label=_("地域"), required=False)
    target = forms.ChoiceField(
        label=_("対象者"), choices=[("", _("すべて")), *TargetGroup.choices], required=False
    )
    age = forms.ChoiceField(
        label=_("対象年齢層"), choices=[("", _("すべて")), *AgeBand.choices], required=False
    )
    include_wide = forms.BooleanField(label=_("県域の窓口を各市町村に含める"), required=False, initial=True)
    include_national = forms.BooleanField(label=_("全国の窓口を含める"), required=False)
    all_services = forms.BooleanField(label=_("未公開の窓口も数える"), required=False)

    def __init__(self, data: Any, *, platform: Platform) -> None:
        # A first visit (no query) takes the defaults, including the checked 県域 box.
        super().__init__(data if data else None)
        areas = [(c.key, c.label) for c in queries.areas(platform)]
        cast(forms.ChoiceField, self.fields["area"]).choices = [("", _("すべての地域")), *areas]

    def options(self) -> queries.Options:
        if not self.is_bound:
            return queries.Options()
        data = self.cleaned_data if self.is_valid() else {}
        terms = data.get("terms") or queries.CATEGORIES
        return queries.Options(
            dimension=data.get("dimension") or queries.TARGET,
            terms="" if terms == "all" else terms,
            area=data.get("area") or "",
            target=data.get("target") or "",
            age=data.get("age") or "",
            include_wide=bool(data.get("include_wide")),
            include_national=bool(data.get("include_national")),
            published_only=not data.get("all_services"),
        )

    def conditions(self) -> list[tuple[str, str]]:
        """(label, shown value) of every filter, for the export's 条件 sheet."""
        valid = self.is_bound and self.is_valid()
        rows = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name) if valid else field.initial
            if isinstance(field, forms.BooleanField):
                shown = str(_("はい") if value else _("いいえ"))
            else:
                choices: Any = getattr(field, "choices", ())
                shown = str(dict(choices).get(value or "", value or ""))
            rows.append((str(field.label), shown))
        return rows
