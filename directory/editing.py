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
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from audit.services import log_action
from partnership.models import MemberOrganisation
from platforms.models import Platform

from .models import (
    Address,
    Attribute,
    Location,
    Metadata,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceChange,
    TaxonomyTerm,
)

# Fields of the staff form, in display order. Pseudo-fields: terms (shared term codes),
# phone (the main number), hours (displayed hours), byday/opens_at/closes_at (weekly rule).
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
EXTRA_FIELDS = ["terms", "phone", "hours", "byday", "opens_at", "closes_at"]
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
ALL_FIELDS = SERVICE_FIELDS + EXTRA_FIELDS + LOCATION_FIELDS
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
    phone = _main_phone(service)
    values["phone"] = phone.number if phone else ""
    schedule = _main_schedule(service)
    values["hours"] = schedule.description if schedule else ""
    values["byday"] = (
        sorted(schedule.byday.split(","), key=_weekday_order) if schedule and schedule.byday else []
    )
    values["opens_at"] = schedule.opens_at.strftime("%H:%M") if schedule and schedule.opens_at else ""
    values["closes_at"] = schedule.closes_at.strftime("%H:%M") if schedule and schedule.closes_at else ""
    location, address = _main_location(service)
    values["location_name"] = location.name if location else ""
    values["latitude"] = location.latitude if location else None
    values["longitude"] = location.longitude if location else None
    for name in ("postal_code", "state_province", "city", "address_1", "address_2"):
        values[name] = getattr(address, name) if address else ""
    return values


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
        if name in ("target_groups", "age_bands", "terms"):
            value = sorted(value or [])
        elif name == "byday":
            value = sorted(value or [], key=_weekday_order)
        elif name in ("opens_at", "closes_at"):
            value = value.strftime("%H:%M") if isinstance(value, datetime.time) else (value or "")
        elif name in ("latitude", "longitude"):
            value = None if value in (None, "") else float(value)
        elif value is None:
            value = ""
        out[name] = value
    return out


def diff(service: Service, values: dict[str, Any]) -> dict[str, Any]:
    current = current_values(service)
    return {k: v for k, v in normalise(values).items() if current.get(k) != v}


def display(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return "" if value is None else str(value)


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
    if any(k in values for k in ("hours", "byday", "opens_at", "closes_at")):
        schedule = _main_schedule(service) or Schedule(platform=platform, service=service, timezone=9)
        merged = {**current_values(service), **values}
        schedule.description = merged["hours"]
        schedule.byday = ",".join(merged["byday"])
        schedule.freq = Schedule.Freq.WEEKLY if merged["byday"] else ""
        schedule.opens_at = datetime.time.fromisoformat(merged["opens_at"]) if merged["opens_at"] else None
        schedule.closes_at = datetime.time.fromisoformat(merged["closes_at"]) if merged["closes_at"] else None
        if schedule.description or schedule.byday or schedule.opens_at:
            schedule.full_clean(validate_unique=False, validate_constraints=False)
            schedule.save()
        elif schedule.pk:
            schedule.delete()
    _apply_location(service, values)


def _apply_location(service: Service, values: dict[str, Any]) -> None:
    if not any(k in values for k in LOCATION_FIELDS):
        return
    merged = {**current_values(service), **values}
    location, address = _main_location(service)
    if location is None:
        if not (merged["address_1"] or merged["location_name"]):
            return
        location = Location.objects.create(
            platform=service.platform, organization_ref=service.organization.uuid
        )
        ServiceAtLocation.objects.create(platform=service.platform, service=service, location=location)
    location.name = merged["location_name"]
    location.latitude = merged["latitude"]
    location.longitude = merged["longitude"]
    location.save()
    if merged["address_1"]:
        address = address or Address(platform=service.platform, location=location, country="JP")
        for name in ("postal_code", "state_province", "city", "address_1", "address_2"):
            setattr(address, name, merged[name])
        address.save()
    elif address is not None:
        address.delete()


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
            previous_value=display(previous.get(name, "")),
            replacement_value=display(value),
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
def do_update_service(service: Service, values: dict[str, Any], *, request: Any) -> dict[str, Any]:
    """A secretariat edit: applied at once, recorded as metadata."""
    changes = diff(service, values)
    if not changes:
        return {}
    previous = current_values(service)
    _apply(service, changes)
    _record(
        service, changes, previous, action="update", by=secretariat_label(service.platform), user=request.user
    )
    log_action("directory.service_updated", obj=service, request=request, data={"fields": sorted(changes)})
    return changes


@transaction.atomic
def do_create_service(
    platform: Platform, organization: Organization, values: dict[str, Any], *, request: Any, publish: bool
) -> Service:
    service = Service(
        platform=platform, organization=organization, member=organization.member, is_published=publish
    )
    values = normalise(values)
    _apply(service, values)
    by = secretariat_label(platform) if publish else organization.name
    _record(service, values, {}, action="create", by=by, user=request.user)
    log_action("directory.service_created", obj=service, request=request, data={"published": publish})
    return service


@transaction.atomic
def do_propose_change(service: Service, values: dict[str, Any], *, request: Any) -> ServiceChange:
    """A member's proposal; refused while another proposal for the service is pending."""
    if not can_edit(request.role, service):
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
        submitted_by=request.user,
    )
    log_action("directory.change_proposed", obj=change, request=request, data={"fields": sorted(changes)})
    mail_change(change, "proposed")
    return change


@transaction.atomic
def do_create_member_service(
    member: MemberOrganisation, values: dict[str, Any], *, request: Any
) -> ServiceChange:
    """A member proposes a new service: stored unpublished, published when the secretariat approves."""
    values = {k: v for k, v in normalise(values).items() if k not in SECRETARIAT_ONLY}
    service = Service(platform=member.platform, organization=organization_for_member(member), member=member)
    _apply(service, values)
    change = ServiceChange.objects.create(
        platform=member.platform, service=service, changes=values, previous={}, submitted_by=request.user
    )
    log_action("directory.service_proposed", obj=change, request=request, data={"fields": sorted(values)})
    mail_change(change, "proposed")
    return change


@transaction.atomic
def do_approve_change(change: ServiceChange, *, request: Any) -> None:
    change = ServiceChange.objects.select_for_update().get(pk=change.pk)
    if change.status != ServiceChange.Status.PENDING:
        raise ValidationError(_("この変更申請は処理済みです。"))
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
    change.status = ServiceChange.Status.APPROVED
    change.decided_by = request.user
    change.decided_at = timezone.now()
    change.save()
    log_action(
        "directory.change_approved", obj=change, request=request, data={"fields": sorted(change.changes)}
    )
    mail_change(change, "approved")


@transaction.atomic
def do_reject_change(change: ServiceChange, reason: str, *, request: Any) -> None:
    change = ServiceChange.objects.select_for_update().get(pk=change.pk)
    if change.status != ServiceChange.Status.PENDING:
        raise ValidationError(_("この変更申請は処理済みです。"))
    if not reason.strip():
        raise ValidationError(_("差し戻す理由を書いてください。"))
    change.status = ServiceChange.Status.REJECTED
    change.decision_reason = reason
    change.decided_by = request.user
    change.decided_at = timezone.now()
    change.save()
    log_action("directory.change_rejected", obj=change, request=request)
    mail_change(change, "rejected")


def mail_change(change: ServiceChange, event: str) -> None:
    """Tell the other side of a review, once the transaction commits: a proposal goes to the
    secretariat's address, a decision to the member staff who proposed it. No address, no mail."""
    from .forms_services import field_labels

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
    subject = render_to_string(f"directory/email/change_{event}_subject.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=render_to_string(f"directory/email/change_{event}.txt", context),
        to=to,
        reply_to=[platform.contact_email] if platform.contact_email and event != "proposed" else None,
    )
    transaction.on_commit(message.send, robust=True)


def human(name: str, value: Any) -> str:
    """A form value as staff read it (labels instead of codes)."""
    from .hours import day_name
    from .models import WEEKDAYS, AgeBand, Reservation, TargetGroup

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
    """Field, value when submitted, proposed value; flags fields edited since submission."""
    current = current_values(change.service)
    rows = []
    for name, value in change.changes.items():
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
