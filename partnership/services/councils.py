"""Ichihara's core-partner finder: existing councils, who sits on them, and the ranking.

Seed 001, 4-5-7 and 4-5-8: 市原市 listed its existing councils (既存会議体) and
the organisations sitting on each, then ranked the organisations by the
number of councils they sit on; the six at the top became candidates for
コアパートナー. Organisations are matched by their normalised name
(``tsunagari.lib.text.normalise_name``), so 「社会福祉法人市原市社会福祉協議会」
and 「市原市社会福祉協議会」 count as one. Every read runs inside the platform
scope; every write is one transaction with an audit entry.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from audit.services import log_action
from partnership.models import Council, CouncilSeat, MemberOrganisation
from platforms.models import Platform
from tsunagari.lib.text import normalise_name

NAME_MAX_LENGTH = 120
CSV_MAX_ROWS = 5000
CSV_MAX_ERRORS_SHOWN = 100
CSV_COUNCIL_COLUMN = "会議体名称"
CSV_ORGANISATION_COLUMN = "団体名"
DEFAULT_TOP = 6


# --- reads ---------------------------------------------------------------------------------------


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


SORT_KEYS = ("councils", "name", "member")


def sort_rows(rows: list[PartnerRow], key: str, descending: bool) -> list[PartnerRow]:
    """Sort the ranking by 会議体数, 団体名 or 会員かどうか; ties keep the ranking order."""
    ranked = sorted(rows, key=lambda r: (r.rank, r.normalised_name))
    if key == "name":
        return sorted(ranked, key=lambda r: r.normalised_name, reverse=descending)
    if key == "member":
        return sorted(ranked, key=lambda r: r.is_member, reverse=descending)
    return sorted(ranked, key=lambda r: r.council_count, reverse=descending)


# --- CSV of seats ----------------------------------------------------------------------------------


class SeatImportError(Exception):
    """The CSV has errors; nothing was stored. ``errors`` name the row of each."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors[:3]))

    @property
    def shown(self) -> list[str]:
        if len(self.errors) <= CSV_MAX_ERRORS_SHOWN:
            return self.errors
        more = len(self.errors) - CSV_MAX_ERRORS_SHOWN
        return [*self.errors[:CSV_MAX_ERRORS_SHOWN], _("ほか%(n)d件のエラーがあります。") % {"n": more}]


@dataclass
class SeatRow:
    line: int
    council_name: str
    organisation_name: str
    normalised_name: str


def council_key(name: str) -> str:
    """How council names are compared: NFKC, without spaces."""
    return "".join(unicodedata.normalize("NFKC", name or "").split())


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SeatImportError(
        [_("ファイルの文字コードを読み取れません。UTF-8 または Shift_JIS のCSVで保存してください。")]
    )


def _line_error(line: int, message: str) -> str:
    return _("%(line)d行目: %(message)s") % {"line": line, "message": message}


LineErrors = list[tuple[int, str]]


def parse_seat_csv(content: bytes) -> tuple[list[SeatRow], LineErrors]:
    """Read the rows of a 会議体名称,団体名 CSV: (good rows, (row number, error) of the bad ones).

    Row numbers are those a spreadsheet shows (the header is row 1). A file
    that cannot be read at all raises SeatImportError.
    """
    reader = csv.reader(io.StringIO(_decode(content), newline=""))
    try:
        header = [cell.strip().lstrip("\ufeff") for cell in next(reader)]
    except StopIteration:
        raise SeatImportError([_("ファイルが空です。")]) from None
    except csv.Error as error:
        raise SeatImportError(
            [_line_error(1, _("CSVとして読み取れません（%(e)s）。") % {"e": error})]
        ) from None
    missing = [col for col in (CSV_COUNCIL_COLUMN, CSV_ORGANISATION_COLUMN) if col not in header]
    if missing:
        raise SeatImportError(
            [
                _line_error(
                    1,
                    _(
                        "見出しに「%(missing)s」の列がありません。見出しは「%(council)s,%(org)s」としてください。"
                    )
                    % {
                        "missing": "」「".join(missing),
                        "council": CSV_COUNCIL_COLUMN,
                        "org": CSV_ORGANISATION_COLUMN,
                    },
                )
            ]
        )
    council_col, org_col = header.index(CSV_COUNCIL_COLUMN), header.index(CSV_ORGANISATION_COLUMN)
    rows: list[SeatRow] = []
    errors: LineErrors = []
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) + len(errors) >= CSV_MAX_ROWS:
                raise SeatImportError([_("行数が多すぎます（最大%(n)d行）。") % {"n": CSV_MAX_ROWS}])
            council = cells[council_col].strip() if council_col < len(cells) else ""
            organisation = cells[org_col].strip() if org_col < len(cells) else ""
            problems = _row_problems(council, organisation)
            if problems:
                errors.extend((line, _line_error(line, problem)) for problem in problems)
                continue
            rows.append(SeatRow(line, council, organisation, normalise_name(organisation)[:NAME_MAX_LENGTH]))
    except csv.Error as error:
        line = reader.line_num
        errors.append((line, _line_error(line, _("CSVとして読み取れません（%(e)s）。") % {"e": error})))
    if not rows and not errors:
        raise SeatImportError([_("データの行がありません（1行目は見出し、2行目から会議体名称と団体名）。")])
    return rows, errors


def _row_problems(council: str, organisation: str) -> list[str]:
    problems = []
    if not council:
        problems.append(_("会議体名称が空です。"))
    elif len(council) > NAME_MAX_LENGTH:
        problems.append(_("会議体名称は%(n)d文字以内にしてください。") % {"n": NAME_MAX_LENGTH})
    if not organisation:
        problems.append(_("団体名が空です。"))
    elif len(organisation) > NAME_MAX_LENGTH:
        problems.append(_("団体名は%(n)d文字以内にしてください。") % {"n": NAME_MAX_LENGTH})
    elif not normalise_name(organisation):
        problems.append(
            _("団体名「%(name)s」には団体を区別できる文字がありません。") % {"name": organisation}
        )
    return problems


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
            errors.append((row.line, _line_error(row.line, message % names)))
            continue
        councils.setdefault(key, None)
        pair = (key, row.normalised_name)
        if pair in seated:
            message = _("「%(org)s」は既に「%(council)s」の構成団体として登録されています。") % names
            errors.append((row.line, _line_error(row.line, message)))
        elif pair in first_line:
            message = _("「%(org)s」と「%(council)s」の組み合わせは%(first)d行目と重複しています。") % {
                **names,
                "first": first_line[pair],
            }
            errors.append((row.line, _line_error(row.line, message)))
        else:
            first_line[pair] = row.line
    return councils, errors


@dataclass
class ImportResult:
    seats: int
    councils_created: list[str]
    linked: int


# --- writes --------------------------------------------------------------------------------------


def _new_seat(council: Council, name: str, member: MemberOrganisation | None) -> CouncilSeat:
    return CouncilSeat(
        platform_id=council.platform_id,
        council=council,
        organisation_name=name,
        normalised_name=normalise_name(name)[:NAME_MAX_LENGTH],
        member=member,
    )


def _duplicate_error(council: Council, names: Iterable[str]) -> ValidationError:
    return ValidationError(
        _("「%(names)s」は既に「%(council)s」の構成団体として登録されています。")
        % {"names": "」「".join(names), "council": council.name}
    )


def _insert_seats(council: Council, seats: list[CouncilSeat]) -> None:
    """Bulk insert; a concurrent insert of the same organisation becomes a ValidationError."""
    try:
        with transaction.atomic():
            CouncilSeat.objects.bulk_create(seats)
    except IntegrityError:
        raise _duplicate_error(council, [s.organisation_name for s in seats]) from None


@transaction.atomic
def do_create_council(platform: Platform, cleaned: dict[str, Any], *, actor: Actor) -> Council:
    council = Council(platform=platform, **cleaned)
    try:
        with transaction.atomic():
            council.save()
    except IntegrityError:
        raise ValidationError(_("同じ名称の会議体が既に登録されています。")) from None
    log_action("council.created", actor=actor.user, platform=platform, obj=council, by=actor)
    return council


@transaction.atomic
def do_update_council(council: Council, cleaned: dict[str, Any], changed: list[str], *, actor: Actor) -> None:
    for name in changed:
        setattr(council, name, cleaned[name])
    try:
        with transaction.atomic():
            council.save()
    except IntegrityError:
        raise ValidationError(_("同じ名称の会議体が既に登録されています。")) from None
    log_action(
        "council.updated",
        actor=actor.user,
        platform=council.platform,
        obj=council,
        data={"changed": sorted(changed)},
        by=actor,
    )


@transaction.atomic
def do_delete_council(council: Council, *, actor: Actor) -> None:
    seats = CouncilSeat.objects.filter(council=council).count()
    log_action(
        "council.deleted",
        actor=actor.user,
        platform=council.platform,
        obj=council,
        data={"seats": seats},
        by=actor,
    )
    council.delete()


@transaction.atomic
def do_add_seats(council: Council, names: list[str], *, actor: Actor) -> list[CouncilSeat]:
    """Seat typed organisation names on a council; an active member of the same name is linked."""
    norms = [normalise_name(name)[:NAME_MAX_LENGTH] for name in names]
    taken = set(
        CouncilSeat.objects.filter(council=council, normalised_name__in=norms).values_list(
            "normalised_name", flat=True
        )
    )
    if taken or len(set(norms)) != len(norms):
        duplicates = [name for name, norm in zip(names, norms, strict=True) if norm in taken]
        raise _duplicate_error(council, duplicates or names)
    members = active_members_by_name(norms)
    seats = [_new_seat(council, name, members.get(norm)) for name, norm in zip(names, norms, strict=True)]
    _insert_seats(council, seats)
    log_action(
        "council.seats_added",
        actor=actor.user,
        platform=council.platform,
        obj=council,
        data={"count": len(seats), "linked": sum(1 for s in seats if s.member is not None)},
        by=actor,
    )
    return seats


@transaction.atomic
def do_add_member_seat(council: Council, member: MemberOrganisation, *, actor: Actor) -> CouncilSeat:
    seat = _new_seat(council, member.name, member)
    if CouncilSeat.objects.filter(council=council, normalised_name=seat.normalised_name).exists():
        raise _duplicate_error(council, [member.name])
    _insert_seats(council, [seat])
    log_action(
        "council.seat_added",
        actor=actor.user,
        platform=council.platform,
        obj=council,
        data={"organisation": member.name, "member": str(member.uuid)},
        by=actor,
    )
    return seat


@transaction.atomic
def do_remove_seat(seat: CouncilSeat, *, actor: Actor) -> None:
    log_action(
        "council.seat_removed",
        actor=actor.user,
        platform=seat.council.platform,
        obj=seat.council,
        data={"organisation": seat.organisation_name},
        by=actor,
    )
    seat.delete()


@transaction.atomic
def do_link_seat(seat: CouncilSeat, member: MemberOrganisation, *, actor: Actor) -> None:
    """Record that a typed organisation name is this member (the typed name is kept)."""
    seat.member = member
    seat.save(update_fields=["member"])
    log_action(
        "council.seat_linked",
        actor=actor.user,
        platform=seat.council.platform,
        obj=seat.council,
        data={"organisation": seat.organisation_name, "member": str(member.uuid)},
        by=actor,
    )


@transaction.atomic
def do_import_seats(
    platform: Platform, content: bytes, *, create_missing: bool, actor: Actor
) -> ImportResult:
    """Import a 会議体名称,団体名 CSV: every row is checked first, then all or nothing is stored."""
    rows, errors = parse_seat_csv(content)
    councils, more_errors = check_seat_rows(rows, create_missing=create_missing)
    if errors or more_errors:
        raise SeatImportError([message for _line, message in sorted(errors + more_errors)])
    created: list[str] = []
    for row in rows:
        key = council_key(row.council_name)
        if councils[key] is None:
            new = Council(platform=platform, name=row.council_name)
            new.save()
            councils[key] = new
            created.append(new.name)
    members = active_members_by_name(row.normalised_name for row in rows)
    seats = []
    for row in rows:
        council = councils[council_key(row.council_name)]
        assert council is not None
        seats.append(_new_seat(council, row.organisation_name, members.get(row.normalised_name)))
    try:
        with transaction.atomic():
            CouncilSeat.objects.bulk_create(seats)
    except IntegrityError:
        raise SeatImportError(
            [_("他の人が同時に構成団体を登録したため保存できませんでした。もう一度取り込んでください。")]
        ) from None
    result = ImportResult(
        seats=len(seats), councils_created=created, linked=sum(1 for s in seats if s.member_id)
    )
    log_action(
        "council.seats_imported",
        actor=actor.user,
        platform=platform,
        data={"seats": result.seats, "councils_created": len(created), "linked": result.linked},
        by=actor,
    )
    return result
