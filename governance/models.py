"""Governance: bylaws (規約) as articles with history, governing bodies and their rule sets,
seats and terms, meetings with agenda, responses (出欠・委任・電子メール表決), votes,
written resolutions (みなし決議) with ballots, minutes (議事録) and the launch planner.

Model: Gifu's 規約 第5条〜第16条 (seed 001, 4-2-9); the other seeds' bodies: Saitama's
検討委員会, Kamakura's 準備会 with observers, Ichihara's 庁内連携会議, 分科会・部会.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance import rules as bylaw_rules
from partnership.models import Expulsion, MemberOrganisation
from tsunagari.lib.tenancy import TenantModel


class Bylaws(TenantModel):
    """A platform's 規約 (or 設置要綱): a title and its articles, each with its effective dates."""

    title = models.CharField(_("名称"), max_length=200)
    enacted_on = models.DateField(_("施行日"))
    note = models.TextField(_("備考"), blank=True)

    class Meta:
        verbose_name = _("規約")
        verbose_name_plural = _("規約")
        ordering = ["enacted_on", "id"]

    def __str__(self) -> str:
        return self.title


class Article(TenantModel):
    """One article (条) as in force from ``effective_from``; an amendment ends it and adds a new row."""

    bylaws = models.ForeignKey(Bylaws, on_delete=models.CASCADE, related_name="articles")
    number = models.PositiveSmallIntegerField(_("条番号"))
    heading = models.CharField(_("見出し"), max_length=100, blank=True)
    text = models.TextField(_("本文"))
    effective_from = models.DateField(_("施行日"))
    effective_until = models.DateField(_("失効日"), null=True, blank=True)
    amendment_note = models.CharField(_("改正の根拠"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("条")
        verbose_name_plural = _("条")
        ordering = ["number", "effective_from"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"第{self.number}条"

    def in_force(self, on: datetime.date) -> bool:
        return self.effective_from <= on and (self.effective_until is None or on < self.effective_until)


class BodyKind(models.TextChoices):
    GENERAL_ASSEMBLY = "general_assembly", _("総会")
    COUNCIL = "council", _("プラットフォーム会議・幹事会")
    SUBCOMMITTEE = "subcommittee", _("部会・分科会")
    PREPARATORY = "preparatory", _("準備会")
    REVIEW = "review", _("検討委員会・検証委員会")
    INTERNAL = "internal", _("庁内会議")
    OTHER = "other", _("その他")


class Body(TenantModel):
    """A governing body (会議体) and the rule set its articles define."""

    code = models.SlugField(_("コード"), max_length=40, help_text=_("半角英数字（例: pf-kaigi）"))
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("種類"), max_length=20, choices=BodyKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("親会議体"),
    )
    bylaws = models.ForeignKey(
        Bylaws,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bodies",
        verbose_name=_("根拠規約"),
    )
    template = models.CharField(_("規則のひな形"), max_length=20, default="custom")
    rules = models.JSONField(_("規則"), default=dict)
    description = models.TextField(_("説明"), blank=True)
    public_archive = models.BooleanField(
        _("議事録と議決を公開する"),
        default=False,
        help_text=_("公開ページに確定した議事録と議決結果を載せます"),
    )
    active = models.BooleanField(_("設置中"), default=True)

    class Meta:
        verbose_name = _("会議体")
        verbose_name_plural = _("会議体")
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["platform", "code"], name="unique_body_code")]

    def __str__(self) -> str:
        return self.name

    def ruleset(self) -> bylaw_rules.RuleSet:
        if not self.rules:
            return bylaw_rules.TEMPLATES.get(self.template, bylaw_rules.MAJORITY)
        return bylaw_rules.RuleSet.from_dict(self.rules)


class Seat(TenantModel):
    """Who sits on a body, from when to when, in which office, with or without a vote."""

    class Role(models.TextChoices):
        VOTING = "voting", _("構成員（議決権あり）")
        OBSERVER = "observer", _("オブザーバー（議決権なし）")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="seats")
    member = models.ForeignKey(
        MemberOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="governance_seats",
        verbose_name=_("会員団体"),
    )
    name = models.CharField(
        _("名称"),
        max_length=120,
        help_text=_("会員団体でない構成員（庁内の課など）の名称。会員団体なら空欄で可"),
    )
    email = models.EmailField(_("連絡先メール"), blank=True)
    role = models.CharField(_("区分"), max_length=12, choices=Role.choices, default=Role.VOTING)
    office = models.CharField(_("役職"), max_length=40, blank=True, help_text=_("例: 議長、副議長、幹事"))
    starts_on = models.DateField(_("任期の始まり"))
    ends_on = models.DateField(_("任期の終わり"), null=True, blank=True)
    end_reason = models.CharField(_("退任の理由"), max_length=200, blank=True)
    reminded_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("構成員")
        verbose_name_plural = _("構成員")
        ordering = ["role", "name"]

    def __str__(self) -> str:
        return self.name

    def sits_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    @property
    def ref(self) -> str:
        """The id the rule engine knows this seat by."""
        return str(self.uuid)


class Meeting(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("準備中")
        CONVENED = "convened", _("招集済み")
        HELD = "held", _("開催済み")
        CANCELLED = "cancelled", _("中止")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="meetings")
    number = models.PositiveSmallIntegerField(_("回"), help_text=_("第何回か"))
    title = models.CharField(_("名称"), max_length=200)
    starts_at = models.DateTimeField(_("日時"))
    place = models.CharField(_("場所"), max_length=200, blank=True)
    online_url = models.URLField(_("オンライン参加のURL"), blank=True)
    materials = models.TextField(_("資料"), blank=True, help_text=_("1行に1つ（資料名と URL）"))
    response_deadline = models.DateTimeField(_("出欠回答の期限"), null=True, blank=True)
    status = models.CharField(_("状態"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    chair = models.ForeignKey(
        Seat, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("議長")
    )
    chair_name = models.CharField(
        _("議長（構成員以外）"), max_length=80, blank=True, help_text=_("事務局が進行する場合など")
    )
    convened_at = models.DateTimeField(null=True, blank=True, editable=False)
    held_at = models.DateTimeField(null=True, blank=True, editable=False)
    notes = models.TextField(_("記録（議事の経過）"), blank=True)

    class Meta:
        verbose_name = _("会議")
        verbose_name_plural = _("会議")
        ordering = ["-starts_at"]
        constraints = [models.UniqueConstraint(fields=["body", "number"], name="unique_meeting_number")]

    def __str__(self) -> str:
        return self.title

    @property
    def day(self) -> datetime.date:
        return timezone.localtime(self.starts_at).date()


class ItemKind(models.TextChoices):
    GENERAL = "general", _("一般")
    EXPULSION = "expulsion", _("会員の除名")
    OFFICER_ELECTION = "officer_election", _("幹事団体の選出")
    OFFICER_WITHDRAWAL = "officer_withdrawal", _("幹事団体の退会")
    BYLAWS = "bylaws", _("規定の策定・改廃")
    REPORT = "report", _("報告（議決なし）")


class AgendaItem(TenantModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("議案番号"), max_length=20, help_text=_("例: 議案1"))
    order = models.PositiveSmallIntegerField(_("順番"), default=0)
    title = models.CharField(_("件名"), max_length=200)
    description = models.TextField(_("内容"), blank=True)
    kind = models.CharField(_("種類"), max_length=20, choices=ItemKind.choices, default=ItemKind.GENERAL)
    notified = models.BooleanField(
        _("事前通知"), default=True, help_text=_("招集通知に載せた議案（委任できる）")
    )
    expulsion = models.ForeignKey(
        Expulsion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("除名の手続"),
    )
    target_member = models.ForeignKey(
        MemberOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("対象の団体"),
    )
    counted = models.BooleanField(_("票数だけを記録（挙手）"), default=False)
    counted_yes = models.PositiveSmallIntegerField(null=True, blank=True)
    counted_no = models.PositiveSmallIntegerField(null=True, blank=True)
    counted_abstain = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(_("可決"), null=True, blank=True)
    verdict = models.JSONField(_("判定"), default=dict, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("議案")
        verbose_name_plural = _("議案")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "code"], name="unique_item_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def needs_vote(self) -> bool:
        return self.kind != ItemKind.REPORT


class Response(TenantModel):
    """A seat's answer to the convocation, and its check-in on the day."""

    class Mode(models.TextChoices):
        NONE = "none", _("未回答")
        IN_PERSON = "in_person", _("出席（会場）")
        ONLINE = "online", _("出席（オンライン）")
        PROXY = "proxy", _("欠席（委任）")
        EMAIL = "email", _("欠席（電子メールで表決）")
        ABSENT = "absent", _("欠席")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="responses")
    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="responses")
    mode = models.CharField(_("回答"), max_length=12, choices=Mode.choices, default=Mode.NONE)
    proxy_to = models.ForeignKey(
        Seat, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("委任先")
    )
    proxy_items = models.JSONField(_("委任する議案"), default=list, blank=True)
    email_votes = models.JSONField(_("電子メールでの賛否"), default=dict, blank=True)
    comment = models.TextField(_("連絡事項"), blank=True, max_length=1000)
    responded_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(_("受付"), null=True, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("出欠回答")
        verbose_name_plural = _("出欠回答")
        constraints = [models.UniqueConstraint(fields=["meeting", "seat"], name="unique_response")]

    def __str__(self) -> str:
        return f"{self.meeting} / {self.seat}"


class Vote(TenantModel):
    """A named vote cast in the room (in person, or by a holder for the proxy's giver)."""

    class Choice(models.TextChoices):
        YES = bylaw_rules.YES, _("賛成")
        NO = bylaw_rules.NO, _("反対")
        ABSTAIN = bylaw_rules.ABSTAIN, _("棄権")

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="votes")
    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="votes")
    choice = models.CharField(_("賛否"), max_length=8, choices=Choice.choices)

    class Meta:
        verbose_name = _("表決")
        verbose_name_plural = _("表決")
        constraints = [models.UniqueConstraint(fields=["item", "seat"], name="unique_vote")]

    def __str__(self) -> str:
        return f"{self.item} / {self.seat}: {self.choice}"


class WrittenResolution(TenantModel):
    """書面又は電磁的記録による決議 (Gifu 第13条5, みなし決議)."""

    class Status(models.TextChoices):
        OPEN = "open", _("受付中")
        RESOLVED = "resolved", _("成立")
        FAILED = "failed", _("不成立")
        WITHDRAWN = "withdrawn", _("取下げ")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="written_resolutions")
    title = models.CharField(_("件名"), max_length=200)
    proposal = models.TextField(_("議案の内容"))
    kind = models.CharField(_("種類"), max_length=20, choices=ItemKind.choices, default=ItemKind.GENERAL)
    expulsion = models.ForeignKey(
        Expulsion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("除名の手続"),
    )
    deadline = models.DateTimeField(_("回答期限"))
    status = models.CharField(_("状態"), max_length=12, choices=Status.choices, default=Status.OPEN)
    verdict = models.JSONField(default=dict, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("書面による決議")
        verbose_name_plural = _("書面による決議")
        ordering = ["-deadline"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Ballot(TenantModel):
    class Choice(models.TextChoices):
        APPROVE = "approve", _("賛成")
        REJECT = "reject", _("反対")

    resolution = models.ForeignKey(WrittenResolution, on_delete=models.CASCADE, related_name="ballots")
    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="ballots")
    choice = models.CharField(_("賛否"), max_length=8, choices=Choice.choices, blank=True)
    cast_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("書面表決")
        verbose_name_plural = _("書面表決")
        constraints = [models.UniqueConstraint(fields=["resolution", "seat"], name="unique_ballot")]

    def __str__(self) -> str:
        return f"{self.resolution} / {self.seat}"


class Minutes(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("下書き")
        FINAL = "final", _("確定")

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    text = models.TextField(_("議事録"))
    status = models.CharField(_("状態"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    signers = models.CharField(
        _("署名者"), max_length=300, blank=True, help_text=_("議事録署名人（読点区切り）")
    )
    finalised_at = models.DateTimeField(null=True, blank=True)
    published = models.BooleanField(_("公開"), default=False)

    class Meta:
        verbose_name = _("議事録")
        verbose_name_plural = _("議事録")

    def __str__(self) -> str:
        return f"{self.meeting} 議事録"


class LaunchPlan(TenantModel):
    """A platform being set up: the seeds' paths as a checklist (市原市, 鎌倉市, 徳島県)."""

    title = models.CharField(_("名称"), max_length=200)
    template = models.CharField(_("ひな形"), max_length=20, blank=True)
    visible_to_prefecture = models.BooleanField(_("都道府県に進み具合を見せる"), default=True)

    class Meta:
        verbose_name = _("立ち上げ計画")
        verbose_name_plural = _("立ち上げ計画")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.title


class LaunchStep(TenantModel):
    plan = models.ForeignKey(LaunchPlan, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("順番"), default=0)
    title = models.CharField(_("工程"), max_length=200)
    detail = models.TextField(_("内容"), blank=True)
    owner = models.CharField(_("担当"), max_length=120, blank=True)
    due_on = models.DateField(_("予定日"), null=True, blank=True)
    done_on = models.DateField(_("完了日"), null=True, blank=True)

    class Meta:
        verbose_name = _("工程")
        verbose_name_plural = _("工程")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title
