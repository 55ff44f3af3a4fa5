"""Forms of the staff member pages, the tiers editor, change requests, withdrawals and expulsions."""

from __future__ import annotations

import copy
import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnership.forms.application import check_postal_code
from partnership.models import (
    PUBLISHABLE_FIELD_NAMES,
    PUBLISHABLE_FIELDS,
    ActivityField,
    Expulsion,
    MemberOrganisation,
    MemberTier,
    OrgType,
)
from partnership.queries import CHANGEABLE_FIELDS, member_values

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _today() -> datetime.date:
    return timezone.localdate()


# ---------------------------------------------------------------------------
# Member list


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("団体名・ふりがな"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("状態"),
        required=False,
        choices=[("", _("すべて")), *MemberOrganisation.Status.choices],
    )
    tier: forms.ModelChoiceField[MemberTier] = forms.ModelChoiceField(
        label=_("会員区分"),
        required=False,
        queryset=MemberTier.objects.none(),
        to_field_name="uuid",
        empty_label=_("すべて"),
    )
    org_type = forms.ChoiceField(
        label=_("団体の種別"), required=False, choices=[("", _("すべて")), *OrgType.choices]
    )

    def __init__(self, *args: Any, show_status: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["tier"]).queryset = MemberTier.objects.all()
        if not show_status:
            del self.fields["status"]

    def filters(self) -> dict[str, Any]:
        """The valid filters (an invalid one is ignored, with its error shown)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {k: v for k, v in data.items() if v not in (None, "")}


class MemberTierForm(forms.Form):
    tier: forms.ModelChoiceField[MemberTier] = forms.ModelChoiceField(
        label=_("会員区分"), queryset=MemberTier.objects.none(), to_field_name="uuid"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["tier"]).queryset = MemberTier.objects.all()


# ---------------------------------------------------------------------------
# Tiers editor


class TierForm(forms.ModelForm):
    class Meta:
        model = MemberTier
        fields = ["name", "order", "is_default", "can_recommend"]


class BaseTierFormSet(forms.BaseModelFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        names: set[str] = set()
        defaults = 0
        for form in self.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue  # the empty "add a tier" row
            if form.cleaned_data.get("DELETE"):
                tier = form.instance
                if tier.pk is not None:
                    in_use = MemberOrganisation.objects.filter(tier=tier).count()
                    if in_use:
                        form.add_error(
                            None,
                            _("区分「%(name)s」は%(n)d団体が使用中のため削除できません。")
                            % {"name": tier.name, "n": in_use},
                        )
                continue
            name = "".join(form.cleaned_data.get("name", "").split())
            if name in names:
                form.add_error("name", _("区分名「%(name)s」が重複しています。") % {"name": name})
            names.add(name)
            defaults += 1 if form.cleaned_data.get("is_default") else 0
        if names and defaults != 1:
            raise forms.ValidationError(
                _("新規会員の既定区分を1つだけ選んでください（現在%(n)d個）。") % {"n": defaults}
            )


TierFormSet = forms.modelformset_factory(
    MemberTier, form=TierForm, formset=BaseTierFormSet, extra=1, can_delete=True, can_delete_extra=False
)


def tier_formset(data: Any = None) -> BaseTierFormSet:
    return TierFormSet(data, queryset=MemberTier.objects.all(), prefix="tiers")  # type: ignore[return-value]


# ---------------------------------------------------------------------------
# 変更届 (change request) by member staff


class MemberDetailsForm(forms.ModelForm):
    """The application form's fields, prefilled with the member's current values.

    It never saves: ``changes()`` gives the fields whose value differs from now.
    """

    fields = forms.ModelMultipleChoiceField(  # type: ignore[assignment]
        label=_("活動分野"),
        queryset=ActivityField.objects.all(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("活動分野を1つ以上選んでください。")},
    )
    website = forms.URLField(
        label=_("ホームページ"),
        required=False,
        max_length=300,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    published_fields = forms.MultipleChoiceField(
        label=_("公開の会員名簿に掲載してよい項目"),
        required=False,
        choices=PUBLISHABLE_FIELDS,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("団体名の掲載に同意しない場合、公開の会員名簿には載りません。"),
    )

    class Meta:
        model = MemberOrganisation
        fields = CHANGEABLE_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, data: Any = None, *, instance: MemberOrganisation, **kwargs: Any) -> None:
        self.current = member_values(instance)
        # Validation writes the new values into the instance; keep the caller's object untouched.
        super().__init__(data, instance=copy.copy(instance), **kwargs)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        check_postal_code(self)
        codes = {f.code for f in data.get("fields") or []}
        if "other" in codes and not (data.get("other_field") or "").strip():
            self.add_error("other_field", _("「その他」を選んだ場合は、その他の分野を記入してください。"))
        return data

    def new_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name in CHANGEABLE_FIELDS:
            value = self.cleaned_data.get(name)
            if name == "fields":
                values[name] = sorted(f.code for f in value or [])
            elif name == "published_fields":
                values[name] = [k for k in PUBLISHABLE_FIELD_NAMES if k in (value or [])]
            else:
                values[name] = value or ""
        return values

    def changes(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(new values, values at submission) of the fields that differ from the member's."""
        new = self.new_values()
        changed = [name for name in CHANGEABLE_FIELDS if new[name] != self.current[name]]
        return {n: new[n] for n in changed}, {n: self.current[n] for n in changed}


class ChangeDecisionForm(forms.Form):
    APPLY = "apply"
    RETURN = "return"
    action = forms.ChoiceField(label=_("操作"), choices=[(APPLY, _("反映する")), (RETURN, _("差し戻す"))])
    reason = forms.CharField(
        label=_("差戻しの理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("差し戻す場合は必須です。団体に通知されます。"),
    )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("action") == self.RETURN and not (data.get("reason") or "").strip():
            self.add_error("reason", _("差戻しの理由を入力してください。"))
        return data


# ---------------------------------------------------------------------------
# 退会届 (withdrawal)


class WithdrawalForm(forms.Form):
    """Submitted by member staff: the date may not lie in the past."""

    effective_on = forms.DateField(label=_("退会日"), widget=DATE_INPUT)
    reason = forms.CharField(
        label=_("退会理由"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean_effective_on(self) -> datetime.date:
        day = self.cleaned_data["effective_on"]
        if day < _today():
            raise forms.ValidationError(_("退会日は今日以降の日付を入力してください。"))
        return day


class PaperWithdrawalForm(forms.Form):
    """A paper 退会届 recorded by the secretariat; it is accepted at once."""

    effective_on = forms.DateField(label=_("退会日"), widget=DATE_INPUT)
    reason = forms.CharField(
        label=_("退会理由"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, member: MemberOrganisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member = member

    def clean_effective_on(self) -> datetime.date:
        day = self.cleaned_data["effective_on"]
        if day < self.member.joined_on:
            raise forms.ValidationError(
                _("退会日は入会日（%(day)s）以降にしてください。")
                % {"day": self.member.joined_on.isoformat()}
            )
        return day


class WithdrawalDecisionForm(forms.Form):
    ACCEPT = "accept"
    CANCEL = "cancel"
    action = forms.ChoiceField(
        label=_("操作"), choices=[(ACCEPT, _("受理する")), (CANCEL, _("取下げとして記録する"))]
    )


# ---------------------------------------------------------------------------
# 除名 (expulsion, Gifu 規約第8条)


class ExpulsionProposeForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("除名事由（規約第8条）"), choices=Expulsion.Ground.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("事実関係"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("弁明の機会の通知で団体に伝わります。"),
    )


class ExpulsionNotifyForm(forms.Form):
    hearing_notified_on = forms.DateField(label=_("弁明の機会の通知日"), widget=DATE_INPUT, initial=_today)
    hearing_deadline = forms.DateField(label=_("弁明の期限"), widget=DATE_INPUT)

    def clean_hearing_notified_on(self) -> datetime.date:
        day = self.cleaned_data["hearing_notified_on"]
        if day > _today():
            raise forms.ValidationError(_("通知日に未来の日付は入力できません。"))
        return day

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        notified, deadline = data.get("hearing_notified_on"), data.get("hearing_deadline")
        if notified and deadline and deadline <= notified:
            self.add_error("hearing_deadline", _("弁明の期限は通知日より後の日付にしてください。"))
        return data


class ExpulsionDecideForm(forms.Form):
    HELD = "held"
    NONE = "none"
    hearing = forms.ChoiceField(
        label=_("弁明"),
        choices=[(HELD, _("弁明があった")), (NONE, _("期限までに弁明がなかった（弁明なし）"))],
        widget=forms.RadioSelect,
    )
    hearing_record = forms.CharField(
        label=_("弁明の内容"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("弁明があった場合は必須です。"),
    )
    resolution = forms.CharField(
        label=_("プラットフォーム会議の議決"),
        max_length=200,
        help_text=_("例: 令和6年度第3回プラットフォーム会議 議決"),
    )
    decided_on = forms.DateField(label=_("除名日"), widget=DATE_INPUT, initial=_today)

    def __init__(self, *args: Any, expulsion: Expulsion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expulsion = expulsion

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        exp = self.expulsion
        day = data.get("decided_on")
        if data.get("hearing") == self.HELD and not (data.get("hearing_record") or "").strip():
            self.add_error("hearing_record", _("弁明の内容を記録してください。"))
        if day is None:
            return data
        if day > _today():
            self.add_error("decided_on", _("除名日に未来の日付は入力できません。"))
        elif exp.hearing_notified_on and day < exp.hearing_notified_on:
            self.add_error("decided_on", _("除名日は弁明の機会の通知日以降にしてください。"))
        if data.get("hearing") == self.NONE and exp.hearing_deadline and day <= exp.hearing_deadline:
            self.add_error(
                "hearing",
                _("弁明の期限（%(day)s）が過ぎるまでは「弁明なし」として決定できません。")
                % {"day": exp.hearing_deadline.isoformat()},
            )
        return data


class ExpulsionCancelForm(forms.Form):
    cancel_reason = forms.CharField(
        label=_("取りやめの理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
