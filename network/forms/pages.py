"""Forms of the network pages; the services validate again and name the field in Japanese."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from network import files
from network.models import CaseStudy, Engagement, Listing, Notice, ReferralStep
from network.services.cases import Step
from network.strengths import parse_strengths
from partnership.models import MemberOrganisation

# Lazy (``%`` on a lazy string would translate it once, at import): each request's language.
FILES_HELP = lazy(
    lambda: (
        gettext(
            "PDF・画像（PNG/JPEG）・Word・Excel・PowerPoint・テキスト/CSV、1つ%(mb)s MBまで、%(n)s個まで。"
        )
        % {"mb": files.MAX_BYTES // (1024 * 1024), "n": files.MAX_FILES}
    ),
    str,
)()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; the service checks their content (``network.files``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(files.ACCEPTED)}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(item, initial) for item in items if item]


class NoticeForm(forms.ModelForm):
    link = forms.URLField(label=_("詳細URL"), required=False, assume_scheme="https")
    attachments = MultipleFileField(label=_("添付ファイル"), help_text=FILES_HELP)

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
        help_texts = {"audience": _("会員が「公開」を選ぶと、事務局の確認の後に公開ページに載ります。")}


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("コメント"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("コメントを入力してください。")},
    )
    attachments = MultipleFileField(label=_("添付ファイル"), help_text=FILES_HELP)


class RecipientsForm(forms.Form):
    text = forms.CharField(
        label=_("傘下団体の送付先"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "1行に1団体、「団体名,メールアドレス」。ここにない送付先は外れます。配信停止した送付先には送りません。"
        ),
    )


class UmbrellaForm(forms.Form):
    member: forms.ModelChoiceField[MemberOrganisation] = forms.ModelChoiceField(
        label=_("団体"), queryset=MemberOrganisation.objects.none()
    )
    member_count = forms.IntegerField(label=_("傘下の団体数"), min_value=1)
    listed_members = forms.CharField(
        label=_("傘下の団体（1行に1団体、任意）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["member"]).queryset = MemberOrganisation.objects.active()


class ProfileForm(forms.Form):
    strengths = forms.CharField(
        label=_("得意分野"),
        required=False,
        max_length=400,
        help_text=_(
            "短い言葉を「、」で区切って（例: 見守り、食支援、居場所づくり）。マッチングの説明にも使います。"
        ),
    )
    consultation_setup = forms.CharField(
        label=_("相談体制"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("窓口・受付日時・相談の方法（電話・来所・訪問・オンライン）など。"),
    )
    support_content = forms.CharField(
        label=_("支援内容"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_public = forms.BooleanField(
        label=_("公開ページに載せる"),
        required=False,
        help_text=_("公開中（または公開にする）の内容の変更は、事務局が確認してから反映します。"),
    )

    def clean_strengths(self) -> list[str]:
        return parse_strengths(self.cleaned_data["strengths"])


class PledgeForm(forms.Form):
    text = forms.CharField(label=_("誓約の本文"), widget=forms.Textarea(attrs={"rows": 8}), max_length=10000)
    effective_from = forms.DateField(label=_("施行日"), widget=forms.DateInput(attrs={"type": "date"}))


class CaseForm(forms.ModelForm):
    members: forms.ModelMultipleChoiceField[MemberOrganisation] = forms.ModelMultipleChoiceField(
        label=_("関わった会員"),
        queryset=MemberOrganisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = CaseStudy
        fields = ["title", "summary", "topic", "age_band", "area", "org_type", "lessons"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "lessons": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "summary": _("名前・住所・電話番号・日付は書かず、「Aさん」「70代」「阿南市」のように。"),
            "age_band": _("例: 70代"),
            "area": _("市町村まで（例: 阿南市）"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelMultipleChoiceField, self.fields["members"]
        ).queryset = MemberOrganisation.objects.active()


class StepRowForm(forms.Form):
    role = forms.ChoiceField(label=_("段階"), choices=[("", "—"), *ReferralStep.Role.choices], required=False)
    organisation_label = forms.CharField(label=_("団体（種類）"), max_length=120, required=False)
    text = forms.CharField(label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    DELETE = forms.BooleanField(label=_("この段階を消す"), required=False)

    def step(self) -> Step | None:
        data = self.cleaned_data
        # a row with only its stage chosen (the new-case page pre-selects them) is a blank row
        if data.get("DELETE") or not any(data.get(k) for k in ("organisation_label", "text")):
            return None
        return Step(data.get("role", ""), data.get("organisation_label", ""), data.get("text", ""))


StepFormSet = forms.formset_factory(StepRowForm, extra=2, max_num=30, validate_max=True)


def steps_of(formset: Any) -> list[Step]:
    return [step for form in formset.forms if (step := form.step()) is not None]


class ListingEditForm(forms.ModelForm):
    class Meta:
        model = Listing
        fields = ["title", "description", "municipality_code", "starts_on", "ends_on", "quantity", "unit"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
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
