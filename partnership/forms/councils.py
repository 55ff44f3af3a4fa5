"""Forms of the core-partner finder: councils, their seats, the seat CSV and the ranking options."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from partnership import queries, ranking
from partnership.models import Council, CouncilSeat, MemberOrganisation
from partnership.seat_csv import NAME_MAX_LENGTH
from tsunagari.lib.text import normalise_name

NAMES_MAX_LINES = 200
CSV_MAX_BYTES = 2 * 1024 * 1024


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        tier = f"（{obj.tier.name}）" if getattr(obj, "tier", None) else ""
        return f"{obj.name}{tier}"


class SeatChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.organisation_name)


class CouncilForm(forms.Form):
    name = forms.CharField(label=_("会議体名称"), max_length=120, help_text=_("例: 市原市地域福祉推進協議会"))
    field = forms.CharField(
        label=_("分野"), max_length=60, required=False, help_text=_("例: 福祉（地域福祉）")
    )
    department = forms.CharField(label=_("所管課"), max_length=60, required=False)
    note = forms.CharField(label=_("備考"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, council: Council | None = None, **kwargs: Any) -> None:
        self.council = council
        if council is not None and not kwargs.get("initial"):
            kwargs["initial"] = {f: getattr(council, f) for f in ("name", "field", "department", "note")}
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        same = Council.objects.filter(name=name)
        if self.council is not None:
            same = same.exclude(pk=self.council.pk)
        if same.exists():
            raise forms.ValidationError(_("同じ名称の会議体が既に登録されています。"))
        return name


class AddMemberSeatForm(forms.Form):
    member = MemberChoiceField(
        label=_("会員団体"),
        queryset=MemberOrganisation.objects.none(),
        to_field_name="uuid",
        empty_label=_("選んでください"),
        help_text=_("この会議体にまだ参加していない会員団体から選びます。"),
    )

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["member"]).queryset = queries.addable_members(
            council
        ).select_related("tier")


class AddNamesForm(forms.Form):
    names = forms.CharField(
        label=_("団体名（1行に1団体）"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "会員でない団体も登録できます。法人格（社会福祉法人など）や空白の違いは同じ団体とみなします。"
            "同じ名前の会員団体があれば自動でリンクします。"
        ),
    )

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        self.council = council
        super().__init__(*args, **kwargs)

    def clean_names(self) -> list[str]:
        lines = [
            (number, text.strip()) for number, text in enumerate(self.cleaned_data["names"].splitlines(), 1)
        ]
        lines = [(number, text) for number, text in lines if text]
        if len(lines) > NAMES_MAX_LINES:
            raise forms.ValidationError(_("一度に登録できるのは%(n)d団体までです。") % {"n": NAMES_MAX_LINES})
        seated = dict(
            CouncilSeat.objects.filter(council=self.council).values_list(
                "normalised_name", "organisation_name"
            )
        )
        errors: list[str] = []
        first_line: dict[str, int] = {}
        for number, name in lines:
            norm = normalise_name(name)
            if len(name) > NAME_MAX_LENGTH:
                errors.append(_("%(line)d行目: 団体名は120文字以内にしてください。") % {"line": number})
            elif not norm:
                errors.append(
                    _("%(line)d行目: 「%(name)s」には団体を区別できる文字がありません。")
                    % {"line": number, "name": name}
                )
            elif norm in seated:
                errors.append(
                    _("%(line)d行目: 「%(name)s」は既にこの会議体の構成団体です（登録名「%(existing)s」）。")
                    % {"line": number, "name": name, "existing": seated[norm]}
                )
            elif norm in first_line:
                errors.append(
                    _("%(line)d行目: 「%(name)s」は%(first)d行目と同じ団体です。")
                    % {"line": number, "name": name, "first": first_line[norm]}
                )
            else:
                first_line[norm] = number
        if errors:
            raise forms.ValidationError(errors)
        if not lines:
            raise forms.ValidationError(_("団体名を入力してください。"))
        return [name for _number, name in lines]


class SeatForm(forms.Form):
    """Names one seat of the council (remove)."""

    seat = SeatChoiceField(label=_("構成団体"), queryset=CouncilSeat.objects.none(), to_field_name="uuid")

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["seat"]).queryset = CouncilSeat.objects.filter(
            council=council
        )


class LinkSeatForm(forms.Form):
    seat = SeatChoiceField(
        label=_("入力された団体名"),
        queryset=CouncilSeat.objects.none(),
        to_field_name="uuid",
        empty_label=_("選んでください"),
    )
    member = MemberChoiceField(
        label=_("リンクする会員団体"),
        queryset=MemberOrganisation.objects.none(),
        to_field_name="uuid",
        empty_label=_("選んでください"),
    )

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["seat"]).queryset = CouncilSeat.objects.filter(
            council=council, member__isnull=True
        ).order_by("normalised_name")
        cast(forms.ModelChoiceField, self.fields["member"]).queryset = (
            MemberOrganisation.objects.active()
            .exclude(council_seats__council=council)
            .select_related("tier")
            .order_by("name_kana", "id")
        )
        self.council = council

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        seat, member = data.get("seat"), data.get("member")
        if seat is not None and member is not None:
            other = (
                CouncilSeat.objects.filter(council=self.council, member=member).exclude(pk=seat.pk).first()
            )
            if other is not None:
                self.add_error(
                    "member",
                    _("「%(member)s」は既にこの会議体の「%(seat)s」とリンクしています。")
                    % {"member": member.name, "seat": other.organisation_name},
                )
        return data


class DeleteCouncilForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("この会議体と構成団体の登録をすべて削除します"),
        error_messages={"required": _("削除する場合は確認のチェックを入れてください。")},
    )


class SeatCsvForm(forms.Form):
    file = forms.FileField(
        label=_("CSVファイル"),
        help_text=_(
            "1行目は見出し「会議体名称,団体名」。2行目から1行に1つの参加団体。UTF-8 または Shift_JIS。"
            "1行でも誤りがあれば何も登録しません。"
        ),
        error_messages={"required": _("CSVファイルを選んでください。")},
    )
    create_missing = forms.BooleanField(label=_("登録されていない会議体は新しく作成する"), required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("CSVファイル（拡張子 .csv）を選んでください。"))
        if upload.size > CSV_MAX_BYTES:
            raise forms.ValidationError(_("ファイルが大きすぎます（2MBまで）。"))
        return upload


# --- the ranking's options -------------------------------------------------------------------------


@dataclass
class SortColumn:
    key: str
    label: str
    aria_sort: str  # "ascending" / "descending" / "" (not sorted by this column)
    url: str


COLUMNS = [
    ("name", _("団体名"), False),  # (key, label, sorts descending first)
    ("councils", _("会議体数"), True),
    ("member", _("会員かどうか"), True),
]


class CorePartnerOptionsForm(forms.Form):
    top = forms.IntegerField(
        label=_("上位何団体を強調するか"),
        min_value=1,
        max_value=100,
        required=False,
        help_text=_("市原市は上位6団体をコアパートナー候補としました。同順位の団体はすべて含めます。"),
        error_messages={
            key: _("強調する団体数は1から100までの整数で入力してください（既定の6で表示しています）。")
            for key in ("invalid", "min_value", "max_value")
        },
    )
    sort = forms.ChoiceField(label=_("並べ替え"), choices=[(k, k) for k in ranking.SORT_KEYS], required=False)
    dir = forms.ChoiceField(label=_("順序"), choices=[("asc", "asc"), ("desc", "desc")], required=False)

    def option(self, name: str) -> Any:
        """The valid value of ``name``, or its default (an invalid value is shown as an error)."""
        if self.is_bound:
            self.is_valid()  # invalid fields are left out of cleaned_data
        value = getattr(self, "cleaned_data", {}).get(name)
        if value in (None, ""):
            return {"top": queries.DEFAULT_TOP, "sort": "councils", "dir": ""}[name]
        return value

    @property
    def top_n(self) -> int:
        return int(self.option("top"))

    @property
    def sort_key(self) -> str:
        return str(self.option("sort"))

    @property
    def descending(self) -> bool:
        direction = self.option("dir")
        if direction:
            return direction == "desc"
        return dict((key, desc) for key, _label, desc in COLUMNS)[self.sort_key]

    def columns(self) -> list[SortColumn]:
        """Header links: the sorted column toggles its direction, the others start at their default."""
        result = []
        for key, label, desc_first in COLUMNS:
            current = key == self.sort_key
            if current:
                aria, next_desc = ("descending" if self.descending else "ascending"), not self.descending
            else:
                aria, next_desc = "", desc_first
            query = {"sort": key, "dir": "desc" if next_desc else "asc"}
            if self.top_n != queries.DEFAULT_TOP:
                query["top"] = str(self.top_n)
            result.append(SortColumn(key, str(label), aria, "?" + urlencode(query)))
        return result
