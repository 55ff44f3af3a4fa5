"""Staff forms: the event itself, seating, courses."""

from __future__ import annotations

import re
import unicodedata
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Course, Event
from events.services.seating import ATTRIBUTES


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class EventForm(forms.ModelForm):
    course: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("研修"), queryset=None, required=False, help_text=_("連続講座の1回として数えるとき")
    )
    online_url = forms.URLField(
        label=_("オンライン参加のURL"),
        required=False,
        assume_scheme="https",
        help_text=_("参加確定の方にだけ知らせます。"),
    )
    reminder_days_text = forms.CharField(
        label=_("リマインダー（開催の何日前）"),
        required=False,
        initial="3, 1",
        max_length=40,
        help_text=_("参加確定の方に送る日を開催の何日前かで、カンマ区切りで（例: 3, 1）。空で送りません。"),
    )
    questions_text = forms.CharField(
        label=_("独自の質問"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("申込フォームに加える質問を1行に1つ（10件まで）。例: 交流会で話したいテーマ"),
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "slug",
            "summary",
            "description",
            "starts_at",
            "ends_at",
            "deadline",
            "venue",
            "venue_address",
            "capacity_venue",
            "capacity_online",
            "online_url",
            "allocation",
            "waitlist",
            "offer_hours",
            "fee",
            "audience",
            "organiser",
            "sponsors",
            "contact",
            "table_size",
            "course",
            "reminders_on_business_days",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "deadline": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["course"]).queryset = Course.objects.all()
        if self.instance.pk:
            self.fields["questions_text"].initial = "\n".join(self.instance.questions or [])
            self.fields["reminder_days_text"].initial = ", ".join(
                str(d) for d in self.instance.reminder_days or []
            )
        for name in ("starts_at", "ends_at", "deadline"):
            field: Any = self.fields[name]
            field.input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]

    def clean_questions_text(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["questions_text"].splitlines() if line.strip()]
        if len(lines) > 10:
            raise forms.ValidationError(_("独自の質問は10件までです。"))
        if any(len(line) > 200 for line in lines):
            raise forms.ValidationError(_("質問は1つ200字までです。"))
        return lines

    def clean_reminder_days_text(self) -> list[int]:
        text = unicodedata.normalize("NFKC", self.cleaned_data["reminder_days_text"])
        parts = [part for part in re.split(r"[,、\s]+", text) if part]
        if not all(part.isdigit() for part in parts):
            raise forms.ValidationError(
                _("リマインダーは開催の何日前かを数字で、カンマ区切りで入力してください（例: 3, 1）。")
            )
        days = sorted({int(part) for part in parts}, reverse=True)
        if any(not 1 <= day <= 14 for day in days) or len(days) > 3:
            raise forms.ValidationError(_("リマインダーは1〜14日前の間で3回までです。"))
        return days

    def data_for_service(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}
        data["questions"] = self.cleaned_data["questions_text"]
        if "reminder_days_text" in self.cleaned_data:
            data["reminder_days"] = self.cleaned_data["reminder_days_text"]
        return data

    def _post_clean(self) -> None:
        # The service checks the event as a whole (and the unique slug) and names the problem.
        pass


class ProposalForm(EventForm):
    """What a member organisation's staff may set when proposing an event."""

    class Meta(EventForm.Meta):
        fields = [
            f for f in EventForm.Meta.fields if f not in ("table_size", "course", "allocation", "offer_hours")
        ]


class SeatingForm(forms.Form):
    attribute = forms.ChoiceField(
        label=_("グループ分けの項目"), choices=list(ATTRIBUTES.items()), initial="region"
    )
    table_size = forms.IntegerField(label=_("1テーブルの人数"), min_value=2, max_value=30, initial=8)


class MoveSeatForm(forms.Form):
    registration = forms.UUIDField(widget=forms.HiddenInput)
    table = forms.IntegerField(label=_("テーブル"), min_value=1, max_value=999, required=False)


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = ["title", "description", "min_sessions", "certificate_title"]


class StatusForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(a, a) for a in ("publish", "unpublish", "return", "cancel", "propose", "draw")]
    )
    reason = forms.CharField(required=False, max_length=1000)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("開始日"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("終了日"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("終了日は開始日以降にしてください。"))
        if data.get("start") and data.get("end") and (data["end"] - data["start"]).days > 366 * 5:
            raise forms.ValidationError(_("期間は5年以内にしてください。"))
        return data
