"""Reads of the governance app: bodies, seats on a day, meetings and their evaluation input."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django_scopes import scopes_disabled

from governance import rules
from governance.models import (
    AgendaItem,
    Ballot,
    Body,
    ItemKind,
    LaunchPlan,
    Meeting,
    Minutes,
    Response,
    Seat,
    Vote,
    WrittenResolution,
)
from platforms.models import Platform


def body_by_code(code: str) -> Body | None:
    return Body.objects.filter(code=code).first()


def bodies() -> QuerySet[Body]:
    return Body.objects.select_related("parent", "bylaws").order_by("kind", "name")


def seats_on(body: Body, day: datetime.date | None = None) -> list[Seat]:
    """The seats of ``body`` on ``day`` (today by default), voting members first."""
    day = day or timezone.localdate()
    seats = (
        Seat.objects.filter(body=body, starts_on__lte=day).exclude(ends_on__lt=day).select_related("member")
    )
    return sorted(seats, key=lambda s: (s.role != Seat.Role.VOTING, s.office == "", s.name))


def voting_seats(body: Body, day: datetime.date | None = None) -> list[Seat]:
    return [s for s in seats_on(body, day) if s.role == Seat.Role.VOTING]


def voting_seat_ids(body: Body, day: datetime.date | None = None) -> list[str]:
    return [s.ref for s in voting_seats(body, day)]


def meeting_items(meeting: Meeting) -> list[AgendaItem]:
    return list(
        meeting.items.prefetch_related(Prefetch("votes", queryset=Vote.objects.select_related("seat")))
    )


def responses_by_seat(meeting: Meeting) -> dict[int, Response]:
    return {r.seat_id: r for r in meeting.responses.select_related("seat", "proxy_to")}


def meeting_input(meeting: Meeting, *, with_votes: bool = True, expected: bool = False) -> dict[str, Any]:
    """The rule engine's input for ``meeting`` from what is recorded (seat uuids as ids).

    Attendees are the voting seats checked in on the day; with ``expected``, before the day,
    those who answered that they attend (in person or online) stand in for them.
    """
    seats = voting_seats(meeting.body, meeting.day)
    responses = responses_by_seat(meeting)
    items = [i for i in meeting_items(meeting) if i.needs_vote]
    attending = (Response.Mode.IN_PERSON, Response.Mode.ONLINE)

    def attends(r: Response | None) -> bool:
        if r is None:
            return False
        return r.checked_in_at is not None or (expected and r.mode in attending)

    attendees = [s.ref for s in seats if attends(responses.get(s.pk))]
    absent = {r.seat_id for r in responses.values() if not attends(r)}
    proxies = [
        {"from": r.seat.ref, "to": r.proxy_to.ref, "items": list(r.proxy_items)}
        for r in responses.values()
        if r.mode == Response.Mode.PROXY and r.proxy_to is not None and r.seat_id in absent
    ]
    email_votes = {
        r.seat.ref: dict(r.email_votes)
        for r in responses.values()
        if r.mode == Response.Mode.EMAIL and r.email_votes and r.seat_id in absent
    }
    votes: dict[str, Any] = {}
    if with_votes:
        for item in items:
            if item.counted:
                if item.counted_yes is not None:
                    votes[item.code] = {
                        rules.YES: item.counted_yes,
                        rules.NO: item.counted_no or 0,
                        rules.ABSTAIN: item.counted_abstain or 0,
                    }
                continue
            named: dict[str, list[str]] = {rules.YES: [], rules.NO: [], rules.ABSTAIN: []}
            for vote in item.votes.all():
                named[vote.choice].append(vote.seat.ref)
            if any(named.values()):
                votes[item.code] = named
    chair = meeting.chair.ref if meeting.chair is not None else None
    return {
        "members": [s.ref for s in seats],
        "chair": chair,
        "items": [{"code": i.code, "notified": i.notified} for i in items],
        "attendees": attendees,
        "proxies": proxies,
        "email_votes": email_votes,
        "votes": votes,
    }


def evaluate_meeting(meeting: Meeting) -> dict[str, Any]:
    return rules.simulate(meeting.body.ruleset(), meeting_input(meeting))


def seat_names(body: Body) -> dict[str, str]:
    """uuid -> name of every seat the body ever had (to show refusals by name)."""
    return {str(s.uuid): s.name for s in Seat.objects.filter(body=body)}


def meetings(body: Body | None = None) -> QuerySet[Meeting]:
    qs = Meeting.objects.select_related("body")
    return qs.filter(body=body) if body is not None else qs


def written_resolutions(body: Body | None = None) -> QuerySet[WrittenResolution]:
    qs = WrittenResolution.objects.select_related("body")
    return qs.filter(body=body) if body is not None else qs


def ballots(resolution: WrittenResolution) -> list[Ballot]:
    return list(resolution.ballots.select_related("seat").order_by("seat__name"))


def written_input(resolution: WrittenResolution) -> dict[str, Any]:
    seats = voting_seats(resolution.body, timezone.localdate(resolution.opened_at or timezone.now()))
    valid = {s.pk for s in seats}
    cast = [b for b in resolution.ballots.select_related("seat") if b.choice and b.seat_id in valid]
    return {
        "members": [s.ref for s in seats],
        "written_resolution": {
            "approve": [b.seat.ref for b in cast if b.choice == Ballot.Choice.APPROVE],
            "reject": [b.seat.ref for b in cast if b.choice == Ballot.Choice.REJECT],
        },
    }


def evaluate_written(resolution: WrittenResolution) -> dict[str, Any]:
    """The written resolution's tally so far: deemed resolved or not, with the refused ballots."""
    verdict = rules.simulate(resolution.body.ruleset(), written_input(resolution))
    deemed = verdict["deemed_resolution"] or {}
    return {**deemed, "refused": verdict["refused"]}


def public_minutes() -> QuerySet[Minutes]:
    return (
        Minutes.objects.filter(
            published=True, status=Minutes.Status.FINAL, meeting__body__public_archive=True
        )
        .select_related("meeting", "meeting__body")
        .order_by("-meeting__starts_at")
    )


def plans() -> QuerySet[LaunchPlan]:
    return LaunchPlan.objects.prefetch_related("steps")


def bodies_deciding_expulsion() -> list[Body]:
    return [b for b in Body.objects.filter(active=True) if b.ruleset().expulsion_needs_resolution]


def expulsion_resolution_refusal(expulsion: Any) -> str | None:
    """Registered with partnership: where the bylaws say so, expulsion needs the body's resolution.

    The expulsion may be decided once an agenda item or a written resolution of the body on it
    has passed (the governance services then decide it in the same transaction).
    """
    deciding = bodies_deciding_expulsion()
    if not deciding:
        return None
    if AgendaItem.objects.filter(expulsion=expulsion, passed=True).exists():
        return None
    if WrittenResolution.objects.filter(
        expulsion=expulsion, status=WrittenResolution.Status.RESOLVED
    ).exists():
        return None
    body = deciding[0]
    articles = "、".join(body.ruleset().expulsion_articles)
    return (
        f"除名は{body.name}の議決を経て行います。{body.name}の会議の議案（除名）にするか、"
        f"書面による決議にかけてください（{articles}）。"
    )


def _latest_officer_decision(member: Any) -> str | None:
    """ItemKind of the newest passed election or withdrawal of ``member`` (meeting or written)."""
    kinds = (ItemKind.OFFICER_ELECTION, ItemKind.OFFICER_WITHDRAWAL)
    item = (
        AgendaItem.objects.filter(target_member=member, kind__in=kinds, passed=True)
        .order_by("-decided_at")
        .values_list("kind", "decided_at")
        .first()
    )
    written = (
        WrittenResolution.objects.filter(
            kind__in=kinds, status=WrittenResolution.Status.RESOLVED, verdict__target_member=str(member.uuid)
        )
        .order_by("-closed_at")
        .values_list("kind", "closed_at")
        .first()
    )
    dated = [(when, kind) for kind, when in (item or ("", None), written or ("", None)) if when is not None]
    return max(dated)[1] if dated else None


def tier_change_refusal(member: Any, tier: Any) -> str | None:
    """Registered with partnership: where the bylaws fill the 幹事団体 tier by election (Gifu
    第10条第2号), a member enters it only after the body elected it and leaves it only after the
    body's resolution on its withdrawal; a secretariat click alone is refused, naming the article.
    """
    current = member.tier
    entering = tier.can_recommend and not (current is not None and current.can_recommend)
    leaving = current is not None and current.can_recommend and not tier.can_recommend
    if not (entering or leaving):
        return None
    electing = [b for b in Body.objects.filter(active=True) if b.ruleset().officers_by_resolution]
    if not electing:
        return None
    needed = ItemKind.OFFICER_ELECTION if entering else ItemKind.OFFICER_WITHDRAWAL
    if _latest_officer_decision(member) == needed:
        return None
    body = electing[0]
    articles = "、".join(body.ruleset().officer_articles)
    if entering:
        message = (
            f"「{tier.name}」へは{body.name}の選出（議決）を経て変更します。"
            f"{body.name}の会議の議案（幹事団体の選出）にするか、書面による決議にかけてください"
        )
    else:
        message = (
            f"「{current.name}」からの変更は{body.name}の議決を経て行います。"
            f"{body.name}の会議の議案（幹事団体の退任）にするか、書面による決議にかけてください"
        )
    return f"{message}（{articles}）。" if articles else f"{message}。"


def terms_ending(days: int = 60, today: datetime.date | None = None) -> list[Seat]:
    """Seats whose term ends within ``days`` (for the reminder and the overview)."""
    today = today or timezone.localdate()
    return list(
        Seat.objects.filter(ends_on__gte=today, ends_on__lte=today + datetime.timedelta(days=days))
        .select_related("body")
        .order_by("ends_on")
    )


def decision_rows() -> list[list[Any]]:
    rows: list[list[Any]] = []
    items = (
        AgendaItem.objects.filter(passed__isnull=False)
        .select_related("meeting", "meeting__body")
        .order_by("meeting__starts_at", "order")
    )
    for item in items:
        v = item.verdict
        rows.append(
            [
                item.meeting.body.name,
                f"第{item.meeting.number}回 {item.meeting.title}",
                item.meeting.day.isoformat(),
                item.code,
                item.title,
                "可決" if item.passed else "否決",
                v.get("yes", ""),
                v.get("no", ""),
                v.get("abstain", ""),
                v.get("voters", ""),
                v.get("required", ""),
                "、".join(v.get("articles", [])),
            ]
        )
    for res in WrittenResolution.objects.exclude(status=WrittenResolution.Status.OPEN).select_related("body"):
        v = res.verdict
        rows.append(
            [
                res.body.name,
                "書面による決議",
                timezone.localdate(res.closed_at).isoformat() if res.closed_at else "",
                "",
                res.title,
                res.get_status_display(),
                v.get("approve", ""),
                v.get("reject", ""),
                "",
                v.get("members", ""),
                v.get("required", ""),
                "、".join(v.get("articles", [])),
            ]
        )
    return rows


def plan_progress(plan: LaunchPlan) -> tuple[int, int]:
    steps = list(plan.steps.all())
    return sum(1 for s in steps if s.done_on), len(steps)


def municipal_plans(prefecture: Any) -> list[dict[str, Any]]:
    """The launch plans of the prefecture's municipalities that chose to show them (roll-up).

    Read across tenants on purpose, as the prefecture roll-up does: only plans marked visible,
    only their steps (no other data of the municipality).
    """
    rows = []
    with scopes_disabled():
        municipalities = list(Platform.objects.in_prefecture_of(prefecture))
        for plan in (
            LaunchPlan.objects.filter(platform__in=municipalities, visible_to_prefecture=True)
            .select_related("platform")
            .prefetch_related("steps")
        ):
            steps = list(plan.steps.all())
            done = [s for s in steps if s.done_on]
            nxt = next((s for s in steps if not s.done_on), None)
            rows.append(
                {"platform": plan.platform, "plan": plan, "done": len(done), "total": len(steps), "next": nxt}
            )
    return rows
