"""Forms of the gap analysis: coverage filters and the touch-point matrix editors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from directory import coverage, touch_points
from directory.models import AgeBand, Department, IsolationSignal, Service, TargetGroup, TouchPoint
from platforms.models import Platform


class CoverageForm(forms.Form):
    """GET filters of the coverage matrix; invalid values fall back to the defaults."""

    dimension = forms.ChoiceField(
        label=_("列"),
        choices=[
            (coverage.TARGET, _("対象者")),
            (coverage.AGE, _("対象年齢層")),
            (coverage.AREA, _("地域（市区町村）")),
        ],
        required=False,
    )
    terms = forms.ChoiceField(
        label=_("行（分類）"),
        choices=[
            (coverage.CATEGORIES, _("サポートリストの8分類")),
            (coverage.TOPICS, _("相談テーマ")),
            (coverage.OWN, _("このプラットフォーム独自の分類")),
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
        areas = [(c.key, c.label) for c in coverage.areas(platform)]
        self.fields["area"].choices = [("", _("すべての地域")), *areas]  # type: ignore[attr-defined]

    def options(self) -> coverage.Options:
        if not self.is_bound:
            return coverage.Options()
        data = self.cleaned_data if self.is_valid() else {}
        terms = data.get("terms") or coverage.CATEGORIES
        return coverage.Options(
            dimension=data.get("dimension") or coverage.TARGET,
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
                shown = str(dict(field.choices).get(value or "", value or ""))  # type: ignore[attr-defined]
            rows.append((str(field.label), shown))
        return rows


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "duties"]
        help_texts = {"name": _("例: 財政部"), "duties": _("例: 納税状況、債権管理")}


class SignalForm(forms.ModelForm):
    class Meta:
        model = IsolationSignal
        fields = ["name", "description"]
        help_texts = {"name": _("例: 税・水道料金の滞納")}


class ServicesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.organization.name}）"


class TouchPointForm(forms.Form):
    department: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("部局"),
        queryset=Department.objects.none(),
        to_field_name="uuid",
        empty_label=_("選んでください"),
    )
    signal: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("孤立のサイン"),
        queryset=IsolationSignal.objects.none(),
        to_field_name="uuid",
        empty_label=_("選んでください"),
    )
    situation = forms.CharField(
        label=_("接点となる場面"),
        max_length=300,
        required=False,
        help_text=_("例: 納付相談の窓口、督促の電話"),
    )
    services = ServicesField(
        label=_("つなぐ先の窓口"),
        queryset=Service.objects.none(),
        to_field_name="uuid",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("複数選べます（Ctrl キーまたは ⌘ キーを押しながら選択）。"),
    )
    handover = forms.CharField(
        label=_("つなぎ方"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例: 本人の同意を得て、担当者に電話でつなぐ"),
    )

    def __init__(self, *args: Any, point: TouchPoint | None = None, **kwargs: Any) -> None:
        if point is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                "department": point.department,
                "signal": point.signal,
                "situation": point.situation,
                "handover": point.handover,
                "services": list(point.services.all()),
            }
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.all()  # type: ignore[attr-defined]
        self.fields["signal"].queryset = IsolationSignal.objects.all()  # type: ignore[attr-defined]
        self.fields["services"].queryset = touch_points.handover_choices()  # type: ignore[attr-defined]
        if point is not None:  # the cell is fixed; only its contents change
            self.fields["department"].disabled = True
            self.fields["signal"].disabled = True


class DeleteForm(forms.Form):
    confirm = forms.BooleanField(label=_("削除することを確認しました"))
