"""Reads of the member network. Needs, offers and case studies are shown to a member only after
it accepted the newest confidentiality pledge (``PledgeRequired`` otherwise)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django_scopes import scopes_disabled

from network.models import CaseStudy, Engagement, Forward, Listing, Match, Notice
from network.services.common import has_pledged
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


def matches_of(member: MemberOrganisation) -> QuerySet[Match]:
    return Match.objects.filter(Q(need__member=member) | Q(offer__member=member)).select_related(
        "need__member", "offer__member"
    )


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
