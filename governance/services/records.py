"""Minutes (議事録) and the launch planner: drafted, edited, finalised, published; steps ticked."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from audit.services import log_action
from governance.minutes import draft_text
from governance.models import LaunchPlan, LaunchStep, Meeting, Minutes
from governance.planner import TEMPLATES as PLAN_TEMPLATES
from governance.services.common import locked
from platforms.models import Platform


@transaction.atomic
def do_draft_minutes(meeting: Meeting, *, actor: Actor | None = None) -> Minutes:
    """A first draft from the record; an existing draft is redrafted, final minutes are kept."""
    meeting = locked(Meeting, meeting)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is not None and minutes.status == Minutes.Status.FINAL:
        raise ValidationError(_("確定した議事録は作り直せません。先に確定を取り消してください。"))
    text = draft_text(meeting)
    if minutes is None:
        minutes = Minutes.objects.create(platform=meeting.platform, meeting=meeting, text=text)
    else:
        minutes.text = text
        minutes.save(update_fields=["text", "updated_at"])
    log_action(
        "governance.minutes_drafted",
        platform=meeting.platform,
        obj=minutes,
        by=actor,
    )
    return minutes


@transaction.atomic
def do_save_minutes(minutes: Minutes, *, text: str, signers: str, actor: Actor) -> Minutes:
    minutes = locked(Minutes, minutes)
    if minutes.status == Minutes.Status.FINAL:
        raise ValidationError(_("確定した議事録は編集できません。先に確定を取り消してください。"))
    minutes.text = text
    minutes.signers = signers
    minutes.save(update_fields=["text", "signers", "updated_at"])
    log_action("governance.minutes_saved", obj=minutes, by=actor)
    return minutes


@transaction.atomic
def do_finalise_minutes(minutes: Minutes, *, actor: Actor | None = None) -> Minutes:
    minutes = locked(Minutes, minutes)
    if minutes.status == Minutes.Status.FINAL:
        raise ValidationError(_("この議事録は既に確定しています。"))
    minutes.status = Minutes.Status.FINAL
    minutes.finalised_at = timezone.now()
    minutes.save(update_fields=["status", "finalised_at", "updated_at"])
    log_action("governance.minutes_finalised", obj=minutes, by=actor)
    return minutes


@transaction.atomic
def do_reopen_minutes(minutes: Minutes, *, actor: Actor | None = None) -> Minutes:
    """Undo of 確定 (e.g. a signer asks for a correction); a published one is withdrawn first."""
    minutes = locked(Minutes, minutes)
    if minutes.status != Minutes.Status.FINAL:
        raise ValidationError(_("この議事録は確定していません。"))
    minutes.status = Minutes.Status.DRAFT
    minutes.published = False
    minutes.finalised_at = None
    minutes.save(update_fields=["status", "published", "finalised_at", "updated_at"])
    log_action("governance.minutes_reopened", obj=minutes, by=actor)
    return minutes


@transaction.atomic
def do_publish_minutes(minutes: Minutes, *, publish: bool, actor: Actor | None = None) -> Minutes:
    minutes = locked(Minutes, minutes)
    if publish and minutes.status != Minutes.Status.FINAL:
        raise ValidationError(_("公開できるのは確定した議事録だけです。"))
    if publish and not minutes.meeting.body.public_archive:
        raise ValidationError(_("この会議体は議事録を公開しない設定です（会議体の設定で変えられます）。"))
    minutes.published = publish
    minutes.save(update_fields=["published", "updated_at"])
    log_action(
        "governance.minutes_published" if publish else "governance.minutes_unpublished",
        obj=minutes,
        by=actor,
    )
    return minutes


# ---------------------------------------------------------------------------
# Launch planner


@transaction.atomic
def do_create_plan(
    platform: Platform, *, title: str, template: str, start: datetime.date, actor: Actor | None = None
) -> LaunchPlan:
    if template and template not in PLAN_TEMPLATES:
        raise ValidationError(_("ひな形「%(t)s」はありません。") % {"t": template})
    plan = LaunchPlan.objects.create(platform=platform, title=title, template=template)
    for order, (step, owner, months) in enumerate(
        PLAN_TEMPLATES[template]["steps"] if template else [], start=1
    ):
        LaunchStep.objects.create(
            platform=platform,
            plan=plan,
            order=order,
            title=step,
            owner=owner,
            due_on=start + datetime.timedelta(days=30 * months),
        )
    log_action(
        "governance.plan_created",
        platform=platform,
        obj=plan,
        data={"template": template},
        by=actor,
    )
    return plan


@transaction.atomic
def do_save_step(
    plan: LaunchPlan, step: LaunchStep | None, values: dict[str, Any], *, actor: Actor
) -> LaunchStep:
    if step is None:
        order = (plan.steps.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        step = LaunchStep(platform=plan.platform, plan=plan, order=order)
    else:
        step = locked(LaunchStep, step)
    for name, value in values.items():
        setattr(step, name, value)
    step.save()
    log_action(
        "governance.step_saved",
        obj=step,
        data={"changed": sorted(values)},
        by=actor,
    )
    return step


@transaction.atomic
def do_delete_step(step: LaunchStep, *, actor: Actor | None = None) -> None:
    log_action("governance.step_deleted", obj=step, data={"title": step.title}, by=actor)
    step.delete()
