"""Ichihara's core-partner finder: existing councils and who sits on them (the writes; the reads
and the ranking are in ``partnership.queries``, the seat CSV in ``partnership.seat_csv``).

Seed 001, 4-5-7 and 4-5-8: 市原市 listed its existing councils (既存会議体) and
the organisations sitting on each, then ranked the organisations by the
number of councils they sit on; the six at the top became candidates for
コアパートナー. Organisations are matched by their normalised name
(``tsunagari.lib.text.normalise_name``), so 「社会福祉法人市原市社会福祉協議会」
and 「市原市社会福祉協議会」 count as one. Every write is one transaction with an audit entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from audit.services import log_action
from partnership.models import Council, CouncilSeat, MemberOrganisation
from partnership.queries import active_members_by_name, check_seat_rows
from partnership.seat_csv import NAME_MAX_LENGTH, SeatImportError, council_key, parse_seat_csv
from platforms.models import Platform
from tsunagari.lib.text import normalise_name


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
