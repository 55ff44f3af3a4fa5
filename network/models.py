"""The member network (issue 13): the board (notices, grants, members' activities), the
confidentiality pledge (守秘義務), needs and offers with their matches, case studies with the
path of response and referral (対応・つなぎ方), umbrella bodies and the prefecture's
accompaniment of municipalities (市町村伴走支援).

Model: Tokushima's platform (seed 004): マッチング, 情報交換会 case studies (我がこと化), the
設置要綱's 守秘義務, the 宅建業協会 and とくしま子ども食堂NW umbrellas, 阿南市・小松島市・神山町.
"""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnership.models import MemberOrganisation
from tsunagari.lib.review import ReviewedChange
from tsunagari.lib.tenancy import TenantModel, scoped_manager


class Pledge(TenantModel):
    """One version of the platform's confidentiality pledge; the newest in force is the one to accept."""

    version = models.PositiveSmallIntegerField(_("版"))
    text = models.TextField(_("本文"))
    effective_from = models.DateField(_("施行日"))

    class Meta:
        verbose_name = _("守秘義務の誓約")
        verbose_name_plural = _("守秘義務の誓約")
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["platform", "version"], name="network_pledge_version")]

    def __str__(self) -> str:
        return f"守秘義務の誓約 第{self.version}版"


class PledgeAcceptance(TenantModel):
    """Who accepted which version of the pledge for which member organisation, and when."""

    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="acceptances")
    member = models.ForeignKey(MemberOrganisation, on_delete=models.CASCADE, related_name="+")
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(_("誓約日時"))

    class Meta:
        verbose_name = _("誓約の記録")
        verbose_name_plural = _("誓約の記録")
        constraints = [models.UniqueConstraint(fields=["pledge", "member"], name="network_pledge_once")]


class Notice(TenantModel):
    """A post on the members' board: a notice, a request, grant information or a member's activity."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("お知らせ")
        REQUEST = "request", _("お願い")
        GRANT = "grant", _("助成・補助")
        ACTIVITY = "activity", _("会員の活動・イベント")

    class Audience(models.TextChoices):
        MEMBERS = "members", _("会員のみ")
        PUBLIC = "public", _("公開")

    kind = models.CharField(_("種類"), max_length=12, choices=Kind.choices)
    audience = models.CharField(
        _("公開範囲"), max_length=10, choices=Audience.choices, default=Audience.MEMBERS
    )
    author = models.ForeignKey(
        MemberOrganisation, verbose_name=_("投稿団体"), on_delete=models.PROTECT, null=True, blank=True
    )
    title = models.CharField(_("件名"), max_length=200)
    body = models.TextField(_("本文"))
    topic = models.CharField(_("分野"), max_length=60, blank=True)
    area = models.CharField(_("地域"), max_length=60, blank=True)
    published_at = models.DateTimeField(_("掲載日時"))
    # 助成・補助
    funder = models.CharField(_("助成元"), max_length=120, blank=True)
    amount_yen = models.PositiveBigIntegerField(_("助成額（円）"), null=True, blank=True)
    deadline = models.DateField(_("締切"), null=True, blank=True)
    eligibility = models.TextField(_("対象"), blank=True)
    link = models.URLField(_("詳細URL"), blank=True)
    # a member asked to show its post on the public portal; the secretariat approves (or not)
    public_requested = models.BooleanField(_("公開の申請中"), default=False)
    # the author (or the secretariat) took the post down: it leaves the board, its files stay for the audit
    withdrawn_at = models.DateTimeField(_("取り下げ日時"), null=True, blank=True)
    # width-folded, lower-cased title, body, topic, area and funder: what the search compares
    search_text = models.TextField(default="", blank=True, editable=False)

    class Meta:
        verbose_name = _("掲示")
        verbose_name_plural = _("掲示")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title


class Closed(models.TextChoices):
    MATCHED = "matched", _("マッチング成立")
    WITHDRAWN = "withdrawn", _("取り下げ")
    EXPIRED = "expired", _("期限切れ")


class ListingQuerySet(models.QuerySet["Listing"]):
    def current(self, today: datetime.date | None = None) -> ListingQuerySet:
        """Open and not past its end date (an expired listing leaves the lists and suggestions)."""
        return self.filter(is_open=True, ends_on__gte=today or timezone.localdate())


class Listing(TenantModel):
    """A need (a support organisation's) or an offer (a company's, anyone's, or a 募金 to the platform).

    It expires on its own after ``ends_on`` (queries leave it out; ``close_expired`` records it)."""

    class Side(models.TextChoices):
        NEED = "need", _("ニーズ")
        OFFER = "offer", _("提供")

    class Kind(models.TextChoices):
        PEOPLE = "people", _("人（ボランティア）")
        GOODS = "goods", _("物品")
        MONEY = "money", _("資金")
        VENUE = "venue", _("場所")
        SKILLS = "skills", _("技能")

    side = models.CharField(_("区分"), max_length=6, choices=Side.choices)
    kind = models.CharField(_("種類"), max_length=8, choices=Kind.choices)
    member = models.ForeignKey(
        MemberOrganisation, verbose_name=_("団体"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("件名"), max_length=200)
    description = models.TextField(_("内容"), blank=True)
    municipality_code = models.CharField(_("団体コード"), max_length=6)
    starts_on = models.DateField(_("開始日"))
    ends_on = models.DateField(_("終了日"))
    quantity = models.PositiveIntegerField(_("数量"))
    unit = models.CharField(_("単位"), max_length=20)
    to_platform = models.BooleanField(_("プラットフォームへの寄付（募金）"), default=False)
    is_open = models.BooleanField(_("受付中"), default=True)
    closed_reason = models.CharField(_("受付終了の理由"), max_length=10, choices=Closed.choices, blank=True)

    objects: ClassVar = scoped_manager(ListingQuerySet)

    class Meta:
        verbose_name = _("ニーズ・提供")
        verbose_name_plural = _("ニーズ・提供")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_expired(self) -> bool:
        return self.ends_on < timezone.localdate()

    @property
    def state_label(self) -> str:
        if not self.is_open:
            return str(self.get_closed_reason_display() or _("受付終了"))
        return str(_("期限切れ")) if self.is_expired else str(_("受付中"))


class Match(TenantModel):
    """A proposed pairing of a need and an offer, opened when both sides accept it under the pledge."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("提案中")
        AGREED = "agreed", _("合意")
        DELIVERED = "delivered", _("提供済み")
        THANKED = "thanked", _("お礼済み")
        DECLINED = "declined", _("辞退")

    need = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="matches_as_need")
    offer = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="matches_as_offer")
    score = models.PositiveSmallIntegerField(_("スコア"))
    explanation = models.JSONField(_("スコアの内訳"), default=list)
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    need_accepted_at = models.DateTimeField(null=True, blank=True)
    offer_accepted_at = models.DateTimeField(null=True, blank=True)
    given_hours = models.PositiveIntegerField(_("提供された人・時間"), default=0)
    given_goods = models.PositiveIntegerField(_("提供された物品の数"), default=0)
    given_yen = models.PositiveBigIntegerField(_("提供された金額（円）"), default=0)

    class Meta:
        verbose_name = _("マッチング")
        verbose_name_plural = _("マッチング")
        ordering = ["-score", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["need", "offer"], name="network_match_once")]


class CaseStudy(TenantModel):
    """An anonymised loneliness case from the 情報交換会, with its path of response and referral."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("下書き")
        SHARED = "shared", _("会員に共有")

    title = models.CharField(_("表題"), max_length=200)
    summary = models.TextField(_("概要"))
    topic = models.CharField(_("分野"), max_length=60)
    age_band = models.CharField(_("年代"), max_length=20, blank=True)
    area = models.CharField(_("地域"), max_length=60, blank=True)
    org_type = models.CharField(_("団体の種類"), max_length=40, blank=True)
    lessons = models.TextField(_("学び（我がこと化）"), blank=True)
    status = models.CharField(_("状態"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    members = models.ManyToManyField(MemberOrganisation, verbose_name=_("関わった団体"), blank=True)
    # the member that brought the case to the 情報交換会 (None: written by the secretariat)
    author = models.ForeignKey(
        MemberOrganisation,
        verbose_name=_("持ち寄った団体"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("事例")
        verbose_name_plural = _("事例")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class ReferralStep(TenantModel):
    """One step of the path: who noticed, who was contacted, what was done, the outcome."""

    class Role(models.TextChoices):
        NOTICED = "noticed", _("気づいた")
        CONTACTED = "contacted", _("つないだ先")
        ACTED = "acted", _("対応")
        OUTCOME = "outcome", _("結果")

    case = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("順番"))
    role = models.CharField(_("段階"), max_length=10, choices=Role.choices)
    organisation_label = models.CharField(_("団体（種類）"), max_length=120)
    text = models.TextField(_("内容"))

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["case", "order"], name="network_step_order")]


class Umbrella(TenantModel):
    """A member organisation that is an umbrella (中間支援・連合会) with its own members."""

    member = models.OneToOneField(MemberOrganisation, on_delete=models.CASCADE, related_name="+")
    member_count = models.PositiveIntegerField(_("傘下の団体数"))
    listed_members = models.TextField(_("傘下の団体（1行に1団体）"), blank=True)

    class Meta:
        verbose_name = _("傘下を持つ団体")
        verbose_name_plural = _("傘下を持つ団体")

    def __str__(self) -> str:
        return self.member.name


class Forward(TenantModel):
    """A notice passed by an umbrella to its own members; ``reach`` counts those members."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="forwards")
    umbrella = models.ForeignKey(Umbrella, on_delete=models.CASCADE, related_name="forwards")
    reach = models.PositiveIntegerField(_("届いた傘下団体数"))
    mailed = models.PositiveIntegerField(_("メールを送った傘下団体数"), default=0)
    forwarded_at = models.DateTimeField(_("転送日時"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "umbrella"], name="network_forward_once")]


class Engagement(TenantModel):
    """The prefecture's accompaniment of one municipality: a hearing, workshop, seminar or meeting."""

    class Kind(models.TextChoices):
        HEARING = "hearing", _("ヒアリング")
        MEETING = "meeting", _("打ち合わせ")
        WORKSHOP = "workshop", _("ワークショップ")
        SEMINAR = "seminar", _("セミナー")

    municipality_code = models.CharField(_("団体コード"), max_length=6)
    municipality_name = models.CharField(_("市町村"), max_length=40)
    kind = models.CharField(_("種類"), max_length=10, choices=Kind.choices)
    held_on = models.DateField(_("実施日"))
    participants = models.TextField(_("参加者（部署）"))
    issues = models.TextField(_("把握した課題"), blank=True)
    next_steps = models.TextField(_("今後の検討課題"), blank=True)

    class Meta:
        verbose_name = _("市町村伴走支援")
        verbose_name_plural = _("市町村伴走支援")
        ordering = ["municipality_code", "held_on"]


class Comment(TenantModel):
    """A member's (or the secretariat's) comment under a board post."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="comments")
    member = models.ForeignKey(
        MemberOrganisation,
        verbose_name=_("団体"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("コメント"), max_length=2000)

    class Meta:
        verbose_name = _("コメント")
        verbose_name_plural = _("コメント")
        ordering = ["created_at", "id"]


class Attachment(TenantModel):
    """A file on a board post (or one of its comments), checked by ``network.files`` and kept in
    the database (never under a web-served directory); downloaded through ``lib.downloads``."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    filename = models.CharField(_("ファイル名"), max_length=200)
    content_type = models.CharField(_("種類"), max_length=100)
    size = models.PositiveIntegerField(_("大きさ（バイト）"))
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Scan(models.TextChoices):
        UNSCANNED = "unscanned", _("未検査")
        CLEAN = "clean", _("ウイルス検査済み")

    # the virus scan (network.scanning): 未検査 when no scanner is configured, never claimed otherwise
    scan = models.CharField(_("ウイルス検査"), max_length=10, choices=Scan.choices, default=Scan.UNSCANNED)
    scan_engine = models.CharField(_("検査に使ったもの"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("添付ファイル")
        verbose_name_plural = _("添付ファイル")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.filename


class GrantSubscription(TenantModel):
    """A member's staff person who wants the 助成・補助 deadline reminders by mail."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(
        MemberOrganisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    active = models.BooleanField(_("配信中"), default=True)
    # what the person wants: empty = every topic / every area; a post without a topic or area reaches all
    topics = models.JSONField(_("分野"), default=list, blank=True)
    areas = models.JSONField(_("地域"), default=list, blank=True)
    new_posts = models.BooleanField(_("新しい掲示もメールで受け取る"), default=False)

    class Meta:
        verbose_name = _("締切のお知らせの配信")
        verbose_name_plural = _("締切のお知らせの配信")
        constraints = [models.UniqueConstraint(fields=["platform", "user"], name="network_grant_sub_once")]


class UmbrellaRecipient(TenantModel):
    """One of an umbrella's own members that forwarded notices are mailed to (with unsubscribe)."""

    umbrella = models.ForeignKey(Umbrella, on_delete=models.CASCADE, related_name="recipients")
    name = models.CharField(_("団体名"), max_length=120)
    email = models.EmailField(_("メールアドレス"))
    email_key = models.CharField(max_length=254, editable=False)
    unsubscribed_at = models.DateTimeField(_("配信停止日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("傘下団体の送付先")
        verbose_name_plural = _("傘下団体の送付先")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["umbrella", "email_key"], name="network_recipient_once")
        ]

    def __str__(self) -> str:
        return self.name


class Profile(TenantModel):
    """What a member is good at (得意分野, seed 004) and its 「相談体制・支援内容」 (Tsuruoka)."""

    member = models.OneToOneField(MemberOrganisation, on_delete=models.CASCADE, related_name="+")
    strengths = models.JSONField(_("得意分野"), default=list, blank=True)
    consultation_setup = models.TextField(_("相談体制"), blank=True, max_length=2000)
    support_content = models.TextField(_("支援内容"), blank=True, max_length=2000)
    is_public = models.BooleanField(_("公開ページに載せる"), default=False)

    class Meta:
        verbose_name = _("団体の得意分野・相談体制")
        verbose_name_plural = _("団体の得意分野・相談体制")

    def __str__(self) -> str:
        return self.member.name


class ProfileChange(TenantModel, ReviewedChange):
    """A member's edit of a public profile, applied or returned by the secretariat (lib.review)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("確認待ち")
        APPLIED = "applied", _("反映済み")
        RETURNED = "returned", _("差戻し")

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="changes")
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.PENDING)

    class Meta:
        verbose_name = _("得意分野・相談体制の変更")
        verbose_name_plural = _("得意分野・相談体制の変更")
        ordering = ["-submitted_at"]
