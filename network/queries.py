"""Reads of the member network. Needs, offers and case studies are shown to a member only after
it accepted the newest confidentiality pledge (``PledgeRequired`` otherwise)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum

from network.models import CaseStudy, Engagement, Forward, Listing, Match, Notice
from network.services.common import has_pledged
from partnership.models import MemberOrganisation
from tsunagari.lib.japanese import normalise


class PledgeRequired(Exception):
    """The member has not accepted the newest pledge: show the pledge, not the data."""


def board(*, members: bool, kind: str = "", text: str = "") -> QuerySet[Notice]:
    """The board as a member (members-only and public posts) or a visitor (public posts only)."""
    notices = Notice.objects.select_related("author")
    if not members:
        notices = notices.filter(audience=Notice.Audience.PUBLIC)
    if kind:
        notices = notices.filter(kind=kind)
    for word in normalise(text).split():
        notices = notices.filter(
            Q(title__icontains=word) | Q(body__icontains=word) | Q(topic__icontains=word)
        )
    return notices


def listings_for(member: MemberOrganisation | None, *, side: str = "") -> QuerySet[Listing]:
    """Open needs/offers for a member who pledged (the secretariat passes ``None``)."""
    if member is not None and not has_pledged(member):
        raise PledgeRequired
    found = Listing.objects.filter(is_open=True).select_related("member")
    return found.filter(side=side) if side else found


def cases_for(member: MemberOrganisation | None, *, tag: str = "", text: str = "") -> QuerySet[CaseStudy]:
    """Shared case studies for a pledged member; the secretariat (``None``) sees drafts too."""
    if member is not None and not has_pledged(member):
        raise PledgeRequired
    cases = CaseStudy.objects.prefetch_related("steps")
    if member is not None:
        cases = cases.filter(status=CaseStudy.Status.SHARED)
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


def accompaniment() -> list[MunicipalityRow]:
    """The prefecture's roll-up: per municipality, its engagements in date order (no case data)."""
    rows: dict[str, MunicipalityRow] = {}
    for engagement in Engagement.objects.order_by("municipality_code", "held_on", "id"):
        row = rows.setdefault(
            engagement.municipality_code,
            MunicipalityRow(engagement.municipality_code, engagement.municipality_name),
        )
        row.engagements.append(engagement)
    return list(rows.values())
