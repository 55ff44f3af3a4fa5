"""Read logic of the member register and the membership life cycle, as queryset functions.

Every function runs inside the platform scope the middleware (or a test) has
entered, so the querysets only ever see the current platform's rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Field, Q, QuerySet
from django.utils.translation import gettext as _

from partnership.models import (
    ACTIVITY_FIELDS,
    CONTACT_FIELDS,
    PUBLISHABLE_FIELD_NAMES,
    PUBLISHABLE_FIELDS,
    ActivityField,
    ChangeRequest,
    Expulsion,
    MemberOrganisation,
    OrgType,
    Withdrawal,
)
from platforms.models import Platform
from tsunagari.lib.jpcalendar import wareki_year
from tsunagari.lib.text import normalise_name

# Fields a member may change through a 変更届 (the application form's fields).
CHANGEABLE_FIELDS = [*CONTACT_FIELDS, "website", "fields", *ACTIVITY_FIELDS, "published_fields"]
_PUBLISHABLE_LABELS = dict(PUBLISHABLE_FIELDS)


# ---------------------------------------------------------------------------
# Public register


def public_register(
    *, org_type: str = "", field: str = "", area: str = "", q: str = ""
) -> QuerySet[MemberOrganisation]:
    """Active members on the public register; filters only match published values."""
    members = MemberOrganisation.objects.on_public_register()
    if org_type:
        members = members.filter(org_type=org_type)
    if field:
        members = members.filter(fields_published=True, fields__code=field)
    if area:
        members = members.filter(register_area__contains=MemberOrganisation.normalise_area(area))
    if q:
        members = members.filter(normalised_name__contains=normalise_name(q))
    return members.order_by("name_kana", "id")


def type_counts(members: QuerySet[MemberOrganisation]) -> list[dict[str, Any]]:
    """[{value, label, count}] for every 団体の種別 that occurs in ``members``."""
    rows = dict(members.order_by().values_list("org_type").annotate(n=Count("id")))
    return [
        {"value": value, "label": label, "count": rows[value]}
        for value, label in OrgType.choices
        if rows.get(value)
    ]


@dataclass(frozen=True)
class PublicItem:
    key: str
    label: str
    value: Any


@dataclass(frozen=True)
class PublicCard:
    """What the register may show of one member: its name, type and consented fields only."""

    name: str
    org_type: str
    items: list[PublicItem]


def public_card(member: MemberOrganisation) -> PublicCard:
    """Build the card from ``published_fields`` so a template cannot reach an unconsented value."""
    items = []
    for key, label in PUBLISHABLE_FIELDS:
        if key == "name" or not member.is_published(key):
            continue
        if key == "fields":
            value: Any = [f.name for f in member.fields.all()]
            if member.other_field and any(f.code == "other" for f in member.fields.all()):
                value.append(member.other_field)
        else:
            value = getattr(member, key)
        if value:
            items.append(PublicItem(key=key, label=str(label), value=value))
    return PublicCard(name=member.name, org_type=member.get_org_type_display(), items=items)


# ---------------------------------------------------------------------------
# Staff member list


def staff_members(
    *, status: str = "", tier: Any = None, org_type: str = "", q: str = ""
) -> QuerySet[MemberOrganisation]:
    members = MemberOrganisation.objects.select_related("tier").prefetch_related("fields")
    if status:
        members = members.filter(status=status)
    if tier is not None:
        members = members.filter(tier=tier)
    if org_type:
        members = members.filter(org_type=org_type)
    if q:
        members = members.filter(
            Q(normalised_name__contains=normalise_name(q)) | Q(name_kana__contains=q.strip())
        )
    return members.order_by("name_kana", "id")


def tier_usage() -> dict[int, int]:
    """{tier pk: number of members (any status)}: a tier in use cannot be deleted."""
    rows = MemberOrganisation.objects.filter(tier__isnull=False).values_list("tier").annotate(n=Count("id"))
    return dict(rows.order_by())


def organisation_of(role: Any) -> MemberOrganisation | None:
    """The member organisation a member_staff role belongs to (scoped: this platform only)."""
    if role is None or role.organisation_id is None:
        return None
    return MemberOrganisation.objects.filter(pk=role.organisation_id).first()


# ---------------------------------------------------------------------------
# Life cycle


def pending_change_requests() -> QuerySet[ChangeRequest]:
    return ChangeRequest.objects.filter(status=ChangeRequest.Status.PENDING).select_related(
        "organisation", "submitted_by"
    )


def pending_withdrawals() -> QuerySet[Withdrawal]:
    return Withdrawal.objects.filter(status=Withdrawal.Status.PENDING).select_related(
        "organisation", "submitted_by"
    )


def open_expulsion(member: MemberOrganisation) -> Expulsion | None:
    """The expulsion procedure in progress for ``member`` (proposed or hearing notified)."""
    return (
        Expulsion.objects.filter(
            organisation=member,
            status__in=[Expulsion.Status.PROPOSED, Expulsion.Status.HEARING],
        )
        .order_by("-created_at")
        .first()
    )


def member_values(member: MemberOrganisation) -> dict[str, Any]:
    """The changeable fields of ``member`` in the JSON form a ChangeRequest stores."""
    values: dict[str, Any] = {}
    for name in CHANGEABLE_FIELDS:
        if name == "fields":
            values[name] = sorted(f.code for f in member.fields.all())
        elif name == "published_fields":
            values[name] = [k for k in PUBLISHABLE_FIELD_NAMES if member.is_published(k)]
        else:
            values[name] = getattr(member, name) or ""
    return values


def field_label(name: str) -> str:
    """The Japanese label of a member field."""
    field = MemberOrganisation._meta.get_field(name)
    assert isinstance(field, Field), f"{name} is a column of the member, not a relation to it"
    return str(field.verbose_name)


def display_value(name: str, value: Any) -> str:
    """A stored change value as staff read it (labels, not codes)."""
    if name == "fields":
        known = ActivityField.objects.filter(code__in=value or []).order_by("order")
        names = [name for _code, name in known.values_list("code", "name")]
        unknown = sorted(set(value or []) - set(known.values_list("code", flat=True)))
        return "、".join([*names, *unknown]) or "—"
    if name == "published_fields":
        return "、".join(str(_PUBLISHABLE_LABELS.get(k, k)) for k in value or []) or _("（公開しない）")
    if name == "org_type":
        return str(dict(OrgType.choices).get(value, value))
    return str(value) if value not in (None, "") else "—"


@dataclass(frozen=True)
class DiffRow:
    field: str
    label: str
    before: str
    after: str
    changed_since: bool  # the member's value differs from the one seen at submission


def change_diff(change: ChangeRequest) -> list[DiffRow]:
    """Before/after rows for the fields a change request touches, in form order."""
    current = member_values(change.organisation)
    rows = []
    for name in CHANGEABLE_FIELDS:
        if name not in change.changes:
            continue
        label = field_label(name)
        previous = change.previous.get(name, current[name]) if change.previous else current[name]
        rows.append(
            DiffRow(
                field=name,
                label=str(label),
                before=display_value(name, current[name]),
                after=display_value(name, change.changes[name]),
                changed_since=previous != current[name],
            )
        )
    return rows


# ---------------------------------------------------------------------------
# Dates


def fiscal_year_label(platform: Platform, day: datetime.date) -> str:
    """E.g. 令和6年度（2024年度） for a day in the fiscal year that starts in April 2024."""
    year = platform.fiscal_year_of(day)
    return _("%(wareki)s年度（%(year)s年度）") % {"wareki": wareki_year(year), "year": year}


def add_years(day: datetime.date, years: int) -> datetime.date:
    """``day`` plus whole years; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
