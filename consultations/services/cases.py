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
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import Actor
from audit.services import log_action
from consultations.models import (
    Case,
    CaseConference,
    CaseContact,
    CaseEntry,
    CaseGuest,
    CaseOrigin,
    CaseParticipant,
    CaseStatus,
    CaseTask,
    ClosedCaseRecord,
    ConferenceAttendee,
    Consent,
    ContactChannel,
    Conversation,
    ConversationRecord,
    HouseholdMember,
    InternalNote,
    MemberConsent,
    Referral,
    ReferralEvent,
    ShareItem,
)
from consultations.queries import CaseView
from consultations.services.referrals import (
    cancel_referrals_of_withdrawn_member,
    checked_consent_terms,
    save_consent,
)
from partnership.models import MemberOrganisation
from platforms.models import Platform
from tsunagari.lib import mail
from tsunagari.lib.jpcalendar import add_business_days


def _log(action: str, case: Case, actor: Actor, **data: Any) -> None:
    log_action(f"case.{action}", by=actor, platform=case.platform, obj=case, data=data)


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
    actor: Actor,
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
            opened_by=actor.user,
            opened_at=now,
        )
        case.assessment = assessment.strip()
        case.plan = plan.strip()
        case.save()
        for member in members:
            CaseParticipant.objects.create(platform=case.platform, case=case, organisation=member)
        _log("opened", case, actor, organisations=len(members))
    return case


def _check_members_consent(case: Case, organisation: MemberOrganisation) -> None:
    """A household case: every member at the centre must have consented to this organisation."""
    household = list(case.household.all())
    if not household:
        return
    concerns = [member for member in household if member.is_concern] or household
    in_force = MemberConsent.objects.active().filter(organisations=organisation)
    missing = [m.label for m in concerns if not in_force.filter(member=m).exists()]
    if missing:
        raise ValidationError(
            _("「%(name)s」への共有に、支援の中心となる世帯員（%(who)s）の同意がありません。")
            % {"name": organisation.name, "who": "、".join(missing)}
        )


@dataclass(frozen=True)
class MemberInput:
    """One household member as typed at intake or added later."""

    label: str
    relationship: str
    age_band: str
    is_concern: bool = False
    is_main_carer: bool = False
    consented: bool = False
    contact: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        folded = unicodedata.normalize("NFKC", self.label).replace(" ", "").replace("\u3000", "").lower()
        return (folded, self.relationship, self.age_band)


def _check_members(members: list[MemberInput], existing: Iterable[HouseholdMember] = ()) -> None:
    seen = {MemberInput(m.label, m.relationship, m.age_band).key: m.label for m in existing}
    for number, member in enumerate(members, start=1):
        if not member.label.strip():
            raise ValidationError(_("世帯員 %(n)d 行目: 呼び名を入力してください。") % {"n": number})
        if member.key in seen:
            raise ValidationError(
                _("世帯員 %(n)d 行目: 「%(label)s」は既に登録されています（同じ呼び名・続柄・年代）。")
                % {"n": number, "label": member.label}
            )
        seen[member.key] = member.label


def _add_member(case: Case, member: MemberInput) -> HouseholdMember:
    row = HouseholdMember(
        platform=case.platform,
        case=case,
        relationship=member.relationship,
        age_band=member.age_band,
        is_concern=member.is_concern,
        is_main_carer=member.is_main_carer,
        consented=member.consented,
    )
    row.label = member.label.strip()
    row.contact = member.contact.strip()
    row.save()
    if (
        member.consented
        and case.consent.is_active()
        and (case.consent.organisations.exists() or case.consent.city_divisions)
    ):
        # Marked 同意あり at intake: the member consented to what the household's consent says.
        _record_member_consent(
            row,
            items=list(case.consent.items),
            organisations=list(case.consent.organisations.all()),
            city_divisions=case.consent.city_divisions,
            valid_until=case.consent.valid_until,
            statement="",
            recorded_by=case.consent.recorded_by,
        )
    return row


def _record_member_consent(
    member: HouseholdMember,
    *,
    items: list[str],
    organisations: list[MemberOrganisation],
    city_divisions: bool,
    valid_until: datetime.date,
    statement: str,
    recorded_by: Any,
) -> MemberConsent:
    consent = MemberConsent(
        platform=member.platform,
        member=member,
        items=items,
        city_divisions=city_divisions,
        valid_until=valid_until,
        recorded_by=recorded_by,
    )
    consent.statement = statement
    consent.save()
    consent.organisations.set(organisations)
    return consent


def do_open_case_from_contact(
    platform: Platform,
    *,
    origin: str,
    referring_body: str,
    referring_contact: str,
    watch_only: bool,
    contact_on: datetime.date,
    summary: str,
    members: list[MemberInput],
    items: Iterable[str],
    organisations: Iterable[MemberOrganisation],
    city_divisions: bool,
    valid_until: datetime.date,
    statement: str,
    actor: Actor,
) -> Case:
    """Open a household case that began with a phone call, a counter or home visit or an agency.

    The household's consent is recorded with the case: what may be shared, with which member
    organisations, until when. With no organisation named, nothing is shared and no
    organisation can be invited until a new consent is recorded.
    """
    if origin not in CaseOrigin.values or origin == CaseOrigin.CHAT:
        raise ValidationError(_("チャットの相談からは受信箱の相談画面でケースを開いてください。"))
    if origin == CaseOrigin.AGENCY and not referring_body.strip():
        raise ValidationError(_("関係機関からの紹介では紹介元の機関を入力してください。"))
    if not summary.strip():
        raise ValidationError(_("最初の接触の内容を入力してください。"))
    if not members:
        raise ValidationError(_("世帯員を1人以上入力してください。"))
    _check_members(members)
    if not any(member.is_concern for member in members):
        raise ValidationError(_("支援の中心となる人を1人選んでください。"))
    items = [item for item in ShareItem.values if item in set(items)]
    organisations = list(organisations)
    shares = bool(organisations) or city_divisions
    if shares and not items:
        raise ValidationError(_("共有してよい団体を選んだときは、共有してよい情報も選んでください。"))
    if shares and not any(member.consented for member in members):
        raise ValidationError(_("同意した世帯員がいないため、団体との共有は記録できません。"))
    if valid_until < timezone.localdate():
        raise ValidationError(_("同意の期限は今日以降の日付にしてください。"))
    with transaction.atomic():
        consent = save_consent(
            platform,
            None,
            items=items if shares else [],
            organisations=organisations,
            city_divisions=city_divisions,
            valid_until=valid_until,
            statement=statement.strip(),
            actor=actor,
        )
        now = timezone.now()
        case = Case(
            platform=platform,
            reference=_next_reference(platform.pk, timezone.localtime(now).year),
            consent=consent,
            origin=origin,
            referring_body=referring_body.strip(),
            watch_only=watch_only,
            opened_by=actor.user,
            opened_at=now,
        )
        case.referring_contact = referring_contact.strip()
        case.save()
        for member in members:
            _add_member(case, member)
        contact = CaseContact(
            platform=platform,
            case=case,
            occurred_on=contact_on,
            channel=_CHANNEL_OF_ORIGIN[origin],
            staff=actor.user,
        )
        contact.summary = summary.strip()
        contact.save()
        _log("opened", case, actor, origin=origin, members=len(members), organisations=len(organisations))
    return case


_CHANNEL_OF_ORIGIN: dict[str, str] = {
    CaseOrigin.PHONE: ContactChannel.PHONE,
    CaseOrigin.COUNTER: ContactChannel.COUNTER,
    CaseOrigin.HOME_VISIT: ContactChannel.HOME_VISIT,
    CaseOrigin.AGENCY: ContactChannel.AGENCY,
}


def do_add_member(case: Case, member: MemberInput, *, actor: Actor) -> HouseholdMember:
    _require_open(case)
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        _check_members([member], case.household.all())
        row = _add_member(case, member)
        _log("member_added", case, actor, relationship=member.relationship)
    return row


def do_record_member_consent(
    member: HouseholdMember,
    *,
    items: Iterable[str],
    organisations: Iterable[MemberOrganisation],
    city_divisions: bool,
    valid_until: datetime.date,
    statement: str,
    actor: Actor,
) -> MemberConsent:
    """Record what one household member consented to; it replaces their consent in force.

    Only within the household's consent recorded with the case: an organisation it does not
    name (or the city's divisions when it does not include them) is refused by name.
    """
    case = member.case
    _require_open(case)
    items, organisations = checked_consent_terms(items, organisations, city_divisions, valid_until)
    household = case.consent
    if not household.is_active():
        raise ValidationError(_("世帯の同意が撤回されたか期限が切れています。世帯員の同意は記録できません。"))
    allowed = set(household.organisations.values_list("pk", flat=True))
    outside = [org.name for org in organisations if org.pk not in allowed]
    if outside:
        raise ValidationError(
            _("世帯の同意に含まれていない団体です: %(names)s") % {"names": "、".join(outside)}
        )
    if city_divisions and not household.city_divisions:
        raise ValidationError(_("世帯の同意に市役所内の関係課は含まれていません。"))
    outside_items = [str(ShareItem(item).label) for item in items if item not in household.items]
    if outside_items:
        raise ValidationError(
            _("世帯の同意に含まれていない情報です: %(items)s") % {"items": "、".join(outside_items)}
        )
    with transaction.atomic():
        member = HouseholdMember.objects.select_for_update().get(pk=member.pk)
        now = timezone.now()
        replaced = MemberConsent.objects.filter(member=member, withdrawn_at__isnull=True).update(
            withdrawn_at=now, withdrawn_by=actor.user
        )
        consent = _record_member_consent(
            member,
            items=items,
            organisations=organisations,
            city_divisions=city_divisions,
            valid_until=valid_until,
            statement=statement.strip(),
            recorded_by=actor.user,
        )
        HouseholdMember.objects.filter(pk=member.pk).update(consented=True)
        _log(
            "member_consent_recorded",
            case,
            actor,
            member=str(member.uuid),
            items=items,
            organisations=len(organisations),
            city_divisions=city_divisions,
            until=valid_until.isoformat(),
            replaced=replaced,
        )
    return consent


def do_withdraw_member_consent(consent: MemberConsent, *, actor: Actor) -> int:
    """A member withdraws: what only they allowed stops being shown at once, and the case's open
    referrals that went out on their consent are cancelled, each with a note to its receiver.
    Returns how many referrals were cancelled."""
    with transaction.atomic():
        consent = MemberConsent.objects.select_for_update().select_related("member__case").get(pk=consent.pk)
        if consent.withdrawn_at is not None:
            raise ValidationError(_("この同意は既に撤回されています。"))
        consent.withdrawn_at = timezone.now()
        consent.withdrawn_by = actor.user
        consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
        HouseholdMember.objects.filter(pk=consent.member_id).update(consented=False)
        cancelled = cancel_referrals_of_withdrawn_member(consent, actor=actor)
        _log(
            "member_consent_withdrawn",
            consent.member.case,
            actor,
            member=str(consent.member.uuid),
            referrals_cancelled=cancelled,
        )
    return cancelled


def withdraw_member_consents(case: Case, actor: Actor) -> int:
    """Withdraw every member consent of a case still in force (an erasure request); returns how many."""
    now = timezone.now()
    withdrawn = MemberConsent.objects.filter(member__case=case, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawn_by=actor.user
    )
    HouseholdMember.objects.filter(case=case).update(consented=False)
    return withdrawn


def do_log_contact(
    case: Case,
    *,
    occurred_on: datetime.date,
    channel: str,
    summary: str,
    actor: Actor,
) -> CaseContact:
    _require_open(case)
    if not summary.strip():
        raise ValidationError(_("接触の内容を入力してください。"))
    if occurred_on > timezone.localdate():
        raise ValidationError(_("接触の日付に未来の日付は入力できません。"))
    with transaction.atomic():
        contact = CaseContact(
            platform=case.platform, case=case, occurred_on=occurred_on, channel=channel, staff=actor.user
        )
        contact.summary = summary.strip()
        contact.save()
        _log("contact_logged", case, actor, channel=channel)
    return contact


def do_schedule_review(case: Case, *, business_days: int, actor: Actor) -> datetime.date:
    """The conference's next review, counted in business days (土日・祝日・年末年始 skipped)."""
    _require_open(case)
    if not 1 <= business_days <= 120:
        raise ValidationError(_("見直しまでの営業日数は1〜120で入力してください。"))
    with transaction.atomic():
        case.next_review_on = add_business_days(timezone.localdate(), business_days)
        case.save(update_fields=["next_review_on"])
        _log("review_scheduled", case, actor, on=case.next_review_on.isoformat())
    return case.next_review_on


def do_update_plan(case: Case, *, assessment: str, plan: str, actor: Actor) -> None:
    _require_open(case)
    with transaction.atomic():
        case.assessment = assessment.strip()
        case.plan = plan.strip()
        case.save(update_fields=["assessment", "plan"])
        _log("plan_updated", case, actor)


def do_invite(case: Case, organisation: MemberOrganisation, *, actor: Actor) -> None:
    _require_open(case)
    with transaction.atomic():
        _check_organisations(case.consent, [organisation])
        _check_members_consent(case, organisation)
        _participant, created = CaseParticipant.objects.get_or_create(
            platform=case.platform, case=case, organisation=organisation
        )
        if not created:
            raise ValidationError(_("「%(name)s」は既に参加しています。") % {"name": organisation.name})
        _log("invited", case, actor, organisation=str(organisation.uuid))


def do_add_task(
    case: Case,
    *,
    organisation: MemberOrganisation | None = None,
    guest: CaseGuest | None = None,
    conference: CaseConference | None = None,
    description: str,
    due_on: datetime.date,
    actor: Actor,
) -> CaseTask:
    """A task for one participant: a member organisation or a non-member agency invited to the case."""
    _require_open(case)
    if (organisation is None) == (guest is None):
        raise ValidationError(_("担当は会員団体か会員外の参加機関のどちらか一方を選んでください。"))
    if (
        organisation is not None
        and not CaseParticipant.objects.filter(case=case, organisation=organisation).exists()
    ):
        raise ValidationError(_("担当団体はケースに参加している団体から選んでください。"))
    if guest is not None and guest.case_id != case.pk:
        raise ValidationError(_("担当機関はこのケースに招待した機関から選んでください。"))
    if conference is not None and conference.case_id != case.pk:
        raise ValidationError(_("このケースの会議を選んでください。"))
    if not description.strip():
        raise ValidationError(_("課題を入力してください。"))
    with transaction.atomic():
        task = CaseTask(
            platform=case.platform,
            case=case,
            organisation=organisation,
            guest=guest,
            conference=conference,
            due_on=due_on,
        )
        task.description = description.strip()
        task.save()
        _log(
            "task_added",
            case,
            actor,
            due_on=due_on.isoformat(),
            owner="guest" if guest is not None else "member",
            conference=str(conference.uuid) if conference is not None else None,
        )
    return task


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "").replace("\u3000", "").lower()


def do_invite_guest(
    case: Case,
    *,
    organisation_name: str,
    name: str,
    email: str = "",
    household_agreed: bool,
    actor: Actor,
) -> CaseGuest:
    """Invite an agency that is not a member, by name and organisation (optionally an e-mail).

    Refused without the household's agreement, while the case's consent is not in force, and
    for the same person of the same agency twice.
    """
    _require_open(case)
    organisation_name, name = organisation_name.strip(), name.strip()
    if not organisation_name or not name:
        raise ValidationError(_("機関名と担当者名を入力してください。"))
    if not household_agreed:
        raise ValidationError(
            _("世帯が「%(org)s」の参加と情報共有に同意したことを確認してから招待してください。")
            % {"org": organisation_name}
        )
    if not case.consent.is_active():
        raise ValidationError(_("世帯の同意が撤回されたか期限が切れています。招待できません。"))
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        key = (_folded(organisation_name), _folded(name))
        for other in CaseGuest.objects.filter(case=case):
            if (_folded(other.organisation_name), _folded(other.name)) == key:
                raise ValidationError(
                    _("「%(org)s %(name)s」は既に招待されています。")
                    % {"org": organisation_name, "name": name}
                )
        guest = CaseGuest.objects.create(
            platform=case.platform,
            case=case,
            organisation_name=organisation_name,
            name=name,
            email=email.strip(),
            invited_by=actor.user,
        )
        _log("guest_invited", case, actor, organisation=organisation_name, email=bool(guest.email))
    return guest


def do_record_conference(
    case: Case,
    *,
    held_on: datetime.date,
    outcome: str,
    members: Iterable[tuple[MemberOrganisation, str]] = (),
    guests: Iterable[CaseGuest] = (),
    actor: Actor,
) -> CaseConference:
    """Record a 支援調整会議 held on the case, its outcome (結果・決定事項) and its attendance list:
    who came from each member organisation taking part, and which invited non-member agencies
    came. Only the case's own participants and guests, each once."""
    _require_open(case)
    members, guests = list(members), list(guests)
    if not outcome.strip():
        raise ValidationError(_("会議の結果・決定事項を入力してください。"))
    if held_on > timezone.localdate():
        raise ValidationError(_("開催日に未来の日付は入力できません。"))
    participants = set(CaseParticipant.objects.filter(case=case).values_list("organisation_id", flat=True))
    problems = []
    for organisation, name in members:
        if organisation.pk not in participants:
            problems.append(_("「%(org)s」はこのケースに参加していません。") % {"org": organisation.name})
        elif not name.strip():
            problems.append(_("「%(org)s」の出席者名を入力してください。") % {"org": organisation.name})
    problems += [
        _("「%(org)s」はこのケースに招待された機関ではありません。") % {"org": guest.organisation_name}
        for guest in guests
        if guest.case_id != case.pk
    ]
    if len({o.pk for o, _n in members}) < len(members) or len({g.pk for g in guests}) < len(guests):
        problems.append(_("同じ団体・機関が出席者に2回含まれています。"))
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        conference = CaseConference(
            platform=case.platform, case=case, held_on=held_on, recorded_by=actor.user
        )
        conference.outcome = outcome.strip()
        conference.save()
        ConferenceAttendee.objects.bulk_create(
            [
                ConferenceAttendee(
                    platform=case.platform, conference=conference, organisation=org, name=name.strip()[:60]
                )
                for org, name in members
            ]
            + [
                ConferenceAttendee(
                    platform=case.platform, conference=conference, guest=guest, name=guest.name
                )
                for guest in guests
            ]
        )
        _log(
            "conference_recorded",
            case,
            actor,
            held_on=held_on.isoformat(),
            members=len(members),
            guests=len(guests),
        )
    return conference


def do_mail_conference_invitation(
    case: Case,
    *,
    guests: Iterable[CaseGuest],
    meets_on: datetime.date,
    time: str,
    place: str,
    actor: Actor,
) -> list[mail.OutboxMail]:
    """Invite non-member agencies to the next conference by mail, through the outbox.

    The mail says only what the household agreed to when the agency was invited: that there
    is a conference on case <reference>, when and where, and whom to ask. It never carries a
    household member's name, the 見立て, notes or tasks (they are discussed at the meeting,
    within the household's consent). Refused while the household's consent is not in force,
    for a past date, and for an agency with no e-mail address (named).
    """
    _require_open(case)
    guests = list(guests)
    time, place = time.strip(), place.strip()
    if not guests:
        raise ValidationError(_("案内を送る機関を選んでください。"))
    if not case.consent.is_active():
        raise ValidationError(_("世帯の同意が撤回されたか期限が切れています。案内は送れません。"))
    if meets_on < timezone.localdate():
        raise ValidationError(_("開催日に過去の日付は入力できません。"))
    if not place:
        raise ValidationError(_("開催場所を入力してください。"))
    problems = [
        _("「%(org)s」はこのケースに招待された機関ではありません。") % {"org": guest.organisation_name}
        for guest in guests
        if guest.case_id != case.pk
    ] + [
        _("「%(org)s %(name)s」はメールアドレスが登録されていません。")
        % {"org": guest.organisation_name, "name": guest.name}
        for guest in guests
        if not guest.email
    ]
    if problems:
        raise ValidationError(problems)
    platform = case.platform
    queued = []
    with transaction.atomic():
        for guest in guests:
            context = {
                "platform": platform,
                "case": case,
                "guest": guest,
                "meets_on": meets_on,
                "time": time,
                "place": place,
            }
            queued.append(
                mail.queue_template(
                    "consultations/email/case_conference_invitation",
                    context,
                    to=[guest.email],
                    platform=platform,
                    reply_to=[platform.contact_email] if platform.contact_email else None,
                    key=f"case.conference_invitation:{guest.uuid}:{meets_on.isoformat()}",
                    kind="case.conference_invitation",
                )
            )
        _log("conference_invitation_mailed", case, actor, meets_on=meets_on.isoformat(), guests=len(guests))
    return queued


def _task_recipients(task: CaseTask) -> list[str]:
    if (guest := task.guest) is not None:
        return [guest.email] if guest.email else []
    staff = Role.objects.filter(
        platform=task.platform, kind=Role.MEMBER_STAFF, organisation_id=task.organisation_id
    ).select_related("user")
    emails = [role.user.email for role in staff if role.user.is_active and role.user.email]
    organisation = task.organisation
    if not emails and organisation is not None and organisation.email:
        emails = [organisation.email]
    return emails


def do_remind_conference_tasks(platform: Platform, *, today: datetime.date | None = None) -> int:
    """Mail each owner of a task a conference assigned that is due by the next business day (or
    overdue) and not done, once a day. The mail names the case and the date, never the task's
    text (it may concern the household): members read it on the case page, non-member agencies
    hear the rest from the secretariat."""
    day = today or timezone.localdate()
    horizon = add_business_days(day, 1)
    system = Actor(user=None, role=None, platform=platform)
    due = (
        CaseTask.objects.filter(
            conference__isnull=False,
            done_at__isnull=True,
            case__status=CaseStatus.OPEN,
            due_on__lte=horizon,
        )
        .exclude(last_reminded_on=day)
        .select_related("case", "organisation", "guest")
    )
    reminded = 0
    for task in due:
        to = _task_recipients(task)
        if not to:
            continue
        with transaction.atomic():
            if CaseTask.objects.filter(pk=task.pk, last_reminded_on=day).exists():
                continue
            CaseTask.objects.filter(pk=task.pk).update(last_reminded_on=day)
            context = {
                "platform": platform,
                "task": task,
                "case": task.case,
                "overdue": task.due_on < day,
                "url": settings.SITE_URL.rstrip("/")
                + reverse("consultations:case", args=[platform.slug, task.case.uuid])
                if task.organisation_id is not None
                else "",
            }
            mail.queue_template(
                "consultations/email/case_task_reminder",
                context,
                to=to,
                platform=platform,
                key=f"case.task_reminder:{task.uuid}:{day.isoformat()}",
                kind="case.task_reminder",
            )
            _log("task_reminded", task.case, system, due_on=task.due_on.isoformat())
        reminded += 1
    return reminded


def do_complete_task(view: CaseView, task: CaseTask, *, actor: Actor) -> None:
    if task.case_id != view.case.pk or not view.can_edit_task(task):
        raise Http404
    if task.done_at is not None:
        raise ValidationError(_("この課題は既に完了しています。"))
    with transaction.atomic():
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        _log("task_done", view.case, actor)


def do_add_entry(
    view: CaseView, *, kind: str, occurred_on: datetime.date, body: str, actor: Actor
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
            author=actor.user,
        )
        entry.body = body.strip()
        entry.save()
        _log("entry_added", case, actor, kind=kind)
    return entry


def do_close_case(case: Case, *, actor: Actor) -> ClosedCaseRecord:
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
        _log("closed", case, actor)
    return closed


def _require_open(case: Case) -> None:
    if not case.is_open:
        raise ValidationError(_("このケースは終結しています。"))


def erase_casework_content(conversation_ids: list[int], now: datetime.datetime) -> int:
    """Erase the casework text of these consultations; counts, states and codes stay.

    Called by ``privacy.erase_conversations`` (retention and a person's erasure request) with
    the consultations whose messages it erases. Cases still open are left alone (their
    organisations are still working on them; an erasure request closes them first, and
    retention reaches them by their own closing date).
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
    erased += erase_case_content(list(cases.values_list("pk", flat=True)), now)
    return erased


def erase_case_content(case_ids: list[int], now: datetime.datetime) -> int:
    """The one erase step of a case's texts, whatever it began with (a chat, a phone call, a
    counter or home visit, an agency's referral).

    The 見立て and plan, the referring body's contact person, the tasks, meeting notes and
    what each organisation did, the contact log, the household members' names and contacts,
    and the wording of the household's consent (a case that began outside a chat has its own
    consent, which belongs to no consultation) are erased; the rows stay with their dates,
    channels, relationships, age bands and states, so the counts do not change.
    Returns how many rows still had text.
    """
    if not case_ids:
        return 0
    cases = Case.objects.filter(pk__in=case_ids)
    erased = cases.exclude(assessment="", plan="", referring_contact="").update(
        assessment="", plan="", referring_contact=""
    )
    erased += CaseTask.objects.filter(case_id__in=case_ids).exclude(description="").update(description="")
    erased += CaseConference.objects.filter(case_id__in=case_ids).exclude(outcome="").update(outcome="")
    erased += CaseEntry.objects.filter(case_id__in=case_ids).exclude(body="").update(body="")
    erased += CaseContact.objects.filter(case_id__in=case_ids).exclude(summary="").update(summary="")
    erased += (
        HouseholdMember.objects.filter(case_id__in=case_ids)
        .exclude(label="", contact="")
        .update(label="", contact="")
    )
    erased += (
        MemberConsent.objects.filter(member__case_id__in=case_ids).exclude(statement="").update(statement="")
    )
    referrals = Referral.objects.filter(case_id__in=case_ids)
    erased += referrals.exclude(summary="", answer="").update(summary="", answer="")
    erased += ReferralEvent.objects.filter(referral__in=referrals).exclude(note="").update(note="")
    own_consents = Consent.objects.filter(conversation__isnull=True, cases__in=case_ids)
    erased += (
        Consent.objects.filter(pk__in=own_consents.values("pk")).exclude(statement="").update(statement="")
    )
    cases.filter(content_deleted_at__isnull=True).update(content_deleted_at=now)
    return erased
