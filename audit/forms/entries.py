from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.labels import ACTION_LABELS
from audit.models import AuditQuerySet


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("操作"),
        required=False,
        choices=[("", _("すべて"))]
        + sorted(((k, v) for k, v in ACTION_LABELS.items()), key=lambda kv: str(kv[1])),
    )
    actor = forms.CharField(label=_("実行者（メール）"), required=False, max_length=254)
    date_from = forms.DateField(
        label=_("開始日"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("終了日"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("終了日は開始日以降にしてください。"))
        return data

    def apply(self, qs: AuditQuerySet) -> AuditQuerySet:
        d = self.cleaned_data
        tz = timezone.get_current_timezone()
        if d.get("action"):
            qs = qs.filter(action=d["action"])
        if d.get("actor"):
            qs = qs.filter(actor_label__icontains=d["actor"])
        if d.get("date_from"):
            qs = qs.filter(created_at__gte=datetime.combine(d["date_from"], time.min, tzinfo=tz))
        if d.get("date_to"):
            end = datetime.combine(d["date_to"] + timedelta(days=1), time.min, tzinfo=tz)
            qs = qs.filter(created_at__lt=end)
        return qs
