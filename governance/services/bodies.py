"""Bylaws, governing bodies, their rule sets and seats (officers and terms).

Every write is one transaction with an audit entry; refusals raise ValidationError in Japanese.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from audit.services import log_action
from governance import rules
from governance.models import Article, Body, Bylaws, Seat
from governance.services.common import locked, mail
from partnership.models import MemberOrganisation
from platforms.models import Platform


@transaction.atomic
def do_create_bylaws(
    platform: Platform,
    *,
    title: str,
    enacted_on: datetime.date,
    articles: list[tuple[int, str, str]],
    actor: Actor | None = None,
) -> Bylaws:
    """A 規約 with its articles ``(number, heading, text)`` in force from ``enacted_on``."""
    numbers = [n for n, _h, _t in articles]
    if len(set(numbers)) != len(numbers):
        raise ValidationError(_("同じ条番号が二度あります。"))
    bylaws = Bylaws.objects.create(platform=platform, title=title, enacted_on=enacted_on)
    for number, heading, text in articles:
        Article.objects.create(
            platform=platform,
            bylaws=bylaws,
            number=number,
            heading=heading,
            text=text,
            effective_from=enacted_on,
        )
    log_action(
        "governance.bylaws_created",
        platform=platform,
        obj=bylaws,
        data={"articles": len(articles)},
        by=actor,
    )
    return bylaws


@transaction.atomic
def do_amend_article(
    article: Article,
    *,
    text: str,
    heading: str,
    effective_from: datetime.date,
    note: str,
    actor: Actor,
) -> Article:
    """改正: the article in force ends the day before ``effective_from``; the new text follows it."""
    article = locked(Article, article)
    if article.effective_until is not None:
        raise ValidationError(_("この条文は既に改正されています。最新の条文を改正してください。"))
    if effective_from <= article.effective_from:
        raise ValidationError(_("改正の施行日は、今の条文の施行日より後にしてください。"))
    if not note.strip():
        raise ValidationError(_("改正の根拠（議決など）を記録してください。"))
    article.effective_until = effective_from
    article.save(update_fields=["effective_until", "updated_at"])
    new = Article.objects.create(
        platform=article.platform,
        bylaws=article.bylaws,
        number=article.number,
        heading=heading,
        text=text,
        effective_from=effective_from,
        amendment_note=note,
    )
    log_action(
        "governance.article_amended",
        obj=new,
        data={"number": article.number, "effective_from": effective_from.isoformat(), "note": note},
        by=actor,
    )
    return new


@transaction.atomic
def do_create_body(
    platform: Platform,
    *,
    code: str,
    name: str,
    kind: str,
    template: str,
    actor: Actor | None = None,
    **extra: Any,
) -> Body:
    if template not in rules.TEMPLATES:
        raise ValidationError(_("規則のひな形「%(t)s」はありません。") % {"t": template})
    try:
        with transaction.atomic():
            body = Body.objects.create(
                platform=platform,
                code=code,
                name=name,
                kind=kind,
                template=template,
                rules=rules.TEMPLATES[template].to_dict(),
                **extra,
            )
    except IntegrityError as exc:
        raise ValidationError(_("コード「%(code)s」の会議体は既にあります。") % {"code": code}) from exc
    log_action(
        "governance.body_created",
        platform=platform,
        obj=body,
        data={"code": code, "template": template},
        by=actor,
    )
    return body


@transaction.atomic
def do_save_rules(body: Body, ruleset: rules.RuleSet, *, actor: Actor) -> Body:
    body = locked(Body, body)
    before = body.ruleset().to_dict()
    after = ruleset.to_dict()
    body.rules = after
    body.template = next((name for name, t in rules.TEMPLATES.items() if t == ruleset), "custom")
    body.save(update_fields=["rules", "template", "updated_at"])
    changed = sorted(k for k in after if before.get(k) != after[k])
    log_action("governance.rules_changed", obj=body, data={"changed": changed}, by=actor)
    return body


@transaction.atomic
def do_update_body(body: Body, values: dict[str, Any], *, actor: Actor) -> Body:
    body = locked(Body, body)
    for name, value in values.items():
        setattr(body, name, value)
    body.save()
    log_action(
        "governance.body_changed",
        obj=body,
        data={"changed": sorted(values)},
        by=actor,
    )
    return body


@transaction.atomic
def do_add_seat(
    body: Body,
    *,
    member: MemberOrganisation | None,
    name: str,
    email: str,
    role: str,
    office: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    actor: Actor | None = None,
) -> Seat:
    if member is None and not name.strip():
        raise ValidationError(_("会員団体を選ぶか、名称を入力してください。"))
    if member is not None and not member.is_active:
        raise ValidationError(_("%(name)s は会員ではないため構成員にできません。") % {"name": member.name})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError(_("任期の終わりは始まりより後の日付にしてください。"))
    if member is not None:
        overlapping = Seat.objects.filter(body=body, member=member).exclude(ends_on__lt=starts_on)
        if ends_on is not None:
            overlapping = overlapping.filter(starts_on__lte=ends_on)
        if overlapping.exists():
            raise ValidationError(_("%(name)s はこの期間すでに構成員です。") % {"name": member.name})
    seat = Seat.objects.create(
        platform=body.platform,
        body=body,
        member=member,
        name=name.strip() or (member.name if member else ""),
        email=email or (member.email if member else ""),
        role=role,
        office=office,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    log_action(
        "governance.seat_added",
        platform=body.platform,
        obj=seat,
        data={"body": body.code, "role": role, "office": office, "starts_on": starts_on.isoformat()},
        by=actor,
    )
    return seat


@transaction.atomic
def do_end_seat(seat: Seat, *, ends_on: datetime.date, reason: str, actor: Actor | None = None) -> Seat:
    """退任: the seat's term ends on ``ends_on`` (inclusive)."""
    seat = locked(Seat, seat)
    if ends_on < seat.starts_on:
        raise ValidationError(_("任期の終わりは始まりより後の日付にしてください。"))
    if seat.ends_on is not None and seat.ends_on < ends_on:
        raise ValidationError(_("この任期は既に終わっています。"))
    seat.ends_on = ends_on
    seat.end_reason = reason
    seat.save(update_fields=["ends_on", "end_reason", "updated_at"])
    log_action(
        "governance.seat_ended",
        platform=seat.platform,
        obj=seat,
        data={"ends_on": ends_on.isoformat(), "reason": reason},
        by=actor,
    )
    return seat


def do_warn_terms_ending(platform: Platform, *, today: datetime.date, days: int = 30) -> int:
    """Mail the secretariat once about each seat whose term ends within ``days`` (run daily by
    ``governance_tasks``); each seat is marked in the transaction that queues its mail."""
    soon = Seat.objects.filter(
        platform=platform,
        ends_on__gte=today,
        ends_on__lte=today + datetime.timedelta(days=days),
        reminded_on__isnull=True,
    ).select_related("body")
    warned = 0
    for seat in soon:
        with transaction.atomic():
            mail(
                platform,
                platform.contact_email,
                "term_ending",
                {"seat": seat},
                key=f"{seat.uuid}:{seat.ends_on}",
            )
            seat.reminded_on = today
            seat.save(update_fields=["reminded_on", "updated_at"])
        warned += 1
    return warned
