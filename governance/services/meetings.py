"""Meetings: convocation, responses (出欠・委任・電子メール表決), check-in, votes and decisions.

The rule engine (governance/rules.py) decides; what it refuses is refused here too, with the
article, and never stored. A passed item that the bylaws attach to membership (除名, 幹事団体の
選出・退会) takes effect through partnership's services in the same transaction.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from audit.services import log_action
from governance import rules
from governance.models import AgendaItem, Body, ItemKind, Meeting, Response, Seat, Vote
from governance.queries import meeting_input, seat_names, seats_on, voting_seats
from governance.services.bodies import do_add_seat, do_end_seat
from governance.services.common import locked, mail, refuse, user_of
from governance.signing import RESPONSE_SALT, absolute, sign
from partnership.models import Expulsion, MemberOrganisation, MemberTier
from partnership.services import lifecycle


def _articles(values: tuple[str, ...]) -> str:
    return "、".join(values)


def _require_open(meeting: Meeting) -> None:
    if meeting.status in (Meeting.Status.HELD, Meeting.Status.CANCELLED):
        raise ValidationError(
            _("この会議は「%(status)s」のため変更できません。") % {"status": meeting.get_status_display()}
        )


@transaction.atomic
def do_create_meeting(body: Body, *, actor: Actor | None = None, **values: Any) -> Meeting:
    if not values.get("number"):
        last = Meeting.objects.filter(body=body).order_by("-number").first()
        values["number"] = (last.number + 1) if last else 1
    chair = values.get("chair")
    if chair is not None and chair.body_id != body.pk:
        raise ValidationError(_("議長はこの会議体の構成員から選んでください。"))
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(platform=body.platform, body=body, **values)
    except IntegrityError as exc:
        raise ValidationError(_("第%(n)s回の会議は既にあります。") % {"n": values["number"]}) from exc
    log_action(
        "governance.meeting_created",
        platform=body.platform,
        obj=meeting,
        data={"body": body.code, "number": meeting.number, "starts_at": meeting.starts_at.isoformat()},
        by=actor,
    )
    return meeting


@transaction.atomic
def do_update_meeting(meeting: Meeting, values: dict[str, Any], *, actor: Actor | None = None) -> Meeting:
    meeting = locked(Meeting, meeting)
    _require_open(meeting)
    chair = values.get("chair")
    if chair is not None and chair.body_id != meeting.body_id:
        raise ValidationError(_("議長はこの会議体の構成員から選んでください。"))
    for name, value in values.items():
        setattr(meeting, name, value)
    meeting.save()
    log_action(
        "governance.meeting_changed",
        obj=meeting,
        data={"changed": sorted(values)},
        by=actor,
    )
    return meeting


@transaction.atomic
def do_add_item(
    meeting: Meeting,
    *,
    code: str,
    title: str,
    description: str = "",
    kind: str = ItemKind.GENERAL,
    notified: bool = True,
    expulsion: Expulsion | None = None,
    target_member: MemberOrganisation | None = None,
    counted: bool = False,
    actor: Actor | None = None,
) -> AgendaItem:
    meeting = locked(Meeting, meeting)
    _require_open(meeting)
    ruleset = meeting.body.ruleset()
    if meeting.status != Meeting.Status.DRAFT and notified:
        # Added after the convocation went out: not notified in advance (第13条3).
        notified = False
    if kind == ItemKind.EXPULSION:
        if expulsion is None:
            raise ValidationError(_("除名の議案には、除名の手続（弁明の機会の通知済み）を選んでください。"))
        if expulsion.status != Expulsion.Status.HEARING or expulsion.hearing_notified_on is None:
            raise refuse(
                _("弁明の機会を通知していない団体の除名は議案にできません"),
                _articles(ruleset.expulsion_articles),
            )
        target_member = expulsion.organisation
    if kind in (ItemKind.OFFICER_ELECTION, ItemKind.OFFICER_WITHDRAWAL) and target_member is None:
        raise ValidationError(_("幹事団体の選出・退会の議案には、対象の団体を選んでください。"))
    order = (meeting.items.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    try:
        with transaction.atomic():
            item = AgendaItem.objects.create(
                platform=meeting.platform,
                meeting=meeting,
                code=code,
                order=order,
                title=title,
                description=description,
                kind=kind,
                notified=notified,
                expulsion=expulsion if kind == ItemKind.EXPULSION else None,
                target_member=target_member,
                counted=counted,
            )
    except IntegrityError as exc:
        raise ValidationError(_("議案番号「%(code)s」は既にあります。") % {"code": code}) from exc
    log_action(
        "governance.item_added",
        platform=meeting.platform,
        obj=item,
        data={"meeting": str(meeting.uuid), "code": code, "kind": kind, "notified": notified},
        by=actor,
    )
    return item


@transaction.atomic
def do_remove_item(item: AgendaItem, *, actor: Actor | None = None) -> None:
    meeting = locked(Meeting, item.meeting)
    _require_open(meeting)
    if item.passed is not None:
        raise ValidationError(_("議決した議案は削除できません。"))
    log_action("governance.item_removed", obj=item, data={"code": item.code}, by=actor)
    item.delete()


@transaction.atomic
def do_convene(meeting: Meeting, *, actor: Actor | None = None) -> int:
    """招集: a response row and a mail with a signed response link for every seat not yet invited."""
    meeting = locked(Meeting, meeting)
    _require_open(meeting)
    if not meeting.items.exists():
        raise ValidationError(_("議案がありません。議案を登録してから招集してください。"))
    now = timezone.now()
    sent = 0
    items = list(meeting.items.all())
    for seat in seats_on(meeting.body, meeting.day):
        response, _created = Response.objects.get_or_create(
            meeting=meeting, seat=seat, defaults={"platform": meeting.platform}
        )
        if response.invited_at is not None:
            continue
        response.invited_at = now
        response.save(update_fields=["invited_at", "updated_at"])
        link = absolute("governance:respond", meeting.platform.slug, sign(str(response.uuid), RESPONSE_SALT))
        mail(
            meeting.platform,
            seat.email,
            "convocation",
            {"meeting": meeting, "seat": seat, "items": items, "link": link, "rules": meeting.body.ruleset()},
            key=str(response.uuid),
        )
        sent += 1
    if meeting.status == Meeting.Status.DRAFT:
        meeting.status = Meeting.Status.CONVENED
        meeting.convened_at = now
        meeting.save(update_fields=["status", "convened_at", "updated_at"])
    log_action(
        "governance.meeting_convened",
        obj=meeting,
        data={"invited": sent},
        by=actor,
    )
    return sent


def _response(meeting: Meeting, seat: Seat) -> Response:
    response, _created = Response.objects.get_or_create(
        meeting=meeting, seat=seat, defaults={"platform": meeting.platform}
    )
    return locked(Response, response)


@transaction.atomic
def do_respond(
    response: Response,
    *,
    mode: str,
    proxy_to: Seat | None = None,
    proxy_items: list[str] | None = None,
    email_votes: dict[str, str] | None = None,
    comment: str = "",
    actor: Actor | None = None,
) -> Response:
    """The seat's answer; proxies and e-mail votes checked against the bylaws before they are kept."""
    response = locked(Response, response)
    meeting = locked(Meeting, response.meeting)
    _require_open(meeting)
    if meeting.status == Meeting.Status.DRAFT:
        raise ValidationError(_("まだ招集されていない会議です。"))
    ruleset = meeting.body.ruleset()
    seat = response.seat
    items = {i.code: i for i in meeting.items.all() if i.needs_vote}
    proxy_items = list(proxy_items or [])
    email_votes = dict(email_votes or {})
    voting = seat.role == Seat.Role.VOTING
    if mode in (Response.Mode.PROXY, Response.Mode.EMAIL) and not voting:
        raise ValidationError(_("オブザーバーには議決権がないため、委任や表決はできません。"))
    if mode == Response.Mode.PROXY:
        if not ruleset.proxies_allowed:
            raise refuse(_("表決の委任は規約で認められていません"), _articles(ruleset.proxy_articles))
        members = {s.pk for s in voting_seats(meeting.body, meeting.day)}
        if proxy_to is None or proxy_to.pk not in members or proxy_to.pk == seat.pk:
            raise refuse(
                _("委任先は、出席するほかの構成員から選んでください"), _articles(ruleset.proxy_articles)
            )
        holder = Response.objects.filter(meeting=meeting, seat=proxy_to).first()
        if (
            ruleset.proxy_holder_must_attend
            and holder is not None
            and holder.mode
            in (
                Response.Mode.PROXY,
                Response.Mode.EMAIL,
                Response.Mode.ABSENT,
            )
        ):
            raise refuse(
                _("%(name)s は欠席と回答しているため委任先にできません") % {"name": proxy_to.name},
                _articles(ruleset.proxy_articles),
            )
        if not proxy_items:
            raise ValidationError(_("委任する議案を選んでください。"))
        for code in proxy_items:
            if code not in items:
                raise ValidationError(_("議案「%(code)s」はこの会議にありません。") % {"code": code})
            if ruleset.proxies_only_notified and not items[code].notified:
                raise refuse(
                    _("議案「%(code)s」は事前に通知されていないため委任できません") % {"code": code},
                    _articles(ruleset.proxy_articles),
                )
        email_votes = {}
    elif mode == Response.Mode.EMAIL:
        if not ruleset.email_votes_allowed:
            raise refuse(
                _("電子メールによる表決は規約で認められていません"), _articles(ruleset.email_articles)
            )
        email_votes = {code: choice for code, choice in email_votes.items() if choice}
        if not email_votes:
            raise ValidationError(_("少なくとも一つの議案に賛否を選んでください。"))
        for code, choice in email_votes.items():
            if code not in items:
                raise ValidationError(_("議案「%(code)s」はこの会議にありません。") % {"code": code})
            if choice not in rules.CHOICES:
                raise ValidationError(_("賛否は賛成・反対・棄権から選んでください。"))
        proxy_to, proxy_items = None, []
    else:
        proxy_to, proxy_items, email_votes = None, [], {}
    response.mode = mode
    response.proxy_to = proxy_to
    response.proxy_items = proxy_items
    response.email_votes = email_votes
    response.comment = comment
    response.responded_at = timezone.now()
    response.save()
    log_action(
        "governance.responded",
        platform=meeting.platform,
        obj=response,
        data={
            "meeting": str(meeting.uuid),
            "seat": str(seat.uuid),
            "mode": mode,
            "proxy_to": str(proxy_to.uuid) if proxy_to else None,
            "proxy_items": proxy_items,
            "email_votes": email_votes,
        },
        by=actor,
        label=seat.name if user_of(actor) is None else "",
    )
    return response


@transaction.atomic
def do_check_in(meeting: Meeting, seat: Seat, *, actor: Actor, online: bool = False) -> Response:
    """受付: the seat is present (in the room or online) from now on."""
    meeting = locked(Meeting, meeting)
    _require_open(meeting)
    if seat.body_id != meeting.body_id:
        raise ValidationError(_("この会議体の構成員ではありません。"))
    response = _response(meeting, seat)
    response.checked_in_at = timezone.now()
    if response.mode in (Response.Mode.NONE, Response.Mode.ABSENT, Response.Mode.PROXY, Response.Mode.EMAIL):
        # Present after all: a proxy or e-mail vote given earlier no longer counts (they vote here).
        response.mode = Response.Mode.ONLINE if online else Response.Mode.IN_PERSON
    response.save()
    log_action(
        "governance.checked_in",
        obj=response,
        data={"meeting": str(meeting.uuid), "seat": str(seat.uuid), "online": online},
        by=actor,
    )
    return response


@transaction.atomic
def do_undo_check_in(meeting: Meeting, seat: Seat, *, actor: Actor | None = None) -> Response:
    meeting = locked(Meeting, meeting)
    _require_open(meeting)
    response = _response(meeting, seat)
    if response.checked_in_at is None:
        raise ValidationError(_("受付されていません。"))
    if Vote.objects.filter(item__meeting=meeting, seat=seat).exists():
        raise ValidationError(
            _("既に表決が記録されているため、受付を取り消せません。先に表決を取り消してください。")
        )
    response.checked_in_at = None
    response.save(update_fields=["checked_in_at", "updated_at"])
    log_action(
        "governance.check_in_undone",
        obj=response,
        data={"meeting": str(meeting.uuid), "seat": str(seat.uuid)},
        by=actor,
    )
    return response


def _refusals_for(verdict: dict[str, Any], code: str, names: dict[str, str]) -> list[str]:
    """The refusals about ``code``'s votes, with seat ids replaced by names."""
    rows = []
    for row in verdict["refused"]:
        if f"議案 {code}" not in row["what"]:
            continue
        text = row["what"]
        for ref, name in names.items():
            text = text.replace(ref, name)
        rows.append(f"{text}（{row['article']}）")
    return rows


@transaction.atomic
def do_record_votes(
    item: AgendaItem,
    *,
    named: dict[Seat, str] | None = None,
    counts: tuple[int, int, int] | None = None,
    actor: Actor | None = None,
) -> dict[str, Any]:
    """Record the votes on ``item`` (named, or counted by a show of hands) and return the verdict.

    Every vote the bylaws refuse (the chair's, someone absent without a valid proxy, a member
    who voted by e-mail …) is refused with its article, and nothing is stored.
    """
    item = locked(AgendaItem, item)
    meeting = locked(Meeting, item.meeting)
    _require_open(meeting)
    if item.passed is not None:
        raise ValidationError(_("この議案は議決済みです。記録を直すには、先に議決を取り消してください。"))
    if not item.needs_vote:
        raise ValidationError(_("報告事項は表決しません。"))
    data = meeting_input(meeting, with_votes=False)
    if counts is not None:
        yes, no, abstain = counts
        data["votes"] = {item.code: {rules.YES: yes, rules.NO: no, rules.ABSTAIN: abstain}}
    else:
        listing: dict[str, list[str]] = {c: [] for c in rules.CHOICES}
        for seat, choice in (named or {}).items():
            if choice:
                listing[choice].append(seat.ref)
        data["votes"] = {item.code: listing}
    verdict = rules.simulate(meeting.body.ruleset(), data)
    refusals = _refusals_for(verdict, item.code, seat_names(meeting.body))
    if refusals:
        raise ValidationError(refusals)
    if counts is not None:
        item.counted = True
        item.counted_yes, item.counted_no, item.counted_abstain = counts
        item.save(update_fields=["counted", "counted_yes", "counted_no", "counted_abstain", "updated_at"])
        Vote.objects.filter(item=item).delete()
    else:
        Vote.objects.filter(item=item).delete()
        for seat, choice in (named or {}).items():
            if choice:
                Vote.objects.create(platform=meeting.platform, item=item, seat=seat, choice=choice)
        item.counted = False
        item.save(update_fields=["counted", "updated_at"])
    result = verdict["items"][item.code]
    log_action(
        "governance.votes_recorded",
        obj=item,
        data={
            "meeting": str(meeting.uuid),
            "code": item.code,
            "counted": counts is not None,
            "yes": result["yes"],
            "no": result["no"],
            "abstain": result["abstain"],
            "named": {s.ref: c for s, c in (named or {}).items() if c},
        },
        by=actor,
    )
    return verdict


@transaction.atomic
def do_decide_item(
    item: AgendaItem,
    *,
    hearing_record: str = "",
    no_hearing: bool = False,
    actor: Actor | None = None,
) -> AgendaItem:
    """The engine's verdict on ``item`` is stored with its rule and articles; membership follows."""
    item = locked(AgendaItem, item)
    meeting = locked(Meeting, item.meeting)
    _require_open(meeting)
    if item.passed is not None:
        raise ValidationError(_("この議案は議決済みです。"))
    if not item.needs_vote:
        raise ValidationError(_("報告事項は議決しません。"))
    ruleset = meeting.body.ruleset()
    verdict = rules.simulate(ruleset, meeting_input(meeting))
    result = verdict["items"][item.code]
    item.passed = bool(result["passed"])
    item.verdict = {
        **result,
        "quorum": verdict["quorum"],
        "rule": {
            "name": ruleset.name,
            "decision": ruleset.decision.label(),
            "base": ruleset.decision_base,
            "chair": ruleset.chair,
        },
    }
    item.decided_at = timezone.now()
    item.decided_by = user_of(actor)
    item.save(update_fields=["passed", "verdict", "decided_at", "decided_by", "updated_at"])
    log_action(
        "governance.item_decided",
        obj=item,
        data={"code": item.code, "passed": item.passed, "yes": result["yes"], "required": result["required"]},
        by=actor,
    )
    if item.passed:
        _take_effect(item, meeting, hearing_record=hearing_record, no_hearing=no_hearing, actor=actor)
    return item


def resolution_label(meeting: Meeting, item: AgendaItem) -> str:
    return _("%(body)s 第%(n)s回（%(date)s）%(code)s 議決") % {
        "body": meeting.body.name,
        "n": meeting.number,
        "date": meeting.day.isoformat(),
        "code": item.code,
    }


def _take_effect(
    item: AgendaItem, meeting: Meeting, *, hearing_record: str, no_hearing: bool, actor: Actor | None
) -> None:
    day = meeting.day
    if item.kind not in (ItemKind.EXPULSION, ItemKind.OFFICER_ELECTION, ItemKind.OFFICER_WITHDRAWAL):
        return
    if actor is None:
        raise ValidationError(_("会員の身分が変わる議決は、事務局の画面から記録してください。"))
    if item.kind == ItemKind.EXPULSION and item.expulsion is not None:
        lifecycle.do_decide_expulsion(
            item.expulsion,
            no_hearing=no_hearing,
            hearing_record=hearing_record,
            resolution=resolution_label(meeting, item),
            decided_on=max(day, timezone.localdate()),
            actor=actor,
        )
    elif item.kind == ItemKind.OFFICER_ELECTION and item.target_member is not None:
        apply_officer_election(meeting.body, item.target_member, day, actor=actor)
    elif item.kind == ItemKind.OFFICER_WITHDRAWAL and item.target_member is not None:
        apply_officer_withdrawal(meeting.body, item.target_member, day, actor=actor)


def apply_officer_election(
    body: Body, member: MemberOrganisation, day: datetime.date, *, actor: Actor | None
) -> None:
    """幹事団体の選出 (Gifu 第10条2): a voting seat from ``day`` and the steering tier."""
    if not Seat.objects.filter(body=body, member=member).exclude(ends_on__lt=day).exists():
        do_add_seat(
            body,
            member=member,
            name="",
            email="",
            role=Seat.Role.VOTING,
            office="",
            starts_on=day,
            ends_on=None,
            actor=actor,
        )
    tier = MemberTier.objects.filter(can_recommend=True).order_by("order").first()
    if tier is not None and member.tier_id != tier.pk:
        lifecycle.do_change_tier(
            member, tier, actor=actor or Actor(user=None, role=None, platform=body.platform)
        )


def apply_officer_withdrawal(
    body: Body, member: MemberOrganisation, day: datetime.date, *, actor: Actor | None
) -> None:
    for seat in Seat.objects.filter(body=body, member=member).exclude(ends_on__lt=day):
        do_end_seat(seat, ends_on=day, reason=_("幹事団体の退会（議決）"), actor=actor)
    tier = MemberTier.objects.filter(is_default=True).first()
    if tier is not None and member.tier_id != tier.pk:
        lifecycle.do_change_tier(
            member, tier, actor=actor or Actor(user=None, role=None, platform=body.platform)
        )


@transaction.atomic
def do_undo_decision(item: AgendaItem, *, actor: Actor | None = None) -> AgendaItem:
    """取消し of a recorded decision, where nothing followed from it (no membership change)."""
    item = locked(AgendaItem, item)
    meeting = locked(Meeting, item.meeting)
    _require_open(meeting)
    if item.passed is None:
        raise ValidationError(_("まだ議決されていません。"))
    if item.passed and item.kind in (
        ItemKind.EXPULSION,
        ItemKind.OFFICER_ELECTION,
        ItemKind.OFFICER_WITHDRAWAL,
    ):
        raise ValidationError(_("会員の身分が変わった議決は取り消せません。新たな議案で議決してください。"))
    before = item.passed
    item.passed = None
    item.verdict = {}
    item.decided_at = None
    item.decided_by = None
    item.save(update_fields=["passed", "verdict", "decided_at", "decided_by", "updated_at"])
    log_action("governance.decision_undone", obj=item, data={"was": before}, by=actor)
    return item


@transaction.atomic
def do_close_meeting(meeting: Meeting, *, actor: Actor | None = None) -> Meeting:
    """閉会: the record is closed (responses, check-ins and votes can no longer change)."""
    meeting = locked(Meeting, meeting)
    _require_open(meeting)
    undecided = [i.code for i in meeting.items.all() if i.needs_vote and i.passed is None]
    if undecided:
        raise ValidationError(_("議決していない議案があります: %(codes)s") % {"codes": "、".join(undecided)})
    meeting.status = Meeting.Status.HELD
    meeting.held_at = timezone.now()
    meeting.save(update_fields=["status", "held_at", "updated_at"])
    log_action("governance.meeting_closed", obj=meeting, by=actor)
    return meeting


@transaction.atomic
def do_cancel_meeting(meeting: Meeting, *, reason: str, actor: Actor) -> Meeting:
    meeting = locked(Meeting, meeting)
    _require_open(meeting)
    if meeting.items.filter(passed__isnull=False).exists():
        raise ValidationError(_("議決済みの議案がある会議は中止できません。"))
    meeting.status = Meeting.Status.CANCELLED
    meeting.save(update_fields=["status", "updated_at"])
    log_action(
        "governance.meeting_cancelled",
        obj=meeting,
        data={"reason": reason},
        by=actor,
    )
    for response in meeting.responses.select_related("seat").exclude(invited_at=None):
        mail(
            meeting.platform,
            response.seat.email,
            "cancelled",
            {"meeting": meeting, "reason": reason},
            key=str(response.uuid),
        )
    return meeting
