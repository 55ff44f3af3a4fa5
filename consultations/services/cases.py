"""Multi-agency case conferences (Kamakura's 政策研究, seed 001 4-6-3/4-6-4).

The secretariat opens a case with the person's consent and invites the
organisations the consent names. Each invited organisation sees only what the
consent covers: the shared 見立て and 支援方針 (``assessment``), the meeting
notes and what each organisation did (``meeting_notes``), and always its own
tasks. Withdrawing the consent or closing the case ends what they can see;
closing leaves an anonymous ``ClosedCaseRecord`` for statistics.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.http import StaffRequest
from accounts.models import Role, User
from audit.services import log_action
from consultations.models import (
    Case,
    CaseEntry,
    CaseParticipant,
    CaseStatus,
    CaseTask,
    ClosedCaseRecord,
    Consent,
    Conversation,
    ConversationRecord,
    InternalNote,
    Referral,
    ReferralEvent,
    ShareItem,
)
from partnership.models import MemberOrganisation


def _actor(request: HttpRequest | None) -> User | None:
    user = getattr(request, "user", None)
    return user if isinstance(user, User) else None


def _log(action: str, case: Case, request: HttpRequest | None, **data: Any) -> None:
    log_action(
        f"case.{action}", actor=_actor(request), platform=case.platform, obj=case, data=data, request=request
    )


# --- access --------------------------------------------------------------------------------------


@dataclass
class CaseView:
    """What one role sees of a case."""

    case: Case
    organisation_id: int | None  # None: the secretariat (sees everything)

    @property
    def is_secretariat(self) -> bool:
        return self.organisation_id is None

    def sees(self, item: str) -> bool:
        if self.is_secretariat:
            return True
        return self.case.is_open and self.case.consent.covers(item, self.organisation_id)

    @property
    def sees_assessment(self) -> bool:
        return self.sees(ShareItem.ASSESSMENT)

    @property
    def sees_notes(self) -> bool:
        return self.sees(ShareItem.MEETING_NOTES)

    def tasks(self) -> list[CaseTask]:
        tasks = self.case.tasks.select_related("organisation")
        if self.sees_assessment:
            return list(tasks)
        return [task for task in tasks if task.organisation_id == self.organisation_id]

    def entries(self) -> list[CaseEntry]:
        if not self.sees_notes:
            return []
        return list(self.case.entries.select_related("organisation"))

    def can_edit_task(self, task: CaseTask) -> bool:
        return self.case.is_open and (self.is_secretariat or task.organisation_id == self.organisation_id)


def _member_consent_active(case: Case, organisation_id: int) -> bool:
    consent = case.consent
    return consent.is_active() and consent.organisations.filter(pk=organisation_id).exists()


def case_for(request: StaffRequest, uuid: Any) -> CaseView:
    """The case as this role may see it; 404 alike for missing, not invited, closed or consent gone."""
    role = request.role
    case = Case.objects.select_related("consent", "conversation").filter(uuid=uuid).first()
    if case is None:
        raise Http404
    if role.is_secretariat:
        return CaseView(case, None)
    if role.kind != Role.MEMBER_STAFF or not role.organisation_id:
        raise Http404
    invited = CaseParticipant.objects.filter(case=case, organisation_id=role.organisation_id).exists()
    if not invited or not case.is_open or not _member_consent_active(case, role.organisation_id):
        raise Http404
    return CaseView(case, role.organisation_id)


def cases_visible_to(request: StaffRequest) -> QuerySet[Case]:
    role = request.role
    cases = Case.objects.select_related("consent")
    if role.is_secretariat:
        return cases
    invited = CaseParticipant.objects.filter(organisation_id=role.organisation_id or 0).values("case_id")
    today = timezone.localdate()
    return cases.filter(
        pk__in=invited,
        status=CaseStatus.OPEN,
        consent__withdrawn_at__isnull=True,
        consent__valid_until__gte=today,
        consent__organisations=role.organisation_id or 0,
    )


# --- writes --------------------------------------------------------------------------------------


def _next_reference(platform_id: int, year: int) -> str:
    prefix = f"C-{year}-"
    taken = Case.objects.filter(platform_id=platform_id, reference__startswith=prefix).count()
    return f"{prefix}{taken + 1:04d}"


def _check_organisations(
    consent: Consent, organisations: Iterable[MemberOrganisation]
) -> list[MemberOrganisation]:
    organisations = list(organisations)
    allowed = set(consent.organisations.values_list("pk", flat=True))
    missing = [org.name for org in organisations if org.pk not in allowed]
    if missing:
        raise ValidationError(
            _("本人の同意に含まれていない団体は招待できません: %(names)s") % {"names": "、".join(missing)}
        )
    return organisations


def do_open_case(
    conversation: Conversation,
    consent: Consent,
    *,
    organisations: Iterable[MemberOrganisation],
    assessment: str,
    plan: str,
    request: HttpRequest | None = None,
) -> Case:
    with transaction.atomic():
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
        if consent.conversation_id != conversation.pk:
            raise ValidationError(_("この相談の同意ではありません。"))
        if not consent.is_active():
            raise ValidationError(_("同意が撤回されたか期限が切れています。ケース会議は開けません。"))
        members = _check_organisations(consent, organisations)
        if not members:
            raise ValidationError(_("招待する団体を1つ以上選んでください。"))
        now = timezone.now()
        case = Case(
            platform=conversation.platform,
            reference=_next_reference(conversation.platform_id, timezone.localtime(now).year),
            conversation=conversation,
            consent=consent,
            opened_by=_actor(request),
            opened_at=now,
        )
        case.assessment = assessment.strip()
        case.plan = plan.strip()
        case.save()
        for member in members:
            CaseParticipant.objects.create(platform=case.platform, case=case, organisation=member)
        _log("opened", case, request, organisations=len(members))
    return case


def do_update_plan(case: Case, *, assessment: str, plan: str, request: HttpRequest | None = None) -> None:
    _require_open(case)
    with transaction.atomic():
        case.assessment = assessment.strip()
        case.plan = plan.strip()
        case.save(update_fields=["assessment", "plan"])
        _log("plan_updated", case, request)


def do_invite(case: Case, organisation: MemberOrganisation, *, request: HttpRequest | None = None) -> None:
    _require_open(case)
    with transaction.atomic():
        _check_organisations(case.consent, [organisation])
        _participant, created = CaseParticipant.objects.get_or_create(
            platform=case.platform, case=case, organisation=organisation
        )
        if not created:
            raise ValidationError(_("「%(name)s」は既に参加しています。") % {"name": organisation.name})
        _log("invited", case, request, organisation=str(organisation.uuid))


def do_add_task(
    case: Case,
    *,
    organisation: MemberOrganisation,
    description: str,
    due_on: datetime.date,
    request: HttpRequest | None = None,
) -> CaseTask:
    _require_open(case)
    if not CaseParticipant.objects.filter(case=case, organisation=organisation).exists():
        raise ValidationError(_("担当団体はケースに参加している団体から選んでください。"))
    with transaction.atomic():
        task = CaseTask(platform=case.platform, case=case, organisation=organisation, due_on=due_on)
        task.description = description.strip()
        task.save()
        _log("task_added", case, request, due_on=due_on.isoformat())
    return task


def do_complete_task(view: CaseView, task: CaseTask, *, request: HttpRequest | None = None) -> None:
    if task.case_id != view.case.pk or not view.can_edit_task(task):
        raise Http404
    if task.done_at is not None:
        raise ValidationError(_("この課題は既に完了しています。"))
    with transaction.atomic():
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        _log("task_done", view.case, request)


def do_add_entry(
    view: CaseView, *, kind: str, occurred_on: datetime.date, body: str, request: HttpRequest | None = None
) -> CaseEntry:
    """Meeting notes come from the secretariat; an organisation records what it did."""
    case = view.case
    _require_open(case)
    if kind == CaseEntry.MEETING and not view.is_secretariat:
        raise ValidationError(_("会議記録は事務局が記録します。"))
    if not body.strip():
        raise ValidationError(_("内容を入力してください。"))
    organisation_id = None if view.is_secretariat else view.organisation_id
    with transaction.atomic():
        entry = CaseEntry(
            platform=case.platform,
            case=case,
            kind=kind,
            organisation_id=organisation_id,
            occurred_on=occurred_on,
            author=_actor(request),
        )
        entry.body = body.strip()
        entry.save()
        _log("entry_added", case, request, kind=kind)
    return entry


def do_close_case(case: Case, *, request: HttpRequest | None = None) -> ClosedCaseRecord:
    """Close: invited organisations lose access; an anonymous record stays for statistics."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        _require_open(case)
        now = timezone.now()
        record = ConversationRecord.objects.filter(conversation_id=case.conversation_id or 0).first()
        tasks = list(case.tasks.all())
        closed = ClosedCaseRecord.objects.create(
            platform=case.platform,
            opened_on=timezone.localtime(case.opened_at).date(),
            closed_on=timezone.localtime(now).date(),
            organisations=case.participants.count(),
            tasks_total=len(tasks),
            tasks_done=sum(1 for task in tasks if task.done_at is not None),
            meetings=case.entries.filter(kind=CaseEntry.MEETING).count(),
            age_band=record.age_band if record is not None else "",
            topics=record.topics if record is not None else [],
        )
        case.status = CaseStatus.CLOSED
        case.closed_at = now
        case.save(update_fields=["status", "closed_at"])
        _log("closed", case, request)
    return closed


def _require_open(case: Case) -> None:
    if not case.is_open:
        raise ValidationError(_("このケースは終結しています。"))


def erase_casework_content(conversation_ids: list[int]) -> int:
    """Erase the casework text of these consultations; counts, states and codes stay.

    Called by ``privacy.erase_conversations`` (retention and a person's erasure request) with
    the consultations whose messages it erases. Cases still open are left alone (their
    organisations are still working on them; an erasure request closes them first).
    Returns how many rows still had text, so a second run says nothing was left.
    """
    if not conversation_ids:
        return 0
    erased = (
        InternalNote.objects.filter(conversation_id__in=conversation_ids).exclude(body="").update(body="")
    )
    erased += (
        Consent.objects.filter(conversation_id__in=conversation_ids)
        .exclude(statement="")
        .update(statement="")
    )
    referrals = Referral.objects.filter(conversation_id__in=conversation_ids)
    erased += referrals.exclude(summary="", answer="").update(summary="", answer="")
    erased += ReferralEvent.objects.filter(referral__in=referrals).exclude(note="").update(note="")
    cases = Case.objects.filter(conversation_id__in=conversation_ids, status=CaseStatus.CLOSED)
    erased += cases.exclude(assessment="", plan="").update(assessment="", plan="")
    erased += CaseTask.objects.filter(case__in=cases).exclude(description="").update(description="")
    erased += CaseEntry.objects.filter(case__in=cases).exclude(body="").update(body="")
    return erased
