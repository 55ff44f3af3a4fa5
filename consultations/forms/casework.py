"""Forms of the staff side of the desk: inbox, consent, referrals, case conferences."""

from __future__ import annotations

import datetime
import unicodedata
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from consultations.crisis_rules import fold
from consultations.models import (
    AgeBand,
    CannedReply,
    CaseConference,
    CaseEntry,
    CaseGuest,
    CaseOrigin,
    CaseworkSettings,
    ChannelKind,
    Consent,
    ContactChannel,
    ConversationState,
    CrisisWord,
    DeclineReason,
    MemberAgeBand,
    Outcome,
    ReferralOutcome,
    Relationship,
    RiskLevel,
    ShareItem,
    Topic,
)
from consultations.queries import city_windows
from directory.models import Service
from partnership.models import MemberOrganisation
from platforms.models import Platform

TEXT_MAX = 5000


class InboxFilterForm(forms.Form):
    STATES = [("active", _("対応中のすべて（終了以外）")), ("all", _("すべて")), *ConversationState.choices]
    ASSIGNED = [("", _("全員")), ("me", _("自分の担当")), ("none", _("未割当"))]

    state = forms.ChoiceField(label=_("状態"), choices=STATES, required=False)
    channel = forms.ChoiceField(
        label=_("チャネル"), choices=[("", _("すべて")), *ChannelKind.choices], required=False
    )
    assigned = forms.ChoiceField(label=_("担当"), choices=ASSIGNED, required=False)
    urgent = forms.BooleanField(label=_("緊急のみ"), required=False)
    q = forms.CharField(
        label=_("検索"),
        required=False,
        max_length=100,
        help_text=_(
            "相談者の表示名・相談内容の種類・年代・リスク・結果で探せます（本文は暗号化しているため検索できません）"
        ),
    )


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("返信"), widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_MAX)


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("内部メモ（相談者には送られません）"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX,
    )


class AssignForm(forms.Form):
    assignee: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("担当者"), queryset=User.objects.none(), required=False, empty_label=_("未割当")
    )

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["assignee"]).queryset = users


class StateForm(forms.Form):
    state = forms.ChoiceField(label=_("状態"), choices=ConversationState.choices)


class RecordForm(forms.Form):
    age_band = forms.ChoiceField(label=_("年代"), choices=[("", _("不明")), *AgeBand.choices], required=False)
    topics = forms.MultipleChoiceField(
        label=_("相談内容の種類（複数選択可）"),
        choices=Topic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    risk_level = forms.ChoiceField(label=_("リスク"), choices=RiskLevel.choices)
    outcome = forms.ChoiceField(
        label=_("対応結果"), choices=[("", _("未記録")), *Outcome.choices], required=False
    )


class CannedReplyForm(forms.ModelForm):
    class Meta:
        model = CannedReply
        fields = ["title", "body", "order"]
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}


class ConsentForm(forms.Form):
    items = forms.MultipleChoiceField(
        label=_("共有してよい情報"), choices=ShareItem.choices, widget=forms.CheckboxSelectMultiple
    )
    organisations: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("共有してよい団体"),
        queryset=MemberOrganisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    city_divisions = forms.BooleanField(label=_("市役所内の関係課（事務局を通じて）"), required=False)
    valid_until = forms.DateField(
        label=_("同意の期限"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("この日を過ぎると共有できなくなります"),
    )
    statement = forms.CharField(
        label=_("同意の記録"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("本人に何を説明し、どう答えたか（例: 「市の担当課に伝えてよい」と返信あり）"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["organisations"]
        ).queryset = MemberOrganisation.objects.active().order_by("name_kana")
        if not self.is_bound:
            self.initial.setdefault("valid_until", timezone.localdate() + datetime.timedelta(days=90))


class ReceiverForm(forms.Form):
    receiver_member: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("紹介先の会員団体"), queryset=MemberOrganisation.objects.none(), required=False
    )
    receiver_service: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("または市の窓口（事務局が応答を記録）"), queryset=Service.objects.none(), required=False
    )

    def __init__(self, *args: Any, consent: Consent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["receiver_member"])
        field.queryset = consent.organisations.filter(status="active").order_by("name_kana")
        if consent.city_divisions:
            cast(forms.ModelChoiceField, self.fields["receiver_service"]).queryset = city_windows(
                consent.platform
            )
        else:
            del self.fields["receiver_service"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data.setdefault("receiver_service", None)
        if data.get("receiver_member") and data.get("receiver_service"):
            self.add_error("receiver_service", _("紹介先は会員団体か市の窓口のどちらか一方にしてください。"))
        return data


class ReferralForm(ReceiverForm):
    summary = forms.CharField(
        label=_("紹介先に伝える要約"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX,
        required=False,
        help_text=_("本人が同意した範囲だけを書いてください"),
    )

    def __init__(self, *args: Any, consent: Consent, via_secretariat: bool, **kwargs: Any) -> None:
        super().__init__(*args, consent=consent, **kwargs)
        if via_secretariat:
            self.fields["receiver_member"].help_text = _("空欄にすると事務局が紹介先を選びます")
        if ShareItem.SUMMARY not in consent.items:
            del self.fields["summary"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data.setdefault("summary", "")
        return data


def answer_field() -> forms.CharField:
    """What the receiver says back; the counsellor relays it to the person."""
    return forms.CharField(
        label=_("相談者への回答（相談員が本人に伝えます）"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX,
        required=False,
    )


class CaseWording:
    """A case's referral has no chat and no counsellor: the secretariat that runs the case reads
    the answer on the case and tells the household."""

    def __init__(self, *args: Any, from_case: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        if from_case:
            fields = self.fields  # type: ignore[attr-defined]
            fields["answer"].label = _("事務局への回答（ケースの記録に残り、事務局が世帯に伝えます）")
            if "note" in fields and fields["note"].label:
                fields["note"].label = _("事務局へのメモ")


def note_field(label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )


class ForwardForm(ReceiverForm):
    note = note_field(_("紹介先へのメモ"))


class RespondForm(CaseWording, forms.Form):
    DECISIONS = [("accept", _("受諾する")), ("hold", _("待機（順番待ち）にする")), ("decline", _("辞退する"))]

    decision = forms.ChoiceField(label=_("応答"), choices=DECISIONS, widget=forms.RadioSelect)
    decline_reason = forms.ChoiceField(
        label=_("辞退の理由"), choices=[("", "—"), *DeclineReason.choices], required=False
    )
    answer = answer_field()
    note = note_field(_("相談員へのメモ"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "decline" and not data.get("decline_reason"):
            self.add_error("decline_reason", _("辞退の理由を選んでください。"))
        return data


class ContactForm(forms.Form):
    contacted_at = forms.DateTimeField(
        label=_("本人と連絡した日時"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    note = note_field()


class CompleteForm(CaseWording, forms.Form):
    outcome = forms.ChoiceField(label=_("結果"), choices=ReferralOutcome.choices)
    answer = answer_field()
    note = note_field()


class RelayForm(forms.Form):
    text = forms.CharField(
        label=_("相談者へ送る内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_MAX
    )


class CancelForm(forms.Form):
    note = forms.CharField(label=_("取消の理由"), max_length=2000, required=False)


class CaseOpenForm(forms.Form):
    organisations: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("招待する団体"),
        queryset=MemberOrganisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    assessment = forms.CharField(
        label=_("見立て（アセスメント）"), widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_MAX
    )
    plan = forms.CharField(label=_("支援方針"), widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_MAX)

    def __init__(self, *args: Any, consent: Consent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organisations"]).queryset = consent.organisations.order_by(
            "name_kana"
        )


class CaseIntakeForm(ConsentForm):
    """A household case that began outside the chat, with the household's consent."""

    ORIGINS = [choice for choice in CaseOrigin.choices if choice[0] != CaseOrigin.CHAT]

    origin = forms.ChoiceField(label=_("きっかけ"), choices=ORIGINS)
    referring_body = forms.CharField(
        label=_("紹介元の機関"), max_length=120, required=False, help_text=_("例: 鎌倉市地域包括支援センター")
    )
    referring_contact = forms.CharField(label=_("紹介元の担当者・連絡先"), max_length=500, required=False)
    watch_only = forms.BooleanField(label=_("見守るしかないケース"), required=False)
    contact_on = forms.DateField(label=_("最初の接触の日付"), widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(
        label=_("最初の接触の内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_MAX
    )
    field_order = ["origin", "referring_body", "referring_contact", "contact_on", "summary", "watch_only"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].required = False
        self.fields["statement"].required = False
        self.fields["statement"].help_text = _("世帯の誰に何を説明し、どう答えたか")
        if not self.is_bound:
            self.initial.setdefault("contact_on", timezone.localdate())


class HouseholdMemberForm(forms.Form):
    label = forms.CharField(
        label=_("呼び名"), max_length=60, required=False, help_text=_("例: 母、長男（実名は不要）")
    )
    relationship = forms.ChoiceField(label=_("続柄（本人から見て）"), choices=Relationship.choices)
    age_band = forms.ChoiceField(label=_("年代"), choices=MemberAgeBand.choices)
    is_concern = forms.BooleanField(label=_("支援の中心となる人"), required=False)
    is_main_carer = forms.BooleanField(label=_("主な介護・世話をしている人"), required=False)
    consented = forms.BooleanField(
        label=_("情報共有に同意した"),
        required=False,
        help_text=_("世帯の同意と同じ範囲で記録します。範囲を変えるときはケースの画面で記録し直します"),
    )
    contact = forms.CharField(
        label=_("連絡先（任意）"),
        max_length=200,
        required=False,
        help_text=_("本人が伝えたもの。「連絡先」の共有に同意した団体だけに表示します"),
    )


class MemberConsentForm(forms.Form):
    """What one household member consented to, within the household's consent."""

    member = forms.ChoiceField(label=_("世帯員"))
    items = forms.MultipleChoiceField(
        label=_("共有してよい情報"), choices=ShareItem.choices, widget=forms.CheckboxSelectMultiple
    )
    organisations: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("共有してよい団体"),
        queryset=MemberOrganisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    city_divisions = forms.BooleanField(label=_("市役所内の関係課（事務局を通じて）"), required=False)
    valid_until = forms.DateField(label=_("同意の期限"), widget=forms.DateInput(attrs={"type": "date"}))
    statement = forms.CharField(
        label=_("同意の記録"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=_("誰に何を説明し、どう答えたか"),
    )

    def __init__(self, *args: Any, members: list[Any], consent: Consent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = {str(m.uuid): m for m in members}
        labels = {
            str(m.uuid): f"{m.label}（{m.get_relationship_display()}・{m.get_age_band_display()}）"
            for m in members
        }
        cast(forms.ChoiceField, self.fields["member"]).choices = list(labels.items())
        cast(forms.MultipleChoiceField, self.fields["items"]).choices = [
            choice for choice in ShareItem.choices if choice[0] in consent.items
        ]
        cast(forms.ModelChoiceField, self.fields["organisations"]).queryset = consent.organisations.order_by(
            "name_kana"
        )
        if not consent.city_divisions:
            del self.fields["city_divisions"]
        if not self.is_bound:
            self.initial.setdefault("valid_until", consent.valid_until)

    def clean_member(self) -> Any:
        return self.members[self.cleaned_data["member"]]


HouseholdFormSet = forms.formset_factory(HouseholdMemberForm, extra=4, max_num=12, validate_max=True)


class ContactLogForm(forms.Form):
    occurred_on = forms.DateField(label=_("日付"), widget=forms.DateInput(attrs={"type": "date"}))
    channel = forms.ChoiceField(label=_("経路"), choices=ContactChannel.choices)
    summary = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_MAX)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("occurred_on", timezone.localdate())


class ReviewForm(forms.Form):
    business_days = forms.IntegerField(
        label=_("次回の見直しまでの営業日数"),
        min_value=1,
        max_value=120,
        initial=20,
        help_text=_("土日・祝日・年末年始を除いて数えます"),
    )


class PlanForm(forms.Form):
    assessment = forms.CharField(
        label=_("見立て（アセスメント）"), widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_MAX
    )
    plan = forms.CharField(label=_("支援方針"), widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_MAX)


class TaskForm(forms.Form):
    organisation: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("担当団体"), queryset=MemberOrganisation.objects.none(), required=False
    )
    guest: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("または会員外の参加機関"), queryset=CaseGuest.objects.none(), required=False
    )
    description = forms.CharField(label=_("課題"), max_length=1000)
    due_on = forms.DateField(label=_("期限"), widget=forms.DateInput(attrs={"type": "date"}))
    conference: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("決めた会議"),
        queryset=CaseConference.objects.none(),
        required=False,
        help_text=_("会議で決めた課題は、期限の前日（営業日）から担当へ毎朝メールでお知らせします"),
    )

    def __init__(
        self, *args: Any, organisations: Any, guests: Any = None, conferences: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations
        if guests is not None and guests.exists():
            cast(forms.ModelChoiceField, self.fields["guest"]).queryset = guests
        else:
            del self.fields["guest"]
        if conferences is not None and conferences.exists():
            field = cast(forms.ModelChoiceField, self.fields["conference"])
            field.queryset = conferences
            field.label_from_instance = lambda c: c.held_on.isoformat()  # type: ignore[method-assign,assignment]
        else:
            del self.fields["conference"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data.setdefault("guest", None)
        data.setdefault("conference", None)
        if bool(data.get("organisation")) == bool(data.get("guest")):
            self.add_error(
                "organisation", _("担当は会員団体か会員外の参加機関のどちらか一方を選んでください。")
            )
        return data


class GuestForm(forms.Form):
    """A non-member agency invited by name and organisation (Kamakura's 支援調整会議)."""

    organisation_name = forms.CharField(label=_("機関名"), max_length=120)
    name = forms.CharField(label=_("担当者名"), max_length=60)
    email = forms.EmailField(
        label=_("メールアドレス（任意）"), required=False, help_text=_("課題の期限のお知らせを送ります")
    )
    household_agreed = forms.BooleanField(
        label=_("世帯がこの機関の参加と情報共有に同意している"),
        required=False,
        help_text=_("同意がなければ招待できません"),
    )


class ConferenceForm(forms.Form):
    """The conference's date and outcome, and its attendance list: the name of who came from each
    member organisation taking part (blank: did not attend), and which non-member agencies came."""

    held_on = forms.DateField(label=_("開催日"), widget=forms.DateInput(attrs={"type": "date"}))
    outcome = forms.CharField(
        label=_("結果・決定事項"), widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_MAX
    )

    def __init__(self, *args: Any, organisations: Any = (), guests: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("held_on", timezone.localdate())
        self.organisations = list(organisations)
        self.guests = list(guests)
        for organisation in self.organisations:
            self.fields[f"member_{organisation.pk}"] = forms.CharField(
                label=_("「%(org)s」の出席者名") % {"org": organisation.name},
                max_length=60,
                required=False,
                help_text=_("欠席なら空欄"),
            )
        if self.guests:
            self.fields["guests"] = forms.MultipleChoiceField(
                label=_("出席した会員外の機関"),
                choices=[(str(g.uuid), f"{g.organisation_name}（{g.name}）") for g in self.guests],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        members = [
            (organisation, data.get(f"member_{organisation.pk}", "").strip())
            for organisation in self.organisations
        ]
        chosen = set(data.get("guests") or [])
        return {
            "held_on": data.get("held_on"),
            "outcome": data.get("outcome", ""),
            "members": [(organisation, name) for organisation, name in members if name],
            "guests": [guest for guest in self.guests if str(guest.uuid) in chosen],
        }


class ConferenceInvitationForm(forms.Form):
    """A mail inviting non-member agencies (with an e-mail address) to the next conference."""

    guests = forms.MultipleChoiceField(label=_("案内を送る機関"), widget=forms.CheckboxSelectMultiple)
    meets_on = forms.DateField(label=_("開催日"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.CharField(label=_("時間"), max_length=40, required=False, help_text=_("例: 14時〜15時30分"))
    place = forms.CharField(label=_("場所"), max_length=120)

    def __init__(self, *args: Any, guests: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.guest_rows = list(guests)
        no_address = _("・メールアドレスなし")  # xgettext does not read calls inside f-strings
        cast(forms.MultipleChoiceField, self.fields["guests"]).choices = [
            (str(g.uuid), f"{g.organisation_name}（{g.name}）{'' if g.email else no_address}")
            for g in self.guest_rows
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = set(data.get("guests") or [])
        data["guests"] = [guest for guest in self.guest_rows if str(guest.uuid) in chosen]
        return data


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("種類"), choices=CaseEntry.KINDS)
    occurred_on = forms.DateField(label=_("日付"), widget=forms.DateInput(attrs={"type": "date"}))
    body = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_MAX)

    def __init__(self, *args: Any, secretariat: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not secretariat:
            cast(forms.ChoiceField, self.fields["kind"]).choices = [(CaseEntry.ACTION, _("対応記録"))]
        if not self.is_bound:
            self.initial.setdefault("occurred_on", timezone.localdate())


class InviteForm(forms.Form):
    organisation: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("招待する団体"), queryset=MemberOrganisation.objects.none()
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations


class CaseworkSettingsForm(forms.ModelForm):
    class Meta:
        model = CaseworkSettings
        fields = [
            "referrals_via_secretariat",
            "secretariat_label",
            "response_business_days",
            "small_count_threshold",
        ]


class ReportForm(forms.Form):
    date_from = forms.DateField(label=_("開始日"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("終了日"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("終了日は開始日以降にしてください。"))
        if start and end and (end - start).days > 366 * 3:
            self.add_error("date_to", _("期間は3年以内にしてください。"))
        return data


class ErasureForm(forms.Form):
    """The secretariat confirms a person's erasure request (個人情報保護法 利用停止・消去等の請求)."""

    reason = forms.CharField(
        label=_("消去の理由"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "例: 本人から電話で消去の請求（受付番号 2026-014）。監査記録に残ります。相談の内容は書かないでください。"
        ),
    )
    confirm = forms.BooleanField(
        label=_("消去した記録は元に戻せないことを確認しました"),
        error_messages={"required": _("確認の欄にチェックを入れてください。")},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("消去の理由を入力してください。"))
        return reason


class CrisisWordForm(forms.Form):
    word = forms.CharField(
        label=_("追加する語"),
        max_length=40,
        help_text=_(
            "メッセージの中にこの語があれば、緊急として扱い24時間の相談先をすぐ返信します。"
            "全角・半角、ひらがな・カタカナ、空白の違いは区別しません（例: 地域の橋の名前、若い人の言い方）。"
        ),
    )

    def __init__(self, *args: Any, platform: Platform, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.platform = platform

    def clean_word(self) -> str:
        word = unicodedata.normalize("NFKC", self.cleaned_data["word"]).strip()
        folded = fold(word)
        if not folded:
            raise forms.ValidationError(_("文字か数字を含む語を入力してください。"))
        if CrisisWord.objects.filter(platform=self.platform, folded=folded).exists():
            raise forms.ValidationError(
                _("この語はもう登録されています（全角・半角やかなの違いは同じ語として扱います）。")
            )
        return word


class CrisisTryForm(forms.Form):
    messages = forms.CharField(
        label=_("試すメッセージ（1行に1件）"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("判定を試すだけで、保存も記録もしません。"),
    )
