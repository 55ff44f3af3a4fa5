"""Who may see which case and which referral, and the lists they see: the consent gate the
casework views and services share (the writes are in ``consultations.services.cases`` and
``.referrals``).

A missing object and a forbidden one give the same 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Role
from accounts.permissions import Actor
from consultations.models import (
    Case,
    CaseEntry,
    CaseParticipant,
    CaseStatus,
    CaseTask,
    HouseholdMember,
    MemberConsent,
    Referral,
    ShareItem,
)
from directory.models import Service
from platforms.models import Platform

# --- cases ---------------------------------------------------------------------------------------


@dataclass
class CaseView:
    """What one role sees of a case: the consent gate of everything shown.

    The secretariat sees everything. An invited organisation sees an item (見立て, notes …)
    while the case is open and the case's consent covers it for that organisation; for a
    household case, every member at the centre of the case must also have consented to it
    (their own ``MemberConsent``), and a member's own row and contact are shown only with that
    member's consent.
    """

    case: Case
    organisation_id: int | None  # None: the secretariat (sees everything)

    @property
    def is_secretariat(self) -> bool:
        return self.organisation_id is None

    @cached_property
    def household(self) -> list[HouseholdMember]:
        in_force = MemberConsent.objects.filter(withdrawn_at__isnull=True).prefetch_related("organisations")
        members = self.case.household.prefetch_related(Prefetch("consents", queryset=in_force))
        return list(members)

    def _case_covers(self, item: str) -> bool:
        return self.case.is_open and self.case.consent.covers(item, self.organisation_id)

    def member_covers(self, member: HouseholdMember, item: str) -> bool:
        """Has this member consented to ``item`` going to this organisation (within the case's consent)?"""
        if self.is_secretariat:
            return True
        if not self._case_covers(item):
            return False
        return any(consent.covers(item, self.organisation_id) for consent in member.consents.all())

    def sees(self, item: str) -> bool:
        if self.is_secretariat:
            return True
        if not self._case_covers(item):
            return False
        if not self.household:
            return True  # a case from a chat: the person's own consent
        concerns = [member for member in self.household if member.is_concern] or self.household
        return all(self.member_covers(member, item) for member in concerns)

    @property
    def sees_assessment(self) -> bool:
        return self.sees(ShareItem.ASSESSMENT)

    @property
    def sees_notes(self) -> bool:
        return self.sees(ShareItem.MEETING_NOTES)

    def members(self) -> list[MemberRow]:
        """The household members this role may see, each with whether their contact is shown."""
        rows = []
        for member in self.household:
            shown = self.member_covers(member, ShareItem.PROFILE) or self.member_covers(
                member, ShareItem.ASSESSMENT
            )
            if shown:
                rows.append(MemberRow(member, self.member_covers(member, ShareItem.CONTACT)))
        return rows

    def tasks(self) -> list[CaseTask]:
        tasks = self.case.tasks.select_related("organisation", "guest", "conference")
        if self.sees_assessment:
            return list(tasks)
        return [task for task in tasks if task.organisation_id == self.organisation_id]

    def entries(self) -> list[CaseEntry]:
        if not self.sees_notes:
            return []
        return list(self.case.entries.select_related("organisation"))

    def can_edit_task(self, task: CaseTask) -> bool:
        return self.case.is_open and (self.is_secretariat or task.organisation_id == self.organisation_id)


@dataclass(frozen=True)
class MemberRow:
    member: HouseholdMember
    shows_contact: bool

    @property
    def consents(self) -> list[MemberConsent]:
        return list(self.member.consents.all())


def _member_consent_active(case: Case, organisation_id: int) -> bool:
    consent = case.consent
    return consent.is_active() and consent.organisations.filter(pk=organisation_id).exists()


def case_for(actor: Actor, uuid: Any) -> CaseView:
    """The case as this role may see it; 404 alike for missing, not invited, closed or consent gone."""
    role = actor.role
    case = Case.objects.select_related("consent", "conversation").filter(uuid=uuid).first()
    if case is None or role is None:
        raise Http404
    if role.is_secretariat:
        return CaseView(case, None)
    if role.kind != Role.MEMBER_STAFF or not role.organisation_id:
        raise Http404
    invited = CaseParticipant.objects.filter(case=case, organisation_id=role.organisation_id).exists()
    if not invited or not case.is_open or not _member_consent_active(case, role.organisation_id):
        raise Http404
    return CaseView(case, role.organisation_id)


def cases_visible_to(actor: Actor) -> QuerySet[Case]:
    role = actor.role
    cases = Case.objects.select_related("consent")
    if role is None:
        return cases.none()
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


# --- referrals -----------------------------------------------------------------------------------


def referral_for(actor: Actor, uuid: Any) -> Referral:
    """The referral if this role may see it; the same 404 for missing and forbidden."""
    role = actor.role
    queryset = Referral.objects.select_related("consent", "receiver_member", "conversation", "case")
    if role is None:
        raise Http404
    if role.kind == Role.MEMBER_STAFF:
        if not role.organisation_id:
            raise Http404
        queryset = queryset.for_member(role.organisation_id)
    referral = queryset.filter(uuid=uuid).first()
    if referral is None:
        raise Http404
    return referral


def referrals_visible_to(actor: Actor):
    role = actor.role
    queryset = Referral.objects.select_related("receiver_member", "conversation__consulter", "case")
    if role is None:
        return queryset.none()
    if role.kind == Role.MEMBER_STAFF:
        return queryset.for_member(role.organisation_id or 0)
    return queryset


def can_respond(actor: Actor, referral: Referral) -> bool:
    """The receiver's staff answer; for a city division (no accounts here) the secretariat does."""
    role = actor.role
    if role is None or referral.at_secretariat:
        return False
    if referral.receiver_member_id:
        return role.kind == Role.MEMBER_STAFF and role.organisation_id == referral.receiver_member_id
    return role.is_secretariat


def city_windows(platform: Platform) -> QuerySet[Service]:
    """The platform owner's own public windows in the directory (its divisions), not run by a member."""
    return (
        Service.objects.public()
        .filter(is_national=False, member__isnull=True, organization__name=platform.owner_name)
        .order_by("name_kana", "name", "id")
    )
