"""Reads of Ichihara's core-partner finder (seed 001, 4-5-7 and 4-5-8): councils with their seat
counts, who sits on them, the members that could be seated, and the ranking of organisations by
the number of councils they sit on. Organisations are matched by their normalised name
(``tsunagari.lib.text.normalise_name``). Every read runs inside the platform scope."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from partnership.models import Council, CouncilSeat, MemberOrganisation
from partnership.seat_csv import LineErrors, SeatRow, council_key, line_error

DEFAULT_TOP = 6


def councils_with_counts() -> QuerySet[Council]:
    """Councils with ``seat_count`` (参加団体数), largest first as in table 4-5-7."""
    return Council.objects.annotate(seat_count=Count("seats")).order_by("-seat_count", "name")


def council_seats(council: Council) -> QuerySet[CouncilSeat]:
    return (
        CouncilSeat.objects.filter(council=council)
        .select_related("member__tier")
        .order_by("normalised_name", "id")
    )


def addable_members(council: Council) -> QuerySet[MemberOrganisation]:
    """Active members that do not sit on this council yet."""
    seated = CouncilSeat.objects.filter(council=council).values("normalised_name")
    return MemberOrganisation.objects.active().exclude(normalised_name__in=seated).order_by("name_kana", "id")


def active_members_by_name(names: Iterable[str]) -> dict[str, MemberOrganisation]:
    """Active members keyed by normalised name, only where exactly one member has that name."""
    found: dict[str, list[MemberOrganisation]] = {}
    for member in (
        MemberOrganisation.objects.active().filter(normalised_name__in=set(names)).select_related("tier")
    ):
        found.setdefault(member.normalised_name, []).append(member)
    return {name: members[0] for name, members in found.items() if len(members) == 1}


@dataclass
class CouncilRef:
    name: str
    uuid: UUID


@dataclass
class MemberRef:
    name: str
    uuid: UUID
    status: str
    tier_name: str
    linked: bool  # a seat is linked to this member (otherwise matched by name only)

    @property
    def is_active(self) -> bool:
        return self.status == MemberOrganisation.Status.ACTIVE

    @property
    def status_label(self) -> str:
        return str(MemberOrganisation.Status(self.status).label)


@dataclass
class PartnerRow:
    """One organisation of the ranking: the councils it sits on and whether it is a member."""

    normalised_name: str
    name: str
    councils: list[CouncilRef] = field(default_factory=list)
    member: MemberRef | None = None
    rank: int = 0
    top: bool = False

    @property
    def council_count(self) -> int:
        return len(self.councils)

    @property
    def is_member(self) -> bool:
        return self.member is not None and self.member.is_active


def core_partner_ranking(*, top: int = DEFAULT_TOP) -> list[PartnerRow]:
    """Organisations ranked by the number of councils they sit on (Ichihara's method).

    Two queries whatever the number of councils, seats and members: all seats
    with their council and linked member, then the active members whose name
    matches an organisation that no seat links yet. Ties share a rank
    (1, 2, 2, 4, …); ``top`` marks every row ranked ``top`` or better, so a tie
    at the boundary keeps all tied organisations in.
    """
    seats = CouncilSeat.objects.order_by("council__name", "id").values_list(
        "normalised_name",
        "organisation_name",
        "council__name",
        "council__uuid",
        "member__uuid",
        "member__name",
        "member__status",
        "member__tier__name",
    )
    rows: dict[str, PartnerRow] = {}
    typed_names: dict[str, dict[str, int]] = {}
    for norm, typed, council_name, council_uuid, m_uuid, m_name, m_status, tier_name in seats:
        row = rows.setdefault(norm, PartnerRow(normalised_name=norm, name=typed))
        if all(c.uuid != council_uuid for c in row.councils):
            row.councils.append(CouncilRef(council_name, council_uuid))
        names = typed_names.setdefault(norm, {})
        names[typed] = names.get(typed, 0) + 1
        if m_uuid is not None and (row.member is None or not row.member.is_active):
            row.member = MemberRef(m_name, m_uuid, m_status, tier_name or "", linked=True)
    unlinked = [norm for norm, row in rows.items() if row.member is None or not row.member.is_active]
    if unlinked:
        for norm, member in active_members_by_name(unlinked).items():
            tier_name = member.tier.name if member.tier else ""
            rows[norm].member = MemberRef(member.name, member.uuid, member.status, tier_name, linked=False)
    for norm, row in rows.items():
        # The name most often typed for this organisation (the first typed on a tie).
        counts = typed_names[norm]
        row.name = max(counts, key=lambda typed: counts[typed])
    ordered = sorted(rows.values(), key=lambda r: (-r.council_count, r.normalised_name))
    for index, row in enumerate(ordered):
        same_as_previous = index > 0 and ordered[index - 1].council_count == row.council_count
        row.rank = ordered[index - 1].rank if same_as_previous else index + 1
        row.top = row.rank <= top
    return ordered


def check_seat_rows(
    rows: list[SeatRow], *, create_missing: bool
) -> tuple[dict[str, Council | None], LineErrors]:
    """Check the rows against the stored councils and each other.

    Returns the councils by key (None: to be created) and the (row number, error) of bad rows.
    """
    councils: dict[str, Council | None] = {council_key(c.name): c for c in Council.objects.all()}
    seated = {
        (council_key(name), norm)
        for name, norm in CouncilSeat.objects.values_list("council__name", "normalised_name")
    }
    first_line: dict[tuple[str, str], int] = {}
    errors: LineErrors = []
    for row in rows:
        key, names = (
            council_key(row.council_name),
            {"org": row.organisation_name, "council": row.council_name},
        )
        if key not in councils and not create_missing:
            message = _(
                "会議体「%(council)s」は登録されていません。先に会議体を登録するか、"
                "「登録されていない会議体は新しく作成する」を選んでください。"
            )
            errors.append((row.line, line_error(row.line, message % names)))
            continue
        councils.setdefault(key, None)
        pair = (key, row.normalised_name)
        if pair in seated:
            message = _("「%(org)s」は既に「%(council)s」の構成団体として登録されています。") % names
            errors.append((row.line, line_error(row.line, message)))
        elif pair in first_line:
            message = _("「%(org)s」と「%(council)s」の組み合わせは%(first)d行目と重複しています。") % {
                **names,
                "first": first_line[pair],
            }
            errors.append((row.line, line_error(row.line, message)))
        else:
            first_line[pair] = row.line
    return councils, errors
