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
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from audit.services import log_action
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
from directory.queries import (
    ALL_FIELDS,
    LEGACY_SCHEDULE,
    LOCATION_FIELDS,
    PLACE_KEYS,
    ROW_FIELDS,
    SECRETARIAT_ONLY,
    SERVICE_FIELDS,
    can_edit,
    current_values,
    display,
    editable_schedules,
    is_weekly_range,
    main_location,
    main_phone,
    weekday_order,
)
from partnership.models import MemberOrganisation
from platforms.models import Platform
from tsunagari.lib import mail
from tsunagari.lib.review import pending_for_decision


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
                "byday": sorted(dict.fromkeys(row.get("byday") or []), key=weekday_order),
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
            value = sorted(value or [], key=weekday_order)
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
        phone = main_phone(service)
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
    first["byday"] = sorted(first["byday"] or [], key=weekday_order)
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


def _apply_location(service: Service, values: dict[str, Any]) -> None:
    if not any(k in values for k in LOCATION_FIELDS):
        return
    merged = {**current_values(service), **values}
    location, _address = main_location(service)
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
