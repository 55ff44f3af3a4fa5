"""Forms of the network pages; the services validate again and name the field in Japanese."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from network.models import Engagement, Listing, Notice, ReferralStep


class NoticeForm(forms.ModelForm):
    link = forms.URLField(label=_("詳細URL"), required=False, assume_scheme="https")

    class Meta:
        model = Notice
        fields = [
            "kind",
            "audience",
            "title",
            "body",
            "topic",
            "area",
            "funder",
            "amount_yen",
            "deadline",
            "eligibility",
            "link",
        ]
        widgets = {
            "deadline": forms.DateInput(attrs={"type": "date"}),
            "body": forms.Textarea(attrs={"rows": 4}),
        }


class ListingForm(forms.ModelForm):
    class Meta:
        model = Listing
        fields = [
            "side",
            "kind",
            "title",
            "description",
            "municipality_code",
            "starts_on",
            "ends_on",
            "quantity",
            "unit",
            "to_platform",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class DeliveryForm(forms.Form):
    hours = forms.IntegerField(label=_("人・時間"), min_value=0, initial=0)
    goods = forms.IntegerField(label=_("物品の数"), min_value=0, initial=0)
    yen = forms.IntegerField(label=_("金額（円）"), min_value=0, initial=0)


class StepForm(forms.ModelForm):
    class Meta:
        model = ReferralStep
        fields = ["role", "organisation_label", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class EngagementForm(forms.ModelForm):
    class Meta:
        model = Engagement
        fields = [
            "municipality_code",
            "municipality_name",
            "kind",
            "held_on",
            "participants",
            "issues",
            "next_steps",
        ]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "participants": forms.Textarea(attrs={"rows": 2}),
            "issues": forms.Textarea(attrs={"rows": 2}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
        }
