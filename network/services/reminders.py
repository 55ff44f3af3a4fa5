"""Deadline reminders of 助成・補助 information: members' staff who subscribe get a mail
``STAGES`` business days before a grant's deadline (Asia/Tokyo, 土日・祝日・年末年始 skipped).

``do_send_grant_reminders(platform, today)`` runs daily (``manage.py grant_reminders``, in
``operations.schedule``): on a day off it sends nothing (the reminder of that day went out on the
business day before, or goes out on the next one); on a business day it sends, for each grant not
yet past its deadline, the nearest stage that is due. Each mail has the idempotency key of the
grant, the stage and the subscription, so a second run, a retry or a second process sends
nothing twice; a missed run is caught up by the next one (the nearest stage only).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from audit.services import log_action
from network import tokens
from network.models import GrantSubscription, Notice
from network.services.common import platform_of, require_active
from partnership.models import MemberOrganisation
from platforms.models import Platform
from tsunagari.lib import mail
from tsunagari.lib.jpcalendar import business_days_before, is_business_day, wareki_date

STAGES = (5, 1)  # business days before the deadline


def due_stage(deadline: datetime.date, today: datetime.date) -> int | None:
    """The stage to send today for ``deadline`` (the nearest one due), or None."""
    if today > deadline or not is_business_day(today):
        return None
    due = [stage for stage in STAGES if business_days_before(deadline, stage) <= today]
    return min(due) if due else None


MAX_CHOICES = 20


def wants(subscription: GrantSubscription, notice: Notice) -> bool:
    """Whether the person chose ``notice``'s topic and area (none chosen: all; a post without a
    topic or an area is for everyone)."""
    topic_ok = not subscription.topics or not notice.topic or notice.topic in subscription.topics
    area_ok = not subscription.areas or not notice.area or notice.area in subscription.areas
    return topic_ok and area_ok


def _choices(values: list[str] | None, label: str) -> list[str]:
    found: list[str] = []
    for value in values or []:
        value = " ".join(str(value).split())
        if value and value not in found:
            found.append(value)
    if len(found) > MAX_CHOICES or any(len(value) > 60 for value in found):
        raise ValidationError(
            _("%(label)sは60字以内で%(n)s個まで選んでください。") % {"label": label, "n": MAX_CHOICES}
        )
    return found


@transaction.atomic
def do_subscribe_grants(
    actor: Actor,
    member: MemberOrganisation | None,
    *,
    active: bool = True,
    topics: list[str] | None = None,
    areas: list[str] | None = None,
    new_posts: bool | None = None,
) -> GrantSubscription:
    """``actor.user`` turns the mails on (or off): the deadline reminders and, with ``new_posts``,
    each new post; only for the ``topics`` and ``areas`` chosen (``None`` keeps the choice)."""
    if actor.user is None:
        raise ValidationError(_("配信の設定にはログインが必要です。"))
    if member is not None and active:
        require_active(member)
    defaults: dict[str, object] = {"platform": platform_of(actor), "member": member, "active": active}
    if topics is not None:
        defaults["topics"] = _choices(topics, _("分野"))
    if areas is not None:
        defaults["areas"] = _choices(areas, _("地域"))
    if new_posts is not None:
        defaults["new_posts"] = new_posts
    subscription, _created = GrantSubscription.objects.update_or_create(user=actor.user, defaults=defaults)
    log_action(
        "network.grant_reminders_on" if active else "network.grant_reminders_off",
        by=actor,
        platform=platform_of(actor),
        obj=subscription,
        data={
            "topics": subscription.topics,
            "areas": subscription.areas,
            "new_posts": subscription.new_posts,
        },
    )
    return subscription


def queue_new_post(platform: Platform, notice: Notice, *, poster_id: int | None = None) -> int:
    """Mail a new post to the people who asked for new posts of its topic and area (inside the
    posting transaction: a refused post mails nothing); the number of mails queued."""
    subscriptions = (
        GrantSubscription.objects.filter(active=True, new_posts=True, user__is_active=True)
        .select_related("user", "member")
        .order_by("pk")
    )
    url = tokens.site_url(reverse("network:notice", args=[platform.slug, notice.uuid]))
    names = [a.filename for a in notice.attachments.filter(comment=None).only("filename")]
    queued = 0
    for subscription in subscriptions:
        if subscription.member is not None and not subscription.member.is_active:
            continue
        if subscription.user_id == poster_id or (
            notice.author_id is not None and subscription.member_id == notice.author_id
        ):
            continue  # not to the one who posted, nor to the author's own staff
        if not wants(subscription, notice):
            continue
        link = tokens.subscription_unsubscribe_url(platform, subscription)
        mail.queue_template(
            "network/email/new_post",
            {
                "notice": notice,
                "platform": platform,
                "user_name": subscription.user.name or subscription.user.email,
                "url": url,
                "files": names,
                "unsubscribe": link,
            },
            to=[subscription.user.email],
            platform=platform,
            key=f"network.new_post:{notice.uuid}:{subscription.uuid}",
            kind="network.new_post",
            headers={"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        )
        queued += 1
    return queued


@transaction.atomic
def do_unsubscribe_by_link(subscription: GrantSubscription) -> bool:
    """The link in a reminder (no login): False if it was off already."""
    subscription = GrantSubscription.objects.select_for_update().get(pk=subscription.pk)
    if not subscription.active:
        return False
    subscription.active = False
    subscription.save(update_fields=["active", "updated_at"])
    log_action("network.grant_reminders_off", platform=subscription.platform, obj=subscription)
    return True


def do_send_grant_reminders(platform: Platform, today: datetime.date | None = None) -> int:
    """Queue today's reminders (inside the platform's scope); the number of mails queued."""
    today = today or timezone.localdate()
    if not is_business_day(today):
        return 0
    horizon = today + datetime.timedelta(days=31)
    grants = Notice.objects.filter(
        kind=Notice.Kind.GRANT, deadline__gte=today, deadline__lte=horizon, withdrawn_at__isnull=True
    )
    subscriptions = list(
        GrantSubscription.objects.filter(active=True, user__is_active=True).select_related("user", "member")
    )
    subscriptions = [s for s in subscriptions if s.member is None or s.member.is_active]
    everyone = subscriptions
    queued = 0
    board = tokens.site_url(reverse("network:index", args=[platform.slug]))
    for notice in grants:
        assert notice.deadline is not None
        stage = due_stage(notice.deadline, today)
        if stage is None:
            continue
        days_left = (notice.deadline - today).days
        subscriptions = [s for s in everyone if wants(s, notice)]  # only those who chose its topic and area
        keys = {s.pk: f"network.grant_reminder:{notice.uuid}:{stage}:{s.uuid}" for s in subscriptions}
        with transaction.atomic():
            done = set(mail.OutboxMail.objects.filter(key__in=keys.values()).values_list("key", flat=True))
            todo = [s for s in subscriptions if keys[s.pk] not in done]
            for subscription in todo:
                key = keys[subscription.pk]
                link = tokens.subscription_unsubscribe_url(platform, subscription)
                mail.queue_template(
                    "network/email/grant_reminder",
                    {
                        "notice": notice,
                        "platform": platform,
                        "user_name": subscription.user.name or subscription.user.email,
                        "days_left": days_left,
                        "deadline_wareki": wareki_date(notice.deadline),
                        "board_url": board,
                        "unsubscribe": link,
                    },
                    to=[subscription.user.email],
                    platform=platform,
                    key=key,
                    kind="network.grant_reminder",
                    headers={
                        "List-Unsubscribe": f"<{link}>",
                        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    },
                )
            if todo:
                log_action(
                    "network.grant_reminders_sent",
                    platform=platform,
                    obj=notice,
                    data={"stage": stage, "mails": len(todo)},
                    label="scheduler",
                )
            queued += len(todo)
    return queued
