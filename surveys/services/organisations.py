"""Organisation surveys (Shiga's 支援団体向け活動実態調査: 86 of 88 organisations answered, and the
answers fed the portal): one invitation per active member organisation, e-mail reminders to those
that have not answered, and answers turned into unpublished directory entries for review."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import log_action
from partnership.models import MemberOrganisation
from surveys.models import Invitation, Reminder, Response, Survey
from surveys.queries import unused_codes
from tsunagari.lib import mail


@transaction.atomic
def do_invite_members(survey: Survey, *, actor: Any = None) -> int:
    """An invitation code for every active member that has none yet."""
    have = set(
        Invitation.objects.filter(survey=survey, organisation__isnull=False).values_list(
            "organisation_id", flat=True
        )
    )
    members = list(MemberOrganisation.objects.active().exclude(pk__in=have))
    created = [
        Invitation(
            platform=survey.platform,
            survey=survey,
            organisation=member,
            code=code,
            stratum=member.get_org_type_display(),
        )
        for member, code in zip(members, unused_codes(survey, len(members)), strict=True)
    ]
    Invitation.objects.bulk_create(created)
    log_action(
        "survey.members_invited",
        actor=actor,
        platform=survey.platform,
        obj=survey,
        data={"count": len(created)},
    )
    return len(created)


@transaction.atomic
def do_remind(
    survey: Survey, *, survey_url: str, actor: Any = None, first: bool = False
) -> list[mail.OutboxMail]:
    """Queue a mail to every invited member that has not answered (one each, recorded as a reminder)."""
    answered = set(
        Response.objects.submitted()
        .filter(survey=survey, organisation__isnull=False)
        .values_list("organisation_id", flat=True)
    )
    pending = (
        Invitation.objects.filter(survey=survey, organisation__isnull=False, used_at__isnull=True)
        .exclude(organisation_id__in=answered)
        .select_related("organisation")
    )
    mails: list[mail.OutboxMail] = []
    for invitation in pending:
        member = invitation.organisation
        assert member is not None
        if not member.email:
            continue
        context = {
            "survey": survey,
            "member": member,
            "code": invitation.code,
            "url": f"{survey_url}?code={invitation.code}",
            "first": first,
            "platform": survey.platform,
        }
        reminder = Reminder.objects.create(
            platform=survey.platform,
            survey=survey,
            organisation=member,
            sent_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        mails.append(
            mail.queue_template(
                "surveys/email/reminder",
                context,
                to=[member.email],
                reply_to=[survey.platform.contact_email] if survey.platform.contact_email else None,
                platform=survey.platform,
                key=f"survey.reminder:{survey.uuid}:{member.uuid}:{reminder.pk}",
                kind="survey.invitation" if first else "survey.reminder",
            )
        )
    log_action(
        "survey.reminders_sent", actor=actor, platform=survey.platform, obj=survey, data={"count": len(mails)}
    )
    return mails


# Answer codes of the organisation template that describe a service for the directory.
DIRECTORY_FIELDS = {
    "service_name": "name",
    "service_description": "description",
    "service_url": "url",
    "service_hours": "application_process",
    "service_target": "eligibility_description",
}


@transaction.atomic
def do_export_to_directory(response: Response, *, actor: Any = None) -> Any:
    """An unpublished directory Service (and its Organization) from an organisation's answers, for
    the secretariat to review and publish in the directory. Idempotent per response."""
    from directory.models import Organization, Service

    response = Response.objects.select_for_update().get(pk=response.pk)
    member = response.organisation
    if member is None:
        raise ValueError(_("団体の回答ではありません。"))
    if response.exported_service_uuid:
        return Service.objects.get(uuid=response.exported_service_uuid)
    answers = response.answers
    organization = Organization.objects.filter(member=member).first() or Organization.objects.create(
        platform=response.platform,
        member=member,
        name=member.name,
        name_kana=member.name_kana,
        email=member.email,
        website=member.website,
        description=member.description,
    )
    values = {field: str(answers.get(code) or "").strip() for code, field in DIRECTORY_FIELDS.items()}
    service = Service(
        platform=response.platform,
        organization=organization,
        member=member,
        name=(values.pop("name") or member.name)[:300],
        email=member.email if member.is_published("email") else "",
        is_published=False,
        **{k: v for k, v in values.items() if v},
    )
    service.full_clean(exclude=["organization", "platform", "member"])
    service.save()
    response.exported_service_uuid = service.uuid
    response.exported_at = timezone.now()
    response.save(update_fields=["exported_service_uuid", "exported_at"])
    log_action(
        "survey.exported_to_directory",
        actor=actor,
        platform=response.platform,
        obj=response.survey,
        data={"member": str(member.uuid), "service": str(service.uuid)},
    )
    return service
