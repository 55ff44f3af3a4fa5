"""Needs and offers, the suggested matches and a match's life: proposed → agreed → delivered → thanked.

A match opens (agreed) only when both organisations have accepted the newest confidentiality
pledge and each has accepted the match; every write is audited, refusals are in Japanese.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from audit.services import log_action
from network import matching
from network.models import Closed, Listing, Match
from network.queries import has_pledged, past_thanked, strengths_of
from network.services.common import platform_of, require_active
from partnership.models import MemberOrganisation
from tsunagari.lib.jiscode import validate_code


def _errors(side: str, kind: str, values: dict[str, Any], *, to_platform: bool) -> dict[str, str]:
    """Every problem of a listing's values, by field, in Japanese."""
    errors: dict[str, str] = {}
    if side not in Listing.Side.values:
        errors["side"] = _("区分はニーズか提供のどちらかです。")
    if kind not in Listing.Kind.values:
        errors["kind"] = _("種類が正しくありません。")
    if not values["title"].strip():
        errors["title"] = _("件名を入力してください。")
    if values["ends_on"] < values["starts_on"]:
        errors["ends_on"] = _("終了日（%(end)s）が開始日（%(start)s）より前です。") % {
            "end": values["ends_on"].isoformat(),
            "start": values["starts_on"].isoformat(),
        }
    if values["quantity"] < 1:
        errors["quantity"] = _("数量は1以上にしてください。")
    if to_platform and side != Listing.Side.OFFER:
        errors["to_platform"] = _("プラットフォームへの寄付（募金）は提供として登録します。")
    try:
        validate_code(values["municipality_code"])
    except ValidationError as error:
        errors["municipality_code"] = " ".join(error.messages)
    return errors


@transaction.atomic
def do_post_listing(
    actor: Actor,
    member: MemberOrganisation,
    *,
    side: str,
    kind: str,
    title: str,
    municipality_code: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    quantity: int,
    unit: str,
    description: str = "",
    to_platform: bool = False,
) -> Listing:
    require_active(member)
    values = {
        "title": title,
        "municipality_code": municipality_code,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "quantity": quantity,
    }
    errors = _errors(side, kind, values, to_platform=to_platform)
    if errors:
        raise ValidationError(errors)
    listing = Listing.objects.create(
        platform=platform_of(actor),
        member=member,
        side=side,
        kind=kind,
        title=title.strip(),
        description=description,
        municipality_code=municipality_code,
        starts_on=starts_on,
        ends_on=ends_on,
        quantity=quantity,
        unit=unit,
        to_platform=to_platform,
    )
    log_action(
        "network.listing_posted",
        by=actor,
        platform=platform_of(actor),
        obj=listing,
        data={"side": side, "kind": kind},
    )
    return listing


LISTING_FIELDS = ("title", "description", "municipality_code", "starts_on", "ends_on", "quantity", "unit")


def _own(listing: Listing, member: MemberOrganisation | None) -> None:
    """Only the listing's organisation (or the secretariat, ``None``) changes it."""
    if member is not None and member.pk != listing.member_id:
        raise ValidationError(_("%(name)s の登録ではありません。") % {"name": member.name})


@transaction.atomic
def do_update_listing(
    actor: Actor,
    listing: Listing,
    member: MemberOrganisation | None,
    *,
    title: str,
    municipality_code: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    quantity: int,
    unit: str,
    description: str = "",
) -> Listing:
    """Its owner changes an open listing (not its side or kind); proposed matches are re-scored."""
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    _own(listing, member)
    require_active(listing.member)
    if not listing.is_open:
        raise ValidationError(
            _("受付を終えた登録（%(reason)s）は変更できません。") % {"reason": listing.state_label}
        )
    values = {
        "title": title.strip(),
        "description": description,
        "municipality_code": municipality_code,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "quantity": quantity,
        "unit": unit,
    }
    errors = _errors(listing.side, listing.kind, values, to_platform=listing.to_platform)
    if errors:
        raise ValidationError(errors)
    changed = sorted(name for name, value in values.items() if getattr(listing, name) != value)
    for name, value in values.items():
        setattr(listing, name, value)
    listing.save()
    for match in Match.objects.filter(
        Q(need=listing) | Q(offer=listing), status=Match.Status.PROPOSED
    ).select_related("need__member", "offer__member"):
        result = matching.score(
            matching.side_of(match.need),
            matching.side_of(match.offer),
            past_thanked(match.offer.member),
            strengths_of(match.offer.member),
        )
        if result is None:  # no longer the same kind of thing or no longer overlapping
            match.status = Match.Status.DECLINED
        else:
            match.score, match.explanation = result.total, [[t, p] for t, p in result.parts]
        match.save()
    log_action(
        "network.listing_updated",
        by=actor,
        platform=platform_of(actor),
        obj=listing,
        data={"fields": changed},
    )
    return listing


@transaction.atomic
def do_withdraw_listing(actor: Actor, listing: Listing, member: MemberOrganisation | None) -> Listing:
    """Its owner withdraws an open listing; its proposed matches end as declined."""
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    _own(listing, member)
    if not listing.is_open:
        raise ValidationError(
            _("この登録は既に受付を終えています（%(reason)s）。") % {"reason": listing.state_label}
        )
    listing.is_open = False
    listing.closed_reason = Closed.WITHDRAWN
    listing.save(update_fields=["is_open", "closed_reason", "updated_at"])
    declined = Match.objects.filter(Q(need=listing) | Q(offer=listing), status=Match.Status.PROPOSED).update(
        status=Match.Status.DECLINED
    )
    log_action(
        "network.listing_withdrawn",
        by=actor,
        platform=platform_of(actor),
        obj=listing,
        data={"matches_declined": declined},
    )
    return listing


@transaction.atomic
def do_propose_match(actor: Actor, need: Listing, offer: Listing) -> Match:
    if need.side != Listing.Side.NEED or offer.side != Listing.Side.OFFER:
        raise ValidationError(_("ニーズと提供の組み合わせではありません。"))
    if not (need.is_open and offer.is_open):
        raise ValidationError(_("受付を終えたニーズ・提供はマッチングできません。"))
    if need.is_expired or offer.is_expired:
        raise ValidationError(_("期限が過ぎたニーズ・提供はマッチングできません。"))
    result = matching.score(
        matching.side_of(need),
        matching.side_of(offer),
        past_thanked(offer.member),
        strengths_of(offer.member),
    )
    if result is None:
        raise ValidationError(_("種類が違うか期間が重ならないため、マッチングできません。"))
    match, created = Match.objects.get_or_create(
        need=need,
        offer=offer,
        defaults={
            "platform": platform_of(actor),
            "score": result.total,
            "explanation": [[text, points] for text, points in result.parts],
        },
    )
    if created:
        log_action(
            "network.match_proposed",
            by=actor,
            platform=platform_of(actor),
            obj=match,
            data={"score": result.total},
        )
    return match


def _require_pledge(member: MemberOrganisation) -> None:
    if not has_pledged(member):
        raise ValidationError(
            _("%(name)s はプラットフォームの守秘義務の誓約（最新版）に同意していません。")
            % {"name": member.name}
        )


def _locked(match: Match) -> Match:
    return Match.objects.select_for_update().select_related("need__member", "offer__member").get(pk=match.pk)


@transaction.atomic
def do_accept_match(actor: Actor, match: Match, member: MemberOrganisation) -> Match:
    """``member`` (one of the two sides) accepts; both accepted → agreed, and both listings close.

    Each side needs the newest pledge."""
    match = _locked(match)
    if match.status != Match.Status.PROPOSED:
        raise ValidationError(
            _("このマッチングは「%(status)s」です。") % {"status": match.get_status_display()}
        )
    if member.pk not in (match.need.member_id, match.offer.member_id):
        raise ValidationError(_("%(name)s はこのマッチングの当事者ではありません。") % {"name": member.name})
    require_active(member)
    _require_pledge(member)
    now = timezone.now()
    if member.pk == match.need.member_id:
        match.need_accepted_at = match.need_accepted_at or now
    if member.pk == match.offer.member_id:
        match.offer_accepted_at = match.offer_accepted_at or now
    if match.need_accepted_at and match.offer_accepted_at:
        # the other side may have withdrawn its pledge acceptance by a new version since
        _require_pledge(match.need.member)
        _require_pledge(match.offer.member)
        match.status = Match.Status.AGREED
        # an agreed pairing takes both out of the suggestions (a partial need is posted again)
        Listing.objects.filter(pk__in=[match.need_id, match.offer_id]).update(
            is_open=False, closed_reason=Closed.MATCHED
        )
    match.save()
    log_action(
        "network.match_accepted",
        by=actor,
        platform=platform_of(actor),
        obj=match,
        data={"member": str(member.uuid), "status": match.status},
    )
    return match


@transaction.atomic
def do_decline_match(actor: Actor, match: Match, member: MemberOrganisation) -> Match:
    match = _locked(match)
    if member.pk not in (match.need.member_id, match.offer.member_id):
        raise ValidationError(_("%(name)s はこのマッチングの当事者ではありません。") % {"name": member.name})
    if match.status not in (Match.Status.PROPOSED, Match.Status.AGREED):
        raise ValidationError(
            _("このマッチングは「%(status)s」です。") % {"status": match.get_status_display()}
        )
    match.status = Match.Status.DECLINED
    match.save(update_fields=["status", "updated_at"])
    log_action(
        "network.match_declined",
        by=actor,
        platform=platform_of(actor),
        obj=match,
        data={"member": str(member.uuid)},
    )
    return match


@transaction.atomic
def do_record_delivery(actor: Actor, match: Match, *, hours: int = 0, goods: int = 0, yen: int = 0) -> Match:
    """What was given (people-hours, goods, yen), counted for the outcomes dashboards."""
    match = _locked(match)
    if match.status != Match.Status.AGREED:
        raise ValidationError(
            _("合意したマッチングだけ提供を記録できます（いまは「%(status)s」）。")
            % {"status": match.get_status_display()}
        )
    if min(hours, goods, yen) < 0 or hours + goods + yen == 0:
        raise ValidationError(_("提供した人・時間、物品の数、金額のいずれかを0より大きく入力してください。"))
    match.given_hours, match.given_goods, match.given_yen = hours, goods, yen
    match.status = Match.Status.DELIVERED
    match.save()
    log_action(
        "network.match_delivered",
        by=actor,
        platform=platform_of(actor),
        obj=match,
        data={"hours": hours, "goods": goods, "yen": yen},
    )
    return match


@transaction.atomic
def do_thank(actor: Actor, match: Match) -> Match:
    match = _locked(match)
    if match.status != Match.Status.DELIVERED:
        raise ValidationError(
            _("提供済みのマッチングだけお礼を記録できます（いまは「%(status)s」）。")
            % {"status": match.get_status_display()}
        )
    match.status = Match.Status.THANKED
    match.save(update_fields=["status", "updated_at"])
    log_action("network.match_thanked", by=actor, platform=platform_of(actor), obj=match)
    return match
