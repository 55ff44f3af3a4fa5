"""Writing directory entries from the staff pages: direct edits, member proposals and their review.

The secretariat edits a service directly. Member staff (member_staff role) propose edits of the
services their own organisation runs, or a new service (created unpublished); the secretariat
approves (the values are applied and the service is published) or returns the proposal with a
reason. Every applied change leaves one HSDS ``Metadata`` row per field: which field, the
previous and the replacement value, who (``updated_by``: the organisation or 事務局 -- public in
the API; ``user``: the account -- staff only) and when.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import Actor
from audit.services import log_action
from directory.hours import Slot, format_days, format_slots, parse_byday
from directory.models import (
    Address,
    Attribute,
    Location,
    Metadata,
    Organization,
    Phone,
    PhoneType,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceChange,
    TaxonomyTerm,
)
from partnership.models import MemberOrganisation
from platforms.models import Platform
from tsunagari.lib import mail
from tsunagari.lib.review import pending_for_decision

# Fields of the staff form, in display order. Pseudo-fields: terms (shared term codes),
# phones, schedules and places (lists of rows), hours (displayed hours, the first schedule's
# description).
SERVICE_FIELDS = [
    "name",
    "name_kana",
    "department",
    "description",
    "status",
    "url",
    "email",
    "application_process",
    "eligibility_description",
    "fees_description",
    "alert",
    "reservation",
    "target_groups",
    "age_bands",
    "is_free",
    "is_24h",
    "is_anonymous",
    "is_crisis_line",
]
EXTRA_FIELDS = ["terms", "phones", "hours", "schedules", "places"]
LOCATION_FIELDS = [
    "location_name",
    "postal_code",
    "state_province",
    "city",
    "address_1",
    "address_2",
    "latitude",
    "longitude",
]
# Lists of rows: every phone of the service, every place (location and its first address) linked
# through ServiceAtLocation. A row's "id" is the HSDS id of its Phone / Location ("" for a new row);
# the value is the whole desired list, so a row left out is removed.
PHONE_KEYS = ["id", "number", "type", "description"]
PLACE_KEYS = ["id", *LOCATION_FIELDS]
# A schedule row is one weekly range (an HSDS schedule of the service): days and times. Split
# hours on a day are two rows. Schedules the form cannot show as a weekly range (monthly rules,
# 第2土曜日, a day of the month) are not rows and are kept as they are.
SCHEDULE_KEYS = ["id", "byday", "opens_at", "closes_at"]
ROW_FIELDS = {"phones": PHONE_KEYS, "schedules": SCHEDULE_KEYS, "places": PLACE_KEYS}
# Proposals stored before phones, places and schedules became lists carry the first phone
# ("phone"), the first schedule's rule (byday/opens_at/closes_at) and the first location's fields
# (LOCATION_FIELDS) as scalars; they are still shown and applied.
LEGACY_PHONE = "phone"
LEGACY_SCHEDULE = ["byday", "opens_at", "closes_at"]
ALL_FIELDS = SERVICE_FIELDS + EXTRA_FIELDS + [LEGACY_PHONE] + LEGACY_SCHEDULE + LOCATION_FIELDS
SECRETARIAT_ONLY = {"is_crisis_line"}


def _main_phone(service: Service) -> Phone | None:
    return service.phones.order_by("id").first() if service.pk else None


def _main_schedule(service: Service) -> Schedule | None:
    return service.schedules.order_by("id").first() if service.pk else None


def _main_location(service: Service) -> tuple[Location | None, Address | None]:
    if not service.pk:
        return None, None
    sal = service.service_at_locations.select_related("location").order_by("id").first()
    if sal is None:
        return None, None
    return sal.location, sal.location.addresses.order_by("id").first()


def current_values(service: Service) -> dict[str, Any]:
    """The form values of a service, JSON-able (lists sorted, times as HH:MM)."""
    values: dict[str, Any] = {name: getattr(service, name) for name in SERVICE_FIELDS}
    values["target_groups"] = sorted(values["target_groups"] or [])
    values["age_bands"] = sorted(values["age_bands"] or [])
    values["terms"] = (
        sorted(
            Attribute.objects.filter(service=service, taxonomy_term__platform=None).values_list(
                "taxonomy_term__code", flat=True
            )
        )
        if service.pk
        else []
    )
    values["phones"] = [_phone_row(phone) for phone in service.phones.order_by("id")] if service.pk else []
    values["schedules"] = [_schedule_row(s) for s in editable_schedules(service)]
    values["places"] = _place_rows(service)
    phone = _main_phone(service)
    values["phone"] = phone.number if phone else ""
    schedule = _main_schedule(service)
    values["hours"] = schedule.description if schedule else ""
    first = values["schedules"][0] if values["schedules"] else None
    values["byday"] = first["byday"] if first else []
    values["opens_at"] = first["opens_at"] if first else ""
    values["closes_at"] = first["closes_at"] if first else ""
    location, address = _main_location(service)
    values["location_name"] = location.name if location else ""
    values["latitude"] = location.latitude if location else None
    values["longitude"] = location.longitude if location else None
    for name in ("postal_code", "state_province", "city", "address_1", "address_2"):
        values[name] = getattr(address, name) if address else ""
    return values


def _phone_row(phone: Phone) -> dict[str, Any]:
    return {
        "id": str(phone.uuid),
        "number": phone.number,
        "type": phone.type if phone.type in PhoneType.values else PhoneType.VOICE,
        "description": phone.description,
    }


def _time_text(value: datetime.time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def is_weekly_range(schedule: Schedule) -> bool:
    """Whether the form shows ``schedule`` as a row: a weekly rule (or a bare time) on plain
    weekdays, without a day of the month or other RRULE parts the row would not show."""
    if schedule.freq not in (Schedule.Freq.WEEKLY, ""):
        return False
    if schedule.bymonthday or schedule.byweekno or schedule.byyearday or (schedule.interval or 1) > 1:
        return False
    try:
        days = parse_byday(schedule.byday)
    except ValueError:
        return False
    if any(n is not None for n, _day in days):
        return False
    return bool(days or schedule.opens_at)


def editable_schedules(service: Service) -> list[Schedule]:
    """The service's own schedules the form shows as rows, ordered by first day and time."""
    if not service.pk:
        return []
    rows = [s for s in service.schedules.order_by("id") if is_weekly_range(s)]
    return sorted(rows, key=_schedule_order)


def other_schedules(service: Service) -> list[Schedule]:
    """The service's schedules the form leaves as they are (monthly rules, notes only)."""
    if not service.pk:
        return []
    return [s for s in service.schedules.order_by("id") if not is_weekly_range(s)]


def _schedule_order(schedule: Schedule) -> tuple[int, datetime.time, int]:
    days = [_weekday_order(day) for _n, day in parse_byday(schedule.byday)]
    return (min(days, default=99), schedule.opens_at or datetime.time(0), schedule.pk or 0)


def _schedule_row(schedule: Schedule) -> dict[str, Any]:
    return {
        "id": str(schedule.uuid),
        "byday": sorted((day for _n, day in parse_byday(schedule.byday)), key=_weekday_order),
        "opens_at": _time_text(schedule.opens_at),
        "closes_at": _time_text(schedule.closes_at),
    }


def _place_rows(service: Service) -> list[dict[str, Any]]:
    if not service.pk:
        return []
    rows: dict[str, dict[str, Any]] = {}
    sals = service.service_at_locations.select_related("location").prefetch_related("location__addresses")
    for sal in sals.order_by("id"):
        location = sal.location
        address = next(iter(location.addresses.all()), None)
        rows.setdefault(
            str(location.uuid),
            {
                "id": str(location.uuid),
                "location_name": location.name,
                **{
                    name: getattr(address, name) if address else ""
                    for name in ("postal_code", "state_province", "city", "address_1", "address_2")
                },
                "latitude": location.latitude,
                "longitude": location.longitude,
            },
        )
    return list(rows.values())


def _normalise_rows(name: str, rows: Any) -> list[dict[str, Any]]:
    """Form rows → the shape of ``current_values``: blank rows dropped, ids as strings."""
    out = []
    for row in rows or []:
        if name == "phones":
            clean = {
                "id": str(row.get("id") or ""),
                "number": (row.get("number") or "").strip(),
                "type": row.get("type") or PhoneType.VOICE,
                "description": (row.get("description") or "").strip(),
            }
            if not clean["number"]:
                continue
        elif name == "schedules":
            clean = {
                "id": str(row.get("id") or ""),
                "byday": sorted(dict.fromkeys(row.get("byday") or []), key=_weekday_order),
                "opens_at": _time_value(row.get("opens_at")),
                "closes_at": _time_value(row.get("closes_at")),
            }
            if not (clean["byday"] or clean["opens_at"]):
                continue
        else:
            clean = {"id": str(row.get("id") or "")}
            for key in PLACE_KEYS[1:]:
                value = row.get(key)
                if key in ("latitude", "longitude"):
                    clean[key] = None if value in (None, "") else float(value)
                else:
                    clean[key] = (value or "").strip()
            if not any(v not in ("", None) for k, v in clean.items() if k != "id"):
                continue
        out.append(clean)
    return out


def _time_value(value: Any) -> str:
    return value.strftime("%H:%M") if isinstance(value, datetime.time) else (value or "")


def _weekday_order(code: str) -> int:
    order = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    return order.index(code) if code in order else 99


def normalise(values: dict[str, Any]) -> dict[str, Any]:
    """Form cleaned_data → the JSON-able shape of ``current_values``."""
    out: dict[str, Any] = {}
    for name in ALL_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name in ROW_FIELDS:
            value = _normalise_rows(name, value)
        elif name in ("target_groups", "age_bands", "terms"):
            value = sorted(value or [])
        elif name == "byday":
            value = sorted(value or [], key=_weekday_order)
        elif name in ("opens_at", "closes_at"):
            value = _time_value(value)
        elif name in ("latitude", "longitude"):
            value = None if value in (None, "") else float(value)
        elif value is None:
            value = ""
        out[name] = value
    return out


def _same(current: Any, new: Any) -> bool:
    """Equal, or text differing only by the white space a form strips (an imported description
    ending in a space is not changed by saving the form as it is)."""
    if isinstance(current, str) and isinstance(new, str):
        return current.strip() == new.strip()
    return bool(current == new)


def diff(service: Service, values: dict[str, Any]) -> dict[str, Any]:
    current = current_values(service)
    return {k: v for k, v in normalise(values).items() if not _same(current.get(k), v)}


def display(value: Any, name: str = "") -> str:
    """A value as stored in HSDS metadata; rows of phones and places as one readable line each."""
    if name in ROW_FIELDS and isinstance(value, list):
        with translation.override("ja"):
            return "\n".join(row_text(name, row) for row in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return "" if value is None else str(value)


def row_text(name: str, row: dict[str, Any]) -> str:
    """One phone (「FAX 0596-21-5557（夜間専用）」), range of hours (「月〜金 9:00〜12:00」) or place
    (name, 〒 address, coordinates)."""
    if name == "schedules":
        times = [
            datetime.time.fromisoformat(row[k]) if row.get(k) else None for k in ("opens_at", "closes_at")
        ]
        days = format_days(row.get("byday") or []) if row.get("byday") else ""
        return f"{days} {format_slots([Slot(times[0], times[1])])}".strip()
    if name == "phones":
        label = str(PhoneType(row["type"]).label) if row.get("type") in PhoneType.values else ""
        text = f"{label} {row['number']}".strip()
        return f"{text}（{row['description']}）" if row.get("description") else text
    address = "".join(row.get(k) or "" for k in ("state_province", "city", "address_1"))
    if row.get("address_2"):
        address = f"{address} {row['address_2']}"
    if row.get("postal_code"):
        address = f"〒{row['postal_code']} {address}"
    parts = [row.get("location_name") or "", address.strip()]
    if row.get("latitude") is not None and row.get("longitude") is not None:
        parts.append(
            _("緯度 %(latitude)s・経度 %(longitude)s")
            % {"latitude": row["latitude"], "longitude": row["longitude"]}
        )
    return " ".join(p for p in parts if p)


def _apply(service: Service, values: dict[str, Any]) -> None:
    platform = service.platform
    for name in SERVICE_FIELDS:
        if name in values:
            setattr(service, name, values[name])
    service.full_clean(exclude=["organization"], validate_unique=False, validate_constraints=False)
    service.save()
    if "terms" in values:
        terms = {t.code: t for t in TaxonomyTerm.objects.available_to(None).filter(code__in=values["terms"])}
        Attribute.objects.filter(service=service, taxonomy_term__platform=None).exclude(
            taxonomy_term__code__in=values["terms"]
        ).delete()
        existing = set(
            Attribute.objects.filter(service=service, taxonomy_term__platform=None).values_list(
                "taxonomy_term__code", flat=True
            )
        )
        for code in values["terms"]:
            if code not in existing and code in terms:
                Attribute.objects.create(
                    platform=platform,
                    link_id=service.uuid,
                    link_entity="service",
                    link_type="category",
                    taxonomy_term=terms[code],
                    service=service,
                )
    if "phones" in values:
        _apply_phones(service, values["phones"])
    if "phone" in values:
        phone = _main_phone(service)
        if values["phone"]:
            if phone is None:
                Phone.objects.create(platform=platform, service=service, number=values["phone"], type="voice")
            else:
                phone.number = values["phone"]
                phone.save()
        elif phone is not None:
            phone.delete()
    if "schedules" in values:
        _apply_schedules(service, values["schedules"])
    if any(k in values for k in LEGACY_SCHEDULE):
        _apply_legacy_schedule(service, values)
    if any(k in values for k in ("hours", "schedules", *LEGACY_SCHEDULE)):
        _apply_hours_text(service, {**current_values(service), **values}["hours"])
    _apply_location(service, values)
    if "places" in values:
        _apply_places(service, values["places"])


def _apply_phones(service: Service, rows: list[dict[str, Any]]) -> None:
    """Make the service's phones exactly ``rows``: matched by id, new ones created, others deleted.
    A row whose phone has gone since a proposal was made is created again."""
    existing = {str(phone.uuid): phone for phone in service.phones.all()}
    keep = []
    for n, row in enumerate(rows, start=1):
        phone = existing.pop(row["id"], None) or Phone(platform=service.platform, service=service)
        phone.number, phone.type, phone.description = row["number"], row["type"], row["description"]
        try:
            phone.full_clean(exclude=["service"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            message = " ".join(error.messages)
            raise ValidationError(_("電話番号 %(n)s: %(message)s") % {"n": n, "message": message}) from error
        phone.save()
        keep.append(phone.pk)
    service.phones.exclude(pk__in=keep).delete()


def _apply_schedules(service: Service, rows: list[dict[str, Any]]) -> None:
    """Make the service's weekly ranges exactly ``rows`` (matched by id; a row whose schedule has
    gone is created again). Other schedules (monthly rules, notes) are left as they are; a
    schedule that stays keeps its other HSDS fields (validity dates, notes)."""
    existing = {str(s.uuid): s for s in editable_schedules(service)}
    for n, row in enumerate(rows, start=1):
        schedule = existing.pop(row["id"], None) or Schedule(
            platform=service.platform, service=service, timezone=9
        )
        schedule.freq = Schedule.Freq.WEEKLY if row["byday"] else ""
        schedule.byday = ",".join(row["byday"])
        schedule.opens_at = datetime.time.fromisoformat(row["opens_at"]) if row["opens_at"] else None
        schedule.closes_at = datetime.time.fromisoformat(row["closes_at"]) if row["closes_at"] else None
        try:
            schedule.full_clean(exclude=["service"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            message = " ".join(error.messages)
            raise ValidationError(_("受付時間 %(n)s: %(message)s") % {"n": n, "message": message}) from error
        schedule.save()
    for schedule in existing.values():
        schedule.delete()


def _apply_legacy_schedule(service: Service, values: dict[str, Any]) -> None:
    """A proposal made before schedules became rows: its rule replaces the first range."""
    rows = current_values(service)["schedules"]
    merged = {**current_values(service), **values}
    first = {"id": rows[0]["id"] if rows else "", **{k: merged[k] for k in LEGACY_SCHEDULE}}
    first["byday"] = sorted(first["byday"] or [], key=_weekday_order)
    _apply_schedules(service, [first, *rows[1:]] if first["byday"] or first["opens_at"] else rows[1:])


def _apply_hours_text(service: Service, text: str) -> None:
    """The displayed hours (受付日時（表示用）) are the description of the first schedule; with no
    schedule a description-only one holds them, removed again when the text is emptied."""
    first = service.schedules.order_by("id").first()
    if first is None:
        if text:
            Schedule.objects.create(platform=service.platform, service=service, timezone=9, description=text)
        return
    if first.description != text:
        first.description = text
        first.save()
    if not text and not is_weekly_range(first) and not first.freq and not first.notes:
        first.delete()


def _apply_places(service: Service, rows: list[dict[str, Any]]) -> None:
    """Make the service's places exactly ``rows``. A place left out is unlinked from the service
    (its ServiceAtLocation deleted); its Location is deleted too unless another service uses it."""
    linked = {
        str(sal.location.uuid): sal.location
        for sal in service.service_at_locations.select_related("location").order_by("id")
    }
    for row in rows:
        location = linked.pop(row["id"], None)
        if location is None:
            location = Location.objects.create(
                platform=service.platform, organization_ref=service.organization.uuid
            )
            ServiceAtLocation.objects.create(platform=service.platform, service=service, location=location)
        _write_place(service, location, row)
    for location in linked.values():
        ServiceAtLocation.objects.filter(service=service, location=location).delete()
        if not ServiceAtLocation.objects.filter(location=location).exists():
            location.delete()


def _write_place(service: Service, location: Location, row: dict[str, Any]) -> None:
    location.name = row["location_name"]
    location.latitude = row["latitude"]
    location.longitude = row["longitude"]
    location.save()
    address = location.addresses.order_by("id").first()
    if row["address_1"]:
        address = address or Address(platform=service.platform, location=location, country="JP")
        for name in ("postal_code", "state_province", "city", "address_1", "address_2"):
            setattr(address, name, row[name])
        address.save()
    elif address is not None:
        address.delete()


def shared_places(service: Service) -> dict[str, int]:
    """Location id → how many other services use it too (only locations that are shared)."""
    if not service.pk:
        return {}
    counts: dict[str, int] = {}
    others = ServiceAtLocation.objects.filter(
        location__in=service.service_at_locations.values("location")
    ).exclude(service=service)
    for location_uuid in others.values_list("location__uuid", flat=True):
        counts[str(location_uuid)] = counts.get(str(location_uuid), 0) + 1
    return counts


def _apply_location(service: Service, values: dict[str, Any]) -> None:
    if not any(k in values for k in LOCATION_FIELDS):
        return
    merged = {**current_values(service), **values}
    location, _address = _main_location(service)
    if location is None:
        if not (merged["address_1"] or merged["location_name"]):
            return
        location = Location.objects.create(
            platform=service.platform, organization_ref=service.organization.uuid
        )
        ServiceAtLocation.objects.create(platform=service.platform, service=service, location=location)
    _write_place(service, location, merged)


def _record(
    service: Service, changes: dict[str, Any], previous: dict[str, Any], *, action: str, by: str, user: Any
) -> None:
    now = timezone.now()
    for name, value in changes.items():
        Metadata.objects.create(
            platform=service.platform,
            resource_id=service.uuid,
            resource_type="service",
            last_action_date=now,
            last_action_type=action,
            field_name=name,
            previous_value=display(previous.get(name, ""), name),
            replacement_value=display(value, name),
            updated_by=by,
            user=user if getattr(user, "is_authenticated", False) else None,
        )


def secretariat_label(platform: Platform) -> str:
    return _("%(owner)s 事務局") % {"owner": platform.owner_name or platform.name}


def organization_for_member(member: MemberOrganisation) -> Organization:
    """The HSDS organisation that stands for a member organisation (created on first use)."""
    org = Organization.objects.filter(member=member).order_by("id").first()
    if org is None:
        org = Organization.objects.create(
            platform=member.platform,
            member=member,
            name=member.name,
            name_kana=member.name_kana,
            description=member.description,
            website=member.website,
        )
    return org


def can_edit(role: Role, service: Service) -> bool:
    if role.is_secretariat:
        return True
    return (
        role.kind == Role.MEMBER_STAFF
        and role.organisation_id is not None
        and service.member_id == role.organisation_id
    )


@transaction.atomic
def do_update_service(service: Service, values: dict[str, Any], *, actor: Actor) -> dict[str, Any]:
    """A secretariat edit: applied at once, recorded as metadata."""
    changes = diff(service, values)
    if not changes:
        return {}
    previous = current_values(service)
    _apply(service, changes)
    _record(
        service, changes, previous, action="update", by=secretariat_label(service.platform), user=actor.user
    )
    log_action("directory.service_updated", obj=service, by=actor, data={"fields": sorted(changes)})
    return changes


@transaction.atomic
def do_create_service(
    platform: Platform, organization: Organization, values: dict[str, Any], *, actor: Actor, publish: bool
) -> Service:
    service = Service(
        platform=platform, organization=organization, member=organization.member, is_published=publish
    )
    values = normalise(values)
    _apply(service, values)
    by = secretariat_label(platform) if publish else organization.name
    _record(service, values, {}, action="create", by=by, user=actor.user)
    log_action("directory.service_created", obj=service, by=actor, data={"published": publish})
    return service


def pending_change(service: Service) -> ServiceChange | None:
    """The proposal of this service the secretariat has not decided yet (at most one)."""
    return (
        ServiceChange.objects.filter(service=service, status=ServiceChange.Status.PENDING)
        .select_related("submitted_by")
        .first()
    )


def returned_change(service: Service) -> ServiceChange | None:
    """The member's last proposal when it was sent back (差戻し) and nothing was proposed since."""
    last = ServiceChange.objects.filter(service=service).order_by("-submitted_at", "-pk").first()
    return last if last is not None and last.status == ServiceChange.Status.REJECTED else None


def proposal_values(service: Service, returned: ServiceChange | None) -> dict[str, Any]:
    """The form's starting values: the service as it is, with a returned proposal's values on top."""
    values = current_values(service)
    if returned is not None:
        values.update(returned.changes)
    return values


@transaction.atomic
def do_propose_change(service: Service, values: dict[str, Any], *, actor: Actor) -> ServiceChange:
    """A member's proposal; refused while another proposal for the service is pending."""
    if actor.role is None or not can_edit(actor.role, service):
        raise PermissionDenied
    locked = Service.objects.select_for_update().get(pk=service.pk)
    if ServiceChange.objects.filter(service=locked, status=ServiceChange.Status.PENDING).exists():
        raise ValidationError(
            _("この窓口には事務局の確認待ちの変更があります。確認が終わるまでお待ちください。")
        )
    changes = {k: v for k, v in diff(service, values).items() if k not in SECRETARIAT_ONLY}
    if not changes and service.is_published:
        raise ValidationError(_("変更された項目がありません。"))
    current = current_values(service)
    change = ServiceChange.objects.create(
        platform=service.platform,
        service=service,
        changes=changes,
        previous={k: current.get(k) for k in changes},
        submitted_by=actor.user,
    )
    log_action("directory.change_proposed", obj=change, by=actor, data={"fields": sorted(changes)})
    mail_change(change, "proposed")
    return change


@transaction.atomic
def do_create_member_service(
    member: MemberOrganisation, values: dict[str, Any], *, actor: Actor
) -> ServiceChange:
    """A member proposes a new service: stored unpublished, published when the secretariat approves."""
    values = {k: v for k, v in normalise(values).items() if k not in SECRETARIAT_ONLY}
    service = Service(platform=member.platform, organization=organization_for_member(member), member=member)
    _apply(service, values)
    current = current_values(service)
    for name in ROW_FIELDS:  # the rows now exist: approval updates them instead of recreating them
        if name in values:
            values[name] = current[name]
    change = ServiceChange.objects.create(
        platform=member.platform, service=service, changes=values, previous={}, submitted_by=actor.user
    )
    log_action("directory.service_proposed", obj=change, by=actor, data={"fields": sorted(values)})
    mail_change(change, "proposed")
    return change


@transaction.atomic
def do_approve_change(change: ServiceChange, *, actor: Actor) -> None:
    change = pending_for_decision(change, _("この変更申請は処理済みです。"))
    service = change.service
    previous = current_values(service) if change.previous else {}
    is_new = not change.previous and not service.is_published
    _apply(service, change.changes)
    service.is_published = True
    service.save(update_fields=["is_published", "last_modified"])
    by = service.member.name if service.member else service.organization.name
    _record(
        service,
        change.changes,
        previous,
        action="create" if is_new else "update",
        by=by,
        user=change.submitted_by,
    )
    change.decide(ServiceChange.Status.APPROVED, by=actor.user)
    log_action("directory.change_approved", obj=change, by=actor, data={"fields": sorted(change.changes)})
    mail_change(change, "approved")


@transaction.atomic
def do_reject_change(change: ServiceChange, reason: str, *, actor: Actor) -> None:
    change = pending_for_decision(change, _("この変更申請は処理済みです。"))
    if not reason.strip():
        raise ValidationError(_("差し戻す理由を書いてください。"))
    change.decide(ServiceChange.Status.REJECTED, by=actor.user, reason=reason)
    log_action("directory.change_rejected", obj=change, by=actor)
    mail_change(change, "rejected")


def mail_change(change: ServiceChange, event: str) -> None:
    """Tell the other side of a review (the outbox sends it once the transaction commits): a proposal goes to the
    secretariat's address, a decision to the member staff who proposed it. No address, no mail."""
    from directory.forms.services import field_labels

    platform = change.platform
    service = change.service
    if event == "proposed":
        to = [platform.contact_email] if platform.contact_email else []
    else:
        to = [change.submitted_by.email] if change.submitted_by and change.submitted_by.email else []
    if not to:
        return
    labels = field_labels()
    url = reverse("directory:change", kwargs={"platform_slug": platform.slug, "uuid": change.uuid})
    context = {
        "change": change,
        "service": service,
        "platform": platform,
        "member_name": service.member.name if service.member else service.organization.name,
        "is_new": not change.previous,
        "fields": [labels.get(name, name) for name in change.changes],
        "url": settings.SITE_URL.rstrip("/") + url,
    }
    mail.queue_template(
        f"directory/email/change_{event}",
        context,
        to=to,
        reply_to=[platform.contact_email] if platform.contact_email and event != "proposed" else None,
        platform=platform,
        key=f"service_change.{event}:{change.uuid}",
        kind=f"service_change.{event}",
    )


def human(name: str, value: Any) -> str:
    """A form value as staff read it (labels instead of codes)."""
    from directory.hours import day_name
    from directory.models import WEEKDAYS, AgeBand, Reservation, TargetGroup

    if isinstance(value, bool):
        return _("はい") if value else _("いいえ")
    labels: dict[str, str] = {}
    if name == "terms":
        labels = dict(TaxonomyTerm.objects.available_to(None).values_list("code", "name"))
    elif name == "target_groups":
        labels = {k: str(v) for k, v in TargetGroup.choices}
    elif name == "age_bands":
        labels = {k: str(v) for k, v in AgeBand.choices}
    elif name == "reservation":
        labels = {k: str(v) for k, v in Reservation.choices}
    elif name == "status":
        labels = {k: str(v) for k, v in Service.Status.choices}
    elif name == "byday":
        labels = {code: day_name(code) for code in WEEKDAYS}
    if isinstance(value, list):
        return "、".join(str(labels.get(v, v)) for v in value)
    return str(labels.get(value, value)) if labels else display(value)


LIST_FIELDS = {"terms", "target_groups", "age_bands", "byday"}


def history_rows(records: Any, labels: dict[str, str]) -> list[dict[str, Any]]:
    """Metadata rows of a service with field labels and readable values."""

    def readable(name: str, text: str) -> str:
        if name in LIST_FIELDS:
            return human(name, [v for v in text.split(";") if v])
        if text in ("true", "false"):
            return human(name, text == "true")
        return human(name, text)

    return [
        {
            "record": record,
            "label": labels.get(record.field_name, record.field_name),
            "before": readable(record.field_name, record.previous_value),
            "after": readable(record.field_name, record.replacement_value),
        }
        for record in records
    ]


def change_rows(change: ServiceChange, labels: dict[str, str]) -> list[dict[str, Any]]:
    """Field, value when submitted, proposed value; flags fields edited since submission.
    Phones and places give one row per added, changed or removed phone/place."""
    current = current_values(change.service)
    rows = []
    for name, value in change.changes.items():
        if name in ROW_FIELDS:
            before_rows = (change.previous or {}).get(name) or []
            rows.extend(_list_change_rows(name, before_rows, value, current.get(name) or []))
            continue
        before = change.previous.get(name, "") if change.previous else ""
        rows.append(
            {
                "label": labels.get(name, name),
                "before": human(name, before) if change.previous else "",
                "after": human(name, value),
                "changed_since": bool(change.previous) and current.get(name) != change.previous.get(name),
            }
        )
    return rows


def _list_change_rows(
    name: str, before: list[dict[str, Any]], after: list[dict[str, Any]], current: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Rows matched by id: 変更 (same id, other values), 削除 (left out), 追加 (new or unknown id).
    Numbered as the proposer's form showed them: the rows as they were, then the added ones."""
    label = _("電話番号 %(n)s") if name == "phones" else _("相談先 %(n)s")
    after_by_id = {row["id"]: row for row in after if row.get("id")}
    current_by_id = {row["id"]: row for row in current if row.get("id")}
    before_ids = {row.get("id") for row in before if row.get("id")}
    rows = []

    def row(n: int, kind: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, Any]:
        kinds = {"changed": _("変更"), "removed": _("削除"), "added": _("追加")}
        return {
            "label": label % {"n": n},
            "kind": kind,
            "kind_label": kinds[kind],
            "before": row_text(name, old) if old else "",
            "after": row_text(name, new) if new else "",
            "changed_since": old is not None and current_by_id.get(old["id"]) != old,
        }

    for n, old in enumerate(before, start=1):
        new = after_by_id.get(old.get("id") or "")
        if new is None:
            rows.append(row(n, "removed", old, None))
        elif new != old:
            rows.append(row(n, "changed", old, new))
    added = [new for new in after if not new.get("id") or new["id"] not in before_ids]
    for n, new in enumerate(added, start=len(before) + 1):
        rows.append(row(n, "added", None, new))
    return rows
