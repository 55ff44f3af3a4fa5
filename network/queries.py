"""Reads of the member network. Needs, offers and case studies are shown to a member only after
it accepted the newest confidentiality pledge (``PledgeRequired`` otherwise)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from network import matching
from network.anonymity import findings
from network.models import (
    Attachment,
    CaseStudy,
    Engagement,
    Forward,
    Listing,
    Match,
    Notice,
    Pledge,
    PledgeAcceptance,
    Profile,
    ProfileChange,
)
from partnership.models import MemberOrganisation
from platforms.models import Platform
from tsunagari.lib.japanese import normalise
from tsunagari.lib.jiscode import is_prefecture, prefecture_of


class PledgeRequired(Exception):
    """The member has not accepted the newest pledge: show the pledge, not the data."""


def board(
    *, members: bool, kind: str = "", text: str = "", topic: str = "", area: str = ""
) -> QuerySet[Notice]:
    """The board as a member (members-only and public posts) or a visitor (public posts only).

    The search folds width and case on both sides (ＮＰＯ finds npo, ｿｳﾀﾞﾝ finds ソウダン); every
    word must appear."""
    notices = (
        Notice.objects.filter(withdrawn_at__isnull=True)
        .select_related("author")
        .annotate(n_comments=Count("comments", distinct=True))
    )
    if not members:
        notices = notices.filter(audience=Notice.Audience.PUBLIC)
    if kind:
        notices = notices.filter(kind=kind)
    if topic:
        notices = notices.filter(topic=topic)
    if area:
        notices = notices.filter(area=area)
    for word in normalise(text).split():
        notices = notices.filter(search_text__contains=word)
    return notices


def board_facets() -> dict[str, list[str]]:
    """The topics and areas in use, for the board's filters."""
    return {
        name: sorted(
            v
            for v in Notice.objects.filter(withdrawn_at__isnull=True).values_list(name, flat=True).distinct()
            if v
        )
        for name in ("topic", "area")
    }


def can_change(notice: Notice, member: MemberOrganisation | None) -> bool:
    """The secretariat (``member=None``) changes any post; a member only its own; none once withdrawn."""
    return notice.withdrawn_at is None and (member is None or notice.author_id == member.pk)


def can_delete_file(attachment: Attachment, member: MemberOrganisation | None) -> bool:
    """The secretariat deletes any file; a member the files of its own post and of its own comments."""
    if attachment.notice.withdrawn_at is not None:
        return False
    if member is None:
        return True
    if attachment.comment_id is not None:
        return attachment.comment is not None and attachment.comment.member_id == member.pk
    return attachment.notice.author_id == member.pk


def current_pledge() -> Pledge | None:
    return Pledge.objects.order_by("-version").first()


def has_pledged(member: MemberOrganisation) -> bool:
    """True when the member accepted the newest version of the pledge (a new version asks again)."""
    pledge = current_pledge()
    return pledge is not None and PledgeAcceptance.objects.filter(pledge=pledge, member=member).exists()


def require_pledge(member: MemberOrganisation | None) -> None:
    """PledgeRequired unless the member accepted the newest pledge (the secretariat, ``None``, passes)."""
    if member is not None and not has_pledged(member):
        raise PledgeRequired


def listings_for(member: MemberOrganisation | None, *, side: str = "") -> QuerySet[Listing]:
    """Open needs/offers for a member who pledged (the secretariat passes ``None``)."""
    require_pledge(member)
    found = Listing.objects.current().select_related("member")
    return found.filter(side=side) if side else found


def cases_for(member: MemberOrganisation | None, *, tag: str = "", text: str = "") -> QuerySet[CaseStudy]:
    """Shared case studies for a pledged member; the secretariat (``None``) sees drafts too."""
    require_pledge(member)
    cases = CaseStudy.objects.prefetch_related("steps")
    if member is not None:
        cases = cases.filter(Q(status=CaseStudy.Status.SHARED) | Q(author=member))
    if tag:
        cases = cases.filter(Q(topic=tag) | Q(age_band=tag) | Q(area=tag) | Q(org_type=tag))
    for word in normalise(text).split():
        cases = cases.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(lessons__icontains=word)
        )
    return cases


CASE_FIELDS = {"title": "表題", "summary": "概要", "lessons": "学び", "area": "地域"}


def can_edit(case: CaseStudy, member: MemberOrganisation | None) -> bool:
    """The secretariat edits every case; a member its own draft."""
    if member is None:
        return True
    return case.author_id == member.pk and case.status == CaseStudy.Status.DRAFT


def personal_details(case: CaseStudy) -> list[str]:
    """Each personal detail left in the case, as a Japanese message naming where it is."""
    problems: list[str] = []
    for name, label in CASE_FIELDS.items():
        for finding in findings(getattr(case, name)):
            problems.append(
                _("%(where)s に%(kind)s「%(text)s」")
                % {"where": label, "kind": finding.kind, "text": finding.text}
            )
    for step in case.steps.all():
        for source, value in (("団体", step.organisation_label), ("内容", step.text)):
            for finding in findings(value):
                problems.append(
                    _("つなぎ方の%(n)s番目（%(where)s）に%(kind)s「%(text)s」")
                    % {"n": step.order, "where": source, "kind": finding.kind, "text": finding.text}
                )
    return problems


def matches_of(member: MemberOrganisation) -> QuerySet[Match]:
    return Match.objects.filter(Q(need__member=member) | Q(offer__member=member)).select_related(
        "need__member", "offer__member"
    )


def strengths_of(member: MemberOrganisation) -> list[str]:
    profile = Profile.objects.filter(member=member).first()
    return list(profile.strengths) if profile else []


def past_thanked(member: MemberOrganisation) -> int:
    return Match.objects.filter(offer__member=member, status=Match.Status.THANKED).count()


def suggestions(need: Listing, limit: int = 10) -> list[tuple[Listing, matching.Score]]:
    """Open offers for ``need``, best first, each with its explained score."""
    if need.side != Listing.Side.NEED:
        raise ValueError("suggestions are for needs")
    taken = Match.objects.filter(need=need).values_list("offer_id", flat=True)
    found: list[tuple[Listing, matching.Score]] = []
    history: dict[int, int] = {}
    offers = (
        Listing.objects.current()
        .filter(side=Listing.Side.OFFER, kind=need.kind)
        .exclude(pk__in=taken)
        .exclude(member=need.member)
        .select_related("member")
    )
    strengths = {
        p.member_id: list(p.strengths)
        for p in Profile.objects.filter(member_id__in={offer.member_id for offer in offers})
    }
    for offer in offers:
        if offer.member_id not in history:
            history[offer.member_id] = past_thanked(offer.member)
        result = matching.score(
            matching.side_of(need),
            matching.side_of(offer),
            history[offer.member_id],
            strengths.get(offer.member_id, []),
        )
        if result is not None:
            found.append((offer, result))
    found.sort(key=lambda pair: (-pair[1].total, pair[0].created_at))
    return found[:limit]


def profile_of(member: MemberOrganisation) -> Profile:
    """The member's profile (an empty, unsaved one if it has none yet)."""
    return Profile.objects.filter(member=member).first() or Profile(member=member, platform=member.platform)


def pending_change(profile: Profile) -> ProfileChange | None:
    if profile.pk is None:
        return None
    return ProfileChange.objects.filter(profile=profile, status=ProfileChange.Status.PENDING).first()


def outcomes() -> dict[str, int]:
    """What matches gave (delivered or thanked), for the outcomes dashboards."""
    given = Match.objects.filter(status__in=[Match.Status.DELIVERED, Match.Status.THANKED]).aggregate(
        hours=Sum("given_hours"), goods=Sum("given_goods"), yen=Sum("given_yen"), n=Count("id")
    )
    return {key: value or 0 for key, value in given.items()}


def reach(notice: Notice) -> dict[str, int]:
    """Organisations reached: the members directly, plus the umbrellas' own members."""
    forwarded = Forward.objects.filter(notice=notice).aggregate(n=Sum("reach"))["n"] or 0
    return {"members": MemberOrganisation.objects.active().count(), "through_umbrellas": forwarded}


@dataclass
class MunicipalityRow:
    code: str
    name: str
    engagements: list[Engagement] = field(default_factory=list)

    @property
    def by_kind(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for engagement in self.engagements:
            counts[engagement.get_kind_display()] += 1
        return dict(counts)


def accompaniment(platform: Platform) -> list[MunicipalityRow]:
    """The prefecture's roll-up: per municipality, its engagements in date order (no case data).

    A municipality's own platform inherits its history: the engagements its prefecture's platform
    recorded for its 団体コード (read across the tenant boundary on purpose, only those rows)."""
    if is_prefecture(platform.code):
        found = list(Engagement.objects.order_by("municipality_code", "held_on", "id"))
    else:
        with scopes_disabled():
            found = list(
                Engagement.objects.filter(
                    platform__code=prefecture_of(platform.code), municipality_code=platform.code
                ).order_by("held_on", "id")
            )
    rows: dict[str, MunicipalityRow] = {}
    for engagement in found:
        row = rows.setdefault(
            engagement.municipality_code,
            MunicipalityRow(engagement.municipality_code, engagement.municipality_name),
        )
        row.engagements.append(engagement)
    return list(rows.values())
