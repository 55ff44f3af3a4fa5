"""The consultation desk's blocks on each role's home (platforms.homes).

Nothing here shows what a person said: a conversation is its pseudonym (相談者 A7K2), whether it
is urgent and how long the person has waited; a referral is its receiver and its due date.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations.desks import today_spans
from consultations.hours import Schedule
from consultations.models import AWAITING_RESPONSE_STATUSES, Conversation, Referral
from platforms.homes import Block, Line
from platforms.models import Platform

SHOWN = 8


def waited(since: datetime.datetime | None, now: datetime.datetime) -> str:
    """「12分待ち」「3時間待ち」「2日待ち」: how long the person's last message has waited."""
    if since is None:
        return ""
    minutes = max(int((now - since).total_seconds() // 60), 0)
    if minutes < 60:
        return _("%(n)d分待ち") % {"n": minutes}
    if minutes < 48 * 60:
        return _("%(n)d時間待ち") % {"n": minutes // 60}
    return _("%(n)d日待ち") % {"n": minutes // (24 * 60)}


def due(referral: Referral, today: datetime.date) -> str:
    day = referral.due_on
    if referral.status in AWAITING_RESPONSE_STATUSES and day < today:
        return _("期限超過（%(m)d月%(d)d日まで）") % {"m": day.month, "d": day.day}
    return _("期限 %(m)d月%(d)d日") % {"m": day.month, "d": day.day}


def _receiver(referral: Referral) -> str:
    if referral.receiver_member is not None:
        return referral.receiver_member.name
    if referral.receiver_service is not None:
        return referral.receiver_service.name
    return str(_("事務局で紹介先を選定中"))


def _referral_lines(
    referrals: list[Referral], platform: Platform, today: datetime.date, *, who: str
) -> list[Line]:
    return [
        Line(
            referral.subject_label if who == "person" else _receiver(referral),
            url=reverse("consultations:referral", args=[platform.slug, referral.uuid]),
            note=f"{referral.get_status_display()}・{due(referral, today)}",
            urgent=referral.is_overdue(today),
        )
        for referral in referrals
    ]


def consultations_home(platform: Platform, role: Any, now: datetime.datetime) -> Iterator[Block]:
    slug = platform.slug
    today = timezone.localdate(now)
    if role.kind == "counsellor":
        yield from _counsellor(platform, now, today)
    elif role.is_secretariat:
        counts = Conversation.objects.active().aggregate(urgent=Count("pk", filter=Q(urgent=True)))
        overdue = Referral.objects.overdue(today).count()
        yield Block(
            _("緊急の相談"),
            count=counts["urgent"],
            url=reverse("consultations:inbox", args=[slug]) + "?urgent=on",
            urgent=True,
            order=5,
        )
        yield Block(
            _("期限を過ぎた紹介"),
            count=overdue,
            url=reverse("consultations:referrals", args=[slug]) + "?show=overdue",
            urgent=True,
            order=6,
        )
    elif role.kind == "member_staff" and role.organisation_id:
        yield _referrals_block(
            Referral.objects.for_member(role.organisation_id).open(),
            _("届いた紹介（応答期限順）"),
            platform,
            today,
            who="person",
            empty=_("対応中の紹介はありません。"),
            order=10,
        )
    elif role.kind == "viewer":
        start = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        opened = Conversation.objects.filter(opened_at__gte=start).count()
        yield Block(
            _("今月の相談件数"), count=opened, url=reverse("consultations:report", args=[slug]), order=30
        )


def _referrals_block(
    referrals: QuerySet[Referral],
    title: str,
    platform: Platform,
    today: datetime.date,
    *,
    who: str,
    empty: str,
    order: int,
) -> Block:
    """The first SHOWN of ``referrals`` by due date, urgent when one of them is overdue, with a link
    to the referrals page (and "more" when there are more)."""
    shown = list(
        referrals.select_related("receiver_member", "receiver_service", "conversation__consulter").order_by(
            "due_on"
        )[: SHOWN + 1]
    )
    url = reverse("consultations:referrals", args=[platform.slug])
    return Block(
        title,
        count=len(shown) if len(shown) <= SHOWN else None,
        url=url,
        lines=_referral_lines(shown[:SHOWN], platform, today, who=who),
        empty=empty,
        urgent=any(r.is_overdue(today) for r in shown),
        order=order,
        more=url if len(shown) > SHOWN else "",
    )


def _counsellor(platform: Platform, now: datetime.datetime, today: datetime.date) -> Iterator[Block]:
    slug = platform.slug
    inbox = reverse("consultations:inbox", args=[slug])
    active = Conversation.objects.active()
    counts = active.aggregate(total=Count("pk"), urgent=Count("pk", filter=Q(urgent=True)))
    # The person spoke last: urgent first, then whoever has waited longest.
    waiting = list(
        active.filter(
            Q(urgent=True) | Q(last_inbound_at__isnull=False, last_inbound_at__gte=F("last_message_at"))
        )
        .select_related("consulter")
        .order_by("-urgent", F("last_inbound_at").asc(nulls_last=True))[:SHOWN]
    )
    yield Block(
        _("相談受付箱（緊急・待ち時間の長い順）"),
        count=counts["total"],
        url=inbox,
        lines=[
            Line(
                str(conversation.consulter),
                url=reverse("consultations:conversation", args=[slug, conversation.uuid]),
                note=" ・".join(
                    part
                    for part in (
                        str(_("緊急")) if conversation.urgent else "",
                        waited(conversation.last_inbound_at, now),
                    )
                    if part
                ),
                urgent=conversation.urgent,
            )
            for conversation in waiting
        ],
        empty=_("返信を待っている相談はありません。"),
        urgent=bool(counts["urgent"]),
        order=10,
        more=inbox if counts["total"] > len(waiting) else "",
    )
    yield _referrals_block(
        Referral.objects.filter(status__in=AWAITING_RESPONSE_STATUSES),
        _("応答待ち・期限超過の紹介"),
        platform,
        today,
        who="receiver",
        empty=_("応答待ちの紹介はありません。"),
        order=20,
    )
    yield Block(
        _("今日の対応時間"),
        note=today_spans(Schedule.for_platform(platform), now) or _("今日は相談員の対応はありません"),
        order=30,
    )
