"""Case studies (事例) from the 情報交換会 and their path of response and referral (対応・つなぎ方)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from audit.services import log_action
from network.models import CaseStudy, ReferralStep
from network.queries import can_edit, personal_details
from network.services.common import platform_of, require_active
from partnership.models import MemberOrganisation


@dataclass(frozen=True)
class Step:
    role: str
    organisation_label: str
    text: str


def _step_errors(steps: list[Step]) -> list[str]:
    problems = []
    for number, step in enumerate(steps, start=1):
        if step.role not in ReferralStep.Role.values:
            problems.append(_("つなぎ方の%(n)s番目: 段階が正しくありません。") % {"n": number})
        if not step.organisation_label.strip() or not step.text.strip():
            problems.append(_("つなぎ方の%(n)s番目: 団体（種類）と内容を入力してください。") % {"n": number})
    return problems


def _write_steps(actor: Actor, case: CaseStudy, steps: list[Step]) -> None:
    case.steps.all().delete()
    ReferralStep.objects.bulk_create(
        ReferralStep(
            platform=platform_of(actor),
            case=case,
            order=number,
            role=step.role,
            organisation_label=step.organisation_label.strip(),
            text=step.text.strip(),
        )
        for number, step in enumerate(steps, start=1)
    )


@transaction.atomic
def do_create_case(
    actor: Actor,
    *,
    title: str,
    summary: str,
    topic: str,
    age_band: str = "",
    area: str = "",
    org_type: str = "",
    lessons: str = "",
    members: list[MemberOrganisation] | None = None,
    author: MemberOrganisation | None = None,
    steps: list[Step] | None = None,
) -> CaseStudy:
    """A draft case (a member brings it, ``author``; or the secretariat writes it) with its path."""
    if author is not None:
        require_active(author)
    problems = []
    if not title.strip() or not summary.strip() or not topic.strip():
        problems.append(_("表題・概要・分野を入力してください。"))
    problems += _step_errors(steps or [])
    if problems:
        raise ValidationError(problems)
    case = CaseStudy.objects.create(
        platform=platform_of(actor),
        title=title.strip(),
        summary=summary,
        topic=topic.strip(),
        age_band=age_band.strip(),
        area=area.strip(),
        org_type=org_type.strip(),
        lessons=lessons,
        author=author,
    )
    case.members.set(members or [])
    _write_steps(actor, case, steps or [])
    log_action(
        "network.case_created",
        by=actor,
        platform=platform_of(actor),
        obj=case,
        data={"steps": len(steps or [])},
    )
    return case


@transaction.atomic
def do_update_case(
    actor: Actor,
    case: CaseStudy,
    member: MemberOrganisation | None,
    *,
    title: str,
    summary: str,
    topic: str,
    age_band: str = "",
    area: str = "",
    org_type: str = "",
    lessons: str = "",
    members: list[MemberOrganisation] | None = None,
    steps: list[Step],
) -> CaseStudy:
    """Rewrite a case and its whole path; a shared case stays shared only if still anonymous."""
    case = CaseStudy.objects.select_for_update().get(pk=case.pk)
    if not can_edit(case, member):
        raise ValidationError(_("この事例は変更できません（共有した事例は事務局が変更します）。"))
    problems = []
    if not title.strip() or not summary.strip() or not topic.strip():
        problems.append(_("表題・概要・分野を入力してください。"))
    problems += _step_errors(steps)
    if problems:
        raise ValidationError(problems)
    case.title, case.summary, case.topic = title.strip(), summary, topic.strip()
    case.age_band, case.area, case.org_type, case.lessons = (
        age_band.strip(),
        area.strip(),
        org_type.strip(),
        lessons,
    )
    case.save()
    if members is not None:
        case.members.set(members)
    _write_steps(actor, case, steps)
    if case.status == CaseStudy.Status.SHARED:
        if not steps:
            raise ValidationError(_("共有中の事例です。対応・つなぎ方の段階を1つ以上残してください。"))
        found = personal_details(case)
        if found:  # the transaction rolls back: the shared case is left as it was
            raise ValidationError(
                [
                    _("共有中の事例に個人が特定できる情報が入っています。匿名化してから保存してください。"),
                    *found,
                ]
            )
    log_action(
        "network.case_updated", by=actor, platform=platform_of(actor), obj=case, data={"steps": len(steps)}
    )
    return case


@transaction.atomic
def do_add_step(
    actor: Actor, case: CaseStudy, *, role: str, organisation_label: str, text: str
) -> ReferralStep:
    if role not in ReferralStep.Role.values:
        raise ValidationError(_("段階が正しくありません。"))
    if not organisation_label.strip() or not text.strip():
        raise ValidationError(_("団体（種類）と内容を入力してください。"))
    case = CaseStudy.objects.select_for_update().get(pk=case.pk)
    last = case.steps.aggregate(n=Max("order"))["n"] or 0
    step = ReferralStep.objects.create(
        platform=platform_of(actor),
        case=case,
        order=last + 1,
        role=role,
        organisation_label=organisation_label.strip(),
        text=text.strip(),
    )
    log_action(
        "network.case_step_added", by=actor, platform=platform_of(actor), obj=case, data={"order": step.order}
    )
    return step


@transaction.atomic
def do_share_case(actor: Actor, case: CaseStudy) -> CaseStudy:
    """Share the case with the members, only when no personal detail remains and the path has steps."""
    case = CaseStudy.objects.select_for_update().get(pk=case.pk)
    if not case.steps.exists():
        raise ValidationError(_("対応・つなぎ方の段階を1つ以上書いてから共有してください。"))
    problems = personal_details(case)
    if problems:
        raise ValidationError(
            [_("個人が特定できる情報が残っています。匿名化してから共有してください。"), *problems]
        )
    case.status = CaseStudy.Status.SHARED
    case.save(update_fields=["status", "updated_at"])
    # the audit entry counts, never quotes: no case text in the log
    log_action(
        "network.case_shared",
        by=actor,
        platform=platform_of(actor),
        obj=case,
        data={"steps": case.steps.count()},
    )
    return case
