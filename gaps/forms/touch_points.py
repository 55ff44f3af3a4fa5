"""Forms of the touch-point matrix: departments, signs of isolation and the cell editor."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import Service
from gaps import queries
from gaps.models import Department, IsolationSignal, TouchPoint


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
        cast(forms.ModelChoiceField, self.fields["department"]).queryset = Department.objects.all()
        cast(forms.ModelChoiceField, self.fields["signal"]).queryset = IsolationSignal.objects.all()
        cast(forms.ModelChoiceField, self.fields["services"]).queryset = queries.handover_choices()
        if point is not None:  # the cell is fixed; only its contents change
            self.fields["department"].disabled = True
            self.fields["signal"].disabled = True


class DeleteForm(forms.Form):
    confirm = forms.BooleanField(label=_("削除することを確認しました"))
