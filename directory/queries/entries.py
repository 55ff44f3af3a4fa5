"""The directory's entries as the staff pages show and edit them: the form's fields and values
of a service, its history and a proposal's changes in words, and who may edit it.

``directory.services.editing`` writes them (direct edits, member proposals, their review).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Role
from directory.hours import Slot, day_name, format_days, format_slots, parse_byday
from directory.models import (
    WEEKDAYS,
    Address,
    AgeBand,
    Attribute,
    Location,
    Phone,
    PhoneType,
    Reservation,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceChange,
    TargetGroup,
    TaxonomyTerm,
)

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


def main_phone(service: Service) -> Phone | None:
    return service.phones.order_by("id").first() if service.pk else None


def main_schedule(service: Service) -> Schedule | None:
    return service.schedules.order_by("id").first() if service.pk else None


def main_location(service: Service) -> tuple[Location | None, Address | None]:
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
    phone = main_phone(service)
    values["phone"] = phone.number if phone else ""
    schedule = main_schedule(service)
    values["hours"] = schedule.description if schedule else ""
    first = values["schedules"][0] if values["schedules"] else None
    values["byday"] = first["byday"] if first else []
    values["opens_at"] = first["opens_at"] if first else ""
    values["closes_at"] = first["closes_at"] if first else ""
    location, address = main_location(service)
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
    days = [weekday_order(day) for _n, day in parse_byday(schedule.byday)]
    return (min(days, default=99), schedule.opens_at or datetime.time(0), schedule.pk or 0)


def _schedule_row(schedule: Schedule) -> dict[str, Any]:
    return {
        "id": str(schedule.uuid),
        "byday": sorted((day for _n, day in parse_byday(schedule.byday)), key=weekday_order),
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


def weekday_order(code: str) -> int:
    order = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    return order.index(code) if code in order else 99


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


def can_edit(role: Role, service: Service) -> bool:
    if role.is_secretariat:
        return True
    return (
        role.kind == Role.MEMBER_STAFF
        and role.organisation_id is not None
        and service.member_id == role.organisation_id
    )


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


LIST_FIELDS = {"terms", "target_groups", "age_bands", "byday"}


def human(name: str, value: Any) -> str:
    """A form value as staff read it (labels instead of codes)."""
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
