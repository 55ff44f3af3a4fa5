"""Written or electronic resolutions (みなし決議, Gifu 規約第13条5).

Ballots go out by e-mail as signed links; each seat casts one ballot, never changed and never
after the close; every ballot is audited. The verdict is taken when two thirds of all voting
members approve (resolved at once) or when the deadline passes (resolved or failed).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from audit.services import log_action
from governance.models import Ballot, Body, ItemKind, WrittenResolution
from governance.queries import evaluate_written, voting_seats
from governance.services.common import locked, mail, refuse, user_of
from governance.services.meetings import apply_officer_election, apply_officer_withdrawal
from governance.signing import ballot_link
from partnership.models import Expulsion, MemberOrganisation
from partnership.services import lifecycle


@transaction.atomic
def do_open_written(
    body: Body,
    *,
    title: str,
    proposal: str,
    deadline: datetime.datetime,
    kind: str = ItemKind.GENERAL,
    expulsion: Expulsion | None = None,
    target_member: MemberOrganisation | None = None,
    actor: Actor | None = None,
) -> WrittenResolution:
    ruleset = body.ruleset()
    if not ruleset.written_allowed:
        raise refuse(
            _("書面又は電磁的記録による決議は規約で認められていません"), "、".join(ruleset.written_articles)
        )
    now = timezone.now()
    if deadline <= now:
        raise ValidationError(_("回答期限は今より後の日時にしてください。"))
    if kind == ItemKind.EXPULSION and (
        expulsion is None
        or expulsion.status != Expulsion.Status.HEARING
        or expulsion.hearing_notified_on is None
    ):
        raise refuse(
            _("弁明の機会を通知していない団体の除名は議案にできません"), "、".join(ruleset.expulsion_articles)
        )
    seats = voting_seats(body)
    if not seats:
        raise ValidationError(_("議決権のある構成員がいません。"))
    resolution = WrittenResolution.objects.create(
        platform=body.platform,
        body=body,
        title=title,
        proposal=proposal,
        kind=kind,
        expulsion=expulsion,
        deadline=deadline,
        opened_at=now,
        verdict={"target_member": str(target_member.uuid)} if target_member else {},
    )
    for seat in seats:
        ballot = Ballot.objects.create(platform=body.platform, resolution=resolution, seat=seat, sent_at=now)
        mail(
            body.platform,
            seat.email,
            "ballot",
            {"resolution": resolution, "seat": seat, "link": ballot_link(ballot), "rules": ruleset},
            key=str(ballot.uuid),
        )
    log_action(
        "governance.written_opened",
        platform=body.platform,
        obj=resolution,
        data={"body": body.code, "ballots": len(seats), "deadline": deadline.isoformat(), "kind": kind},
        by=actor,
    )
    return resolution


@transaction.atomic
def do_cast_ballot(ballot: Ballot, *, choice: str, actor: Actor | None = None) -> Ballot:
    resolution = locked(WrittenResolution, ballot.resolution)
    ballot = locked(Ballot, ballot)
    articles = "、".join(resolution.body.ruleset().written_articles)
    if choice not in Ballot.Choice.values:
        raise ValidationError(_("賛成か反対を選んでください。"))
    if not resolution.is_open or timezone.now() > resolution.deadline:
        raise refuse(_("締め切った後は表決できません"), articles)
    if ballot.choice:
        raise refuse(_("表決は一団体一回です。既に表決した内容は変更できません"), articles)
    ballot.choice = choice
    ballot.cast_at = timezone.now()
    ballot.save(update_fields=["choice", "cast_at", "updated_at"])
    log_action(
        "governance.ballot_cast",
        platform=resolution.platform,
        obj=ballot,
        data={"resolution": str(resolution.uuid), "seat": str(ballot.seat.uuid), "choice": choice},
        by=actor,
        label=ballot.seat.name if user_of(actor) is None else "",
    )
    if evaluate_written(resolution).get("resolved"):
        _close(resolution, actor=actor)
    return ballot


def _close(resolution: WrittenResolution, *, actor: Actor | None) -> WrittenResolution:
    verdict = evaluate_written(resolution)
    resolution.status = (
        WrittenResolution.Status.RESOLVED if verdict.get("resolved") else WrittenResolution.Status.FAILED
    )
    resolution.verdict = {**resolution.verdict, **verdict}
    resolution.closed_at = timezone.now()
    resolution.save(update_fields=["status", "verdict", "closed_at", "updated_at"])
    log_action(
        "governance.written_closed",
        platform=resolution.platform,
        obj=resolution,
        data={
            "status": resolution.status,
            "approve": verdict.get("approve"),
            "required": verdict.get("required"),
        },
        by=actor,
        label="" if user_of(actor) else "system",
    )
    if resolution.status == WrittenResolution.Status.RESOLVED:
        _take_effect(resolution, actor=actor)
    for ballot in resolution.ballots.select_related("seat"):
        mail(
            resolution.platform,
            ballot.seat.email,
            "written_result",
            {"resolution": resolution, "verdict": verdict},
            key=str(ballot.uuid),
        )
    return resolution


def _take_effect(resolution: WrittenResolution, *, actor: Actor | None) -> None:
    day = timezone.localdate(resolution.closed_at)
    label = _("%(body)s 書面による決議「%(title)s」（%(date)s 成立）") % {
        "body": resolution.body.name,
        "title": resolution.title,
        "date": day.isoformat(),
    }
    target = resolution.verdict.get("target_member")
    member = MemberOrganisation.objects.filter(uuid=target).first() if target else None
    # Closed by the deadline (the scheduler) there is no person acting: the resolution itself
    # takes effect, recorded as the system's act.
    actor = actor if actor is not None else Actor(user=None, role=None, platform=resolution.platform)
    if resolution.kind == ItemKind.EXPULSION and resolution.expulsion is not None:
        expulsion = resolution.expulsion
        lifecycle.do_decide_expulsion(
            expulsion,
            no_hearing=not expulsion.hearing_record,
            hearing_record=expulsion.hearing_record,
            resolution=label,
            decided_on=max(day, (expulsion.hearing_deadline or day) + datetime.timedelta(days=1)),
            actor=actor,
        )
    elif resolution.kind == ItemKind.OFFICER_ELECTION and member is not None:
        apply_officer_election(resolution.body, member, day, actor=actor)
    elif resolution.kind == ItemKind.OFFICER_WITHDRAWAL and member is not None:
        apply_officer_withdrawal(resolution.body, member, day, actor=actor)


@transaction.atomic
def do_close_written(resolution: WrittenResolution, *, actor: Actor | None = None) -> WrittenResolution:
    """Take the verdict now (the deadline passed, or the secretariat closes it after the deadline)."""
    resolution = locked(WrittenResolution, resolution)
    if not resolution.is_open:
        raise ValidationError(_("この書面による決議は既に締め切られています。"))
    if timezone.now() <= resolution.deadline and not evaluate_written(resolution).get("resolved"):
        raise ValidationError(
            _("回答期限まではまだ締め切れません（賛成が必要数に達すると自動で成立します）。")
        )
    return _close(resolution, actor=actor)


@transaction.atomic
def do_withdraw_written(resolution: WrittenResolution, *, reason: str, actor: Actor) -> WrittenResolution:
    resolution = locked(WrittenResolution, resolution)
    if not resolution.is_open:
        raise ValidationError(_("この書面による決議は既に締め切られています。"))
    resolution.status = WrittenResolution.Status.WITHDRAWN
    resolution.closed_at = timezone.now()
    resolution.verdict = {**resolution.verdict, "withdrawn_reason": reason}
    resolution.save(update_fields=["status", "closed_at", "verdict", "updated_at"])
    log_action(
        "governance.written_withdrawn",
        obj=resolution,
        data={"reason": reason},
        by=actor,
    )
    return resolution


@transaction.atomic
def do_remind_written(resolution: WrittenResolution, *, actor: Actor | None = None) -> int:
    """Mail the seats that have not answered yet (督促)."""
    resolution = locked(WrittenResolution, resolution)
    if not resolution.is_open:
        raise ValidationError(_("この書面による決議は既に締め切られています。"))
    waiting = list(resolution.ballots.filter(choice="").select_related("seat"))
    for ballot in waiting:
        mail(
            resolution.platform,
            ballot.seat.email,
            "ballot_reminder",
            {"resolution": resolution, "seat": ballot.seat, "link": ballot_link(ballot)},
            key=f"{ballot.uuid}:{timezone.now().isoformat()}",
        )
    resolution.reminded_at = timezone.now()
    resolution.save(update_fields=["reminded_at", "updated_at"])
    log_action(
        "governance.written_reminded",
        platform=resolution.platform,
        obj=resolution,
        data={"reminded": len(waiting)},
        by=actor,
        label="" if user_of(actor) else "system",
    )
    return len(waiting)
