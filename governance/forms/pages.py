"""Forms of the governance pages. Every field says in Japanese what is wrong with it."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance import rules
from governance.models import Body, ItemKind, LaunchStep, Meeting, Response, Seat
from governance.planner import TEMPLATES as PLAN_TEMPLATES
from partnership.models import Expulsion, MemberOrganisation

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEMPLATE_CHOICES = [("gifu", _("岐阜県規約型（3分の2・委任・電子メール表決・みなし決議）")),
                    ("majority", _("標準（過半数・議長は可否同数のとき決する）")),
                    ("advisory", _("協議の場（定足数なし・委任なし）"))]  # fmt: skip


class BodyForm(forms.ModelForm):
    template = forms.ChoiceField(label=_("規則のひな形"), choices=TEMPLATE_CHOICES, initial="gifu")
    parent: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("親会議体（部会・分科会のとき）"),
        queryset=Body.objects.none(),
        to_field_name="uuid",
        required=False,
    )

    class Meta:
        model = Body
        fields = ["code", "name", "kind", "description", "public_archive"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["parent"]).queryset = Body.objects.exclude(
            pk=self.instance.pk
        )
        if self.instance.pk and self.instance.parent_id:
            self.initial["parent"] = self.instance.parent.uuid
        if self.instance.pk:
            del self.fields["template"]
            del self.fields["code"]


FRACTIONS = [
    ("2/3", _("3分の2以上")),
    ("1/2s", _("過半数")),
    ("1/2", _("2分の1以上")),
    ("3/4", _("4分の3以上")),
    ("1/3", _("3分の1以上")),
    ("none", _("定めなし")),
]


def _fraction(value: str) -> rules.Threshold | None:
    if value == "none":
        return None
    strict = value.endswith("s")
    num, den = value.rstrip("s").split("/")
    return rules.Threshold(int(num), int(den), strict)


def _fraction_key(threshold: rules.Threshold | None) -> str:
    if threshold is None:
        return "none"
    return f"{threshold.num}/{threshold.den}{'s' if threshold.strict else ''}"


def _articles(value: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in value.replace(",", "、").split("、") if a.strip())


class RulesForm(forms.Form):
    """The rule set of a body, each rule with the articles it comes from."""

    name = forms.CharField(label=_("規則の名称"), max_length=200)
    quorum = forms.ChoiceField(label=_("定足数（構成員のうち）"), choices=FRACTIONS)
    quorum_counts_proxies = forms.BooleanField(label=_("委任した構成員を出席に数える"), required=False)
    quorum_counts_email_voters = forms.BooleanField(
        label=_("電子メールで表決した構成員を出席に数える"), required=False
    )
    quorum_articles = forms.CharField(
        label=_("定足数の根拠条文"), required=False, help_text=_("例: 第12条第1項、第12条第2項")
    )
    decision = forms.ChoiceField(label=_("議決に必要な賛成"), choices=FRACTIONS[:-1])
    decision_base = forms.ChoiceField(
        label=_("その母数"),
        choices=[
            (rules.BASE_VOTING_ATTENDEES, _("議決に加わることのできる出席者（棄権・無投票は賛成でない）")),
            (rules.BASE_VOTES_CAST, _("賛否の投票数（棄権は除く）")),
            (rules.BASE_VOTES_CAST_WITH_ABSTAIN, _("棄権を含む投票数")),
            (rules.BASE_ALL_MEMBERS, _("構成員の全数")),
        ],
    )
    decision_articles = forms.CharField(label=_("議決の根拠条文"), required=False)
    chair = forms.ChoiceField(
        label=_("議長"),
        choices=[
            (rules.CHAIR_NO_VOTE, _("採決に加わらない")),
            (rules.CHAIR_CASTING, _("可否同数のときに決する")),
            (rules.CHAIR_VOTES, _("構成員として表決する")),
        ],
    )
    chair_articles = forms.CharField(label=_("議長の根拠条文"), required=False)
    proxies_allowed = forms.BooleanField(label=_("出席する構成員への表決の委任を認める"), required=False)
    proxies_only_notified = forms.BooleanField(label=_("委任は事前に通知した議案に限る"), required=False)
    proxies_per_holder = forms.IntegerField(
        label=_("一人が受けられる委任の上限"), required=False, min_value=1, help_text=_("空欄なら上限なし")
    )
    proxy_articles = forms.CharField(label=_("委任の根拠条文"), required=False)
    email_votes_allowed = forms.BooleanField(label=_("電子メールによる賛否の表明を認める"), required=False)
    email_articles = forms.CharField(label=_("電子メール表決の根拠条文"), required=False)
    written_allowed = forms.BooleanField(
        label=_("書面又は電磁的記録による決議（みなし決議）を認める"), required=False
    )
    written_threshold = forms.ChoiceField(
        label=_("みなし決議に必要な賛成（構成員の全数のうち）"), choices=FRACTIONS[:-1]
    )
    written_articles = forms.CharField(label=_("みなし決議の根拠条文"), required=False)
    membership_articles = forms.CharField(label=_("構成員の根拠条文"), required=False)
    expulsion_needs_resolution = forms.BooleanField(
        label=_("会員の除名はこの会議体の議決による"), required=False
    )
    expulsion_articles = forms.CharField(label=_("除名の根拠条文"), required=False)
    officers_by_resolution = forms.BooleanField(
        label=_("幹事団体の選出・退会はこの会議体の議決による"), required=False
    )
    officer_articles = forms.CharField(label=_("選出・退会の根拠条文"), required=False)

    @classmethod
    def for_rules(cls, ruleset: rules.RuleSet, data: Any = None) -> RulesForm:
        initial = ruleset.to_dict()
        for key in ("quorum", "decision", "written_threshold"):
            initial[key] = _fraction_key(getattr(ruleset, key))
        for key, value in list(initial.items()):
            if key.endswith("_articles"):
                initial[key] = "、".join(value)
        return cls(data, initial=initial)

    def ruleset(self) -> rules.RuleSet:
        data = dict(self.cleaned_data)
        for key in ("quorum", "decision", "written_threshold"):
            data[key] = _fraction(data[key])
        for key in list(data):
            if key.endswith("_articles"):
                data[key] = _articles(data[key])
        return rules.RuleSet(**data)


class SeatForm(forms.Form):
    member: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("会員団体"), queryset=MemberOrganisation.objects.none(), to_field_name="uuid", required=False
    )
    name = forms.CharField(
        label=_("名称（会員団体でない場合）"),
        max_length=120,
        required=False,
        help_text=_("例: 市民課、オブザーバー（日本総研）"),
    )
    email = forms.EmailField(
        label=_("連絡先メール"), required=False, help_text=_("空欄なら会員団体のメールアドレス")
    )
    role = forms.ChoiceField(label=_("区分"), choices=Seat.Role.choices)
    office = forms.CharField(label=_("役職"), max_length=40, required=False)
    starts_on = forms.DateField(label=_("任期の始まり"), widget=DATE)
    ends_on = forms.DateField(label=_("任期の終わり"), widget=DATE, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["member"]).queryset = MemberOrganisation.objects.active()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("member") and not (data.get("name") or "").strip():
            self.add_error("name", _("会員団体を選ぶか、名称を入力してください。"))
        if data.get("ends_on") and data.get("starts_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("任期の終わりは始まりより後の日付にしてください。"))
        return data


class EndSeatForm(forms.Form):
    seat: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=Seat.objects.none(), widget=forms.HiddenInput, to_field_name="uuid"
    )
    ends_on = forms.DateField(label=_("退任日"), widget=DATE)
    reason = forms.CharField(label=_("理由"), max_length=200, required=False)

    def __init__(self, *args: Any, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["seat"]).queryset = Seat.objects.filter(body=body)


class MeetingForm(forms.ModelForm):
    online_url = forms.URLField(label=_("オンライン参加のURL"), required=False, assume_scheme="https")
    chair: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("議長"), queryset=Seat.objects.none(), to_field_name="uuid", required=False
    )

    class Meta:
        model = Meeting
        fields = [
            "number",
            "title",
            "starts_at",
            "place",
            "online_url",
            "response_deadline",
            "chair_name",
            "materials",
        ]
        widgets = {"starts_at": DATETIME, "response_deadline": DATETIME}

    def __init__(self, *args: Any, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["chair"]).queryset = Seat.objects.filter(
            body=body, role=Seat.Role.VOTING
        )
        if self.instance.pk and self.instance.chair_id:
            self.initial["chair"] = self.instance.chair.uuid
        self.fields["number"].required = False
        for name in ("starts_at", "response_deadline"):
            cast(forms.DateTimeField, self.fields[name]).input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("place") and not data.get("online_url"):
            self.add_error("place", _("場所かオンライン参加のURLのどちらかを入力してください。"))
        deadline, starts = data.get("response_deadline"), data.get("starts_at")
        if deadline and starts and deadline > starts:
            self.add_error("response_deadline", _("出欠回答の期限は会議の日時より前にしてください。"))
        return data


class ItemForm(forms.Form):
    code = forms.CharField(label=_("議案番号"), max_length=20, help_text=_("例: 議案1、報告1"))
    title = forms.CharField(label=_("件名"), max_length=200)
    description = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    kind = forms.ChoiceField(label=_("種類"), choices=ItemKind.choices)
    notified = forms.BooleanField(
        label=_("招集通知で事前に通知する（委任できる議案）"), required=False, initial=True
    )
    expulsion: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("除名の手続（除名の議案のとき）"),
        queryset=Expulsion.objects.none(),
        to_field_name="uuid",
        required=False,
    )
    target_member: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("対象の団体（幹事団体の選出・退会のとき）"),
        queryset=MemberOrganisation.objects.none(),
        to_field_name="uuid",
        required=False,
    )
    counted = forms.BooleanField(label=_("票数だけを記録する（挙手・起立）"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["expulsion"]).queryset = Expulsion.objects.filter(
            status=Expulsion.Status.HEARING
        ).select_related("organisation")
        field: Any = self.fields["expulsion"]
        field.label_from_instance = lambda e: f"{e.organisation.name}（{e.get_ground_display()}）"
        cast(
            forms.ModelChoiceField, self.fields["target_member"]
        ).queryset = MemberOrganisation.objects.active()


class ResponseForm(forms.Form):
    """A seat's answer to the convocation: attend, or be absent with a proxy or an e-mail vote."""

    mode = forms.ChoiceField(label=_("ご回答"), widget=forms.RadioSelect)
    proxy_to: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("委任先（出席する構成員）"),
        queryset=Seat.objects.none(),
        to_field_name="uuid",
        required=False,
    )
    comment = forms.CharField(
        label=_("連絡事項"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000
    )

    def __init__(self, *args: Any, response: Response, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meeting = response.meeting
        ruleset = meeting.body.ruleset()
        modes = [Response.Mode.IN_PERSON, Response.Mode.ONLINE] if meeting.place else [Response.Mode.ONLINE]
        if not meeting.online_url:
            modes = [Response.Mode.IN_PERSON]
        voting = response.seat.role == Seat.Role.VOTING
        if voting and ruleset.proxies_allowed:
            modes.append(Response.Mode.PROXY)
        if voting and ruleset.email_votes_allowed:
            modes.append(Response.Mode.EMAIL)
        modes.append(Response.Mode.ABSENT)
        cast(forms.ChoiceField, self.fields["mode"]).choices = [(m.value, m.label) for m in modes]
        cast(forms.ModelChoiceField, self.fields["proxy_to"]).queryset = Seat.objects.filter(
            body=meeting.body, role=Seat.Role.VOTING
        ).exclude(pk=response.seat_id)
        self.items = [i for i in meeting.items.all() if i.needs_vote]
        for item in self.items if voting and ruleset.proxies_allowed else []:
            self.fields[f"proxy_{item.code}"] = forms.BooleanField(
                label=_("%(code)s %(title)s を委任する") % {"code": item.code, "title": item.title}
                + ("" if item.notified else str(_("（事前通知がないため委任できません）"))),
                required=False,
                disabled=ruleset.proxies_only_notified and not item.notified,
            )
        for item in self.items if voting and ruleset.email_votes_allowed else []:
            self.fields[f"vote_{item.code}"] = forms.ChoiceField(
                label=_("電子メールでの賛否: %(code)s %(title)s") % {"code": item.code, "title": item.title},
                choices=[("", _("表明しない")), *[(c.value, c.label) for c in VOTE_CHOICES]],
                required=False,
            )

    def proxy_items(self) -> list[str]:
        return [i.code for i in self.items if self.cleaned_data.get(f"proxy_{i.code}")]

    def email_votes(self) -> dict[str, str]:
        return {
            i.code: self.cleaned_data[f"vote_{i.code}"]
            for i in self.items
            if self.cleaned_data.get(f"vote_{i.code}")
        }


class _VoteChoice:
    def __init__(self, value: str, label: Any) -> None:
        self.value, self.label = value, label


VOTE_CHOICES = [
    _VoteChoice(rules.YES, _("賛成")),
    _VoteChoice(rules.NO, _("反対")),
    _VoteChoice(rules.ABSTAIN, _("棄権")),
]


class NamedVotesForm(forms.Form):
    """One choice per voting seat that may vote on the item (in person or through a proxy)."""

    def __init__(self, *args: Any, seats: list[Seat], current: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seats = seats
        for seat in seats:
            self.fields[f"s_{seat.uuid}"] = forms.ChoiceField(
                label=seat.name,
                choices=[("", _("—")), *[(c.value, c.label) for c in VOTE_CHOICES]],
                required=False,
                initial=current.get(seat.pk, ""),
            )

    def named(self) -> dict[Seat, str]:
        return {seat: self.cleaned_data.get(f"s_{seat.uuid}", "") for seat in self.seats}


class CountedVotesForm(forms.Form):
    yes = forms.IntegerField(label=_("賛成"), min_value=0)
    no = forms.IntegerField(label=_("反対"), min_value=0)
    abstain = forms.IntegerField(label=_("棄権"), min_value=0, initial=0)


class DecideForm(forms.Form):
    """For an expulsion item: the hearing record (規約第8条)."""

    no_hearing = forms.BooleanField(label=_("弁明なし（期限までに弁明がなかった）"), required=False)
    hearing_record = forms.CharField(
        label=_("弁明の内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class WrittenForm(forms.Form):
    title = forms.CharField(label=_("件名"), max_length=200)
    proposal = forms.CharField(label=_("議案の内容"), widget=forms.Textarea(attrs={"rows": 6}))
    deadline = forms.DateTimeField(
        label=_("回答期限"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    kind = forms.ChoiceField(
        label=_("種類"), choices=[c for c in ItemKind.choices if c[0] != ItemKind.REPORT]
    )
    expulsion: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("除名の手続（除名のとき）"),
        queryset=Expulsion.objects.none(),
        to_field_name="uuid",
        required=False,
    )
    target_member: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("対象の団体（幹事団体の選出・退会のとき）"),
        queryset=MemberOrganisation.objects.none(),
        to_field_name="uuid",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["expulsion"]).queryset = Expulsion.objects.filter(
            status=Expulsion.Status.HEARING
        )
        cast(
            forms.ModelChoiceField, self.fields["target_member"]
        ).queryset = MemberOrganisation.objects.active()

    def clean_deadline(self) -> datetime.datetime:
        deadline: datetime.datetime = self.cleaned_data["deadline"]
        if deadline <= timezone.now():
            raise forms.ValidationError(_("回答期限は今より後の日時にしてください。"))
        return deadline


class BallotForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("この議案に"),
        choices=[("approve", _("賛成する")), ("reject", _("反対する"))],
        widget=forms.RadioSelect,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500)


class MinutesForm(forms.Form):
    text = forms.CharField(label=_("議事録"), widget=forms.Textarea(attrs={"rows": 24}))
    signers = forms.CharField(
        label=_("議事録署名人"), max_length=300, required=False, help_text=_("読点（、）で区切る")
    )


class ArticleAmendForm(forms.Form):
    heading = forms.CharField(label=_("見出し"), max_length=100, required=False)
    text = forms.CharField(label=_("改正後の本文"), widget=forms.Textarea(attrs={"rows": 6}))
    effective_from = forms.DateField(label=_("施行日"), widget=DATE)
    note = forms.CharField(
        label=_("改正の根拠"), max_length=200, help_text=_("例: 第3回プラットフォーム会議 議案2 議決")
    )


class PlanForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200)
    template = forms.ChoiceField(
        label=_("ひな形"),
        choices=[("", _("ひな形を使わない")), *[(k, v["label"]) for k, v in PLAN_TEMPLATES.items()]],
        required=False,
    )
    start = forms.DateField(label=_("開始日"), widget=DATE, initial=datetime.date.today)


class StepForm(forms.ModelForm):
    class Meta:
        model = LaunchStep
        fields = ["title", "detail", "owner", "due_on", "done_on"]
        widgets = {"due_on": DATE, "done_on": DATE, "detail": forms.Textarea(attrs={"rows": 2})}
