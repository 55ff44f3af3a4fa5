"""Creating, publishing, proposing and approving events; courses."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from audit.services import log_action
from events.models import Course, Event
from partnership.models import MemberOrganisation
from platforms.models import Platform

EDITABLE = [
    "slug",
    "title",
    "summary",
    "description",
    "venue",
    "venue_address",
    "starts_at",
    "ends_at",
    "deadline",
    "capacity_venue",
    "capacity_online",
    "allocation",
    "waitlist",
    "offer_hours",
    "online_url",
    "fee",
    "audience",
    "organiser",
    "sponsors",
    "contact",
    "questions",
    "table_size",
    "course",
    "reminder_days",
    "reminders_on_business_days",
]


def _check(event: Event) -> None:
    if event.capacity_venue == 0 and event.capacity_online == 0:
        raise ValidationError(_("会場かオンラインの定員を1以上にしてください。"))
    if event.ends_at and event.ends_at <= event.starts_at:
        raise ValidationError(_("終了日時は開始日時より後にしてください。"))
    if event.deadline and event.deadline > event.starts_at:
        raise ValidationError(_("申込締切は開始日時より前にしてください。"))


def do_create_event(
    platform: Platform,
    data: dict[str, Any],
    *,
    actor: Actor | None = None,
    proposed_by: MemberOrganisation | None = None,
    publish: bool = False,
) -> Event:
    fields = {name: data[name] for name in EDITABLE if name in data}
    event = Event(platform=platform, created_by=actor.user if actor is not None else None, **fields)
    if proposed_by is not None:
        event.proposed_by = proposed_by
        event.status = Event.Status.PROPOSED
    elif publish:
        event.status = Event.Status.PUBLISHED
    _check(event)
    try:
        with transaction.atomic():
            event.save()
            log_action(
                "events.propose" if proposed_by else "events.create",
                by=actor,
                platform=platform,
                obj=event,
                data={"status": event.status},
                label="command",
            )
    except IntegrityError:
        raise ValidationError(
            _("URL名「%(slug)s」は既に使われています。") % {"slug": event.slug}, code="slug"
        ) from None
    return event


def do_update_event(event: Event, data: dict[str, Any], *, actor: Actor) -> Event:
    changed = [name for name in EDITABLE if name in data and getattr(event, name) != data[name]]
    for name in changed:
        setattr(event, name, data[name])
    _check(event)
    try:
        with transaction.atomic():
            event.save()
            log_action("events.update", by=actor, obj=event, data={"fields": changed})
    except IntegrityError:
        raise ValidationError(_("URL名「%(slug)s」は既に使われています。") % {"slug": event.slug}) from None
    return event


TRANSITIONS = {
    "publish": ({Event.Status.DRAFT, Event.Status.PROPOSED, Event.Status.RETURNED}, Event.Status.PUBLISHED),
    "unpublish": ({Event.Status.PUBLISHED}, Event.Status.DRAFT),
    "return": ({Event.Status.PROPOSED}, Event.Status.RETURNED),
    "cancel": (
        {Event.Status.DRAFT, Event.Status.PROPOSED, Event.Status.PUBLISHED, Event.Status.RETURNED},
        Event.Status.CANCELLED,
    ),
    "propose": ({Event.Status.RETURNED, Event.Status.DRAFT}, Event.Status.PROPOSED),
}


def do_set_status(event: Event, action: str, *, actor: Actor, reason: str = "") -> Event:
    """publish / unpublish / return (a member's proposal, with the reason) / cancel / propose."""
    allowed, target = TRANSITIONS[action]
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.status not in allowed:
            raise ValidationError(
                _("この操作はできません（現在の状態: %(s)s）。") % {"s": event.get_status_display()}
            )
        if action == "return" and not reason.strip():
            raise ValidationError(_("差し戻しの理由を入力してください。"))
        event.status = target
        if action == "return":
            event.return_reason = reason.strip()
        elif action == "publish":
            event.return_reason = ""
        event.save(update_fields=["status", "return_reason", "updated_at"])
        log_action(f"events.{action}", by=actor, obj=event, data={"status": target})
    return event


def do_create_course(platform: Platform, data: dict[str, Any], *, actor: Actor) -> Course:
    with transaction.atomic():
        course = Course.objects.create(
            platform=platform,
            title=data["title"],
            description=data.get("description", ""),
            min_sessions=data.get("min_sessions", 1),
            certificate_title=data.get("certificate_title", ""),
        )
        log_action("events.course_create", by=actor, platform=platform, obj=course)
    return course
