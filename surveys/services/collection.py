"""Web answering: starting (with an invitation code or on the open web), saving pages, submitting."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import log_action
from surveys import logic
from surveys.codes import normalise_code
from surveys.models import Invitation, Mode, Prospect, QuestionnaireVersion, Response, Section, Survey
from surveys.services.questionnaire import bump_revision


class AnswerRefused(Exception):
    """A polite refusal shown to the respondent (closed survey, code already used, …)."""


def _fielded(survey: Survey) -> QuestionnaireVersion:
    version = survey.fielded_version()
    if not survey.is_open or version is None:
        raise AnswerRefused(_("この調査は現在、回答を受け付けていません。"))
    return version


@transaction.atomic
def do_start_response(survey: Survey, *, invitation_code: str = "") -> Response:
    """A new (or the resumed) unfinished response. With a code: once per code; without: open web."""
    version = _fielded(survey)
    if not invitation_code:
        if not survey.allow_open_web:
            raise AnswerRefused(
                _("この調査は、郵送でお届けした招待コードをお持ちの方にご回答いただいています。")
            )
        return Response.objects.create(
            platform=survey.platform, survey=survey, version=version, mode=Mode.OPEN_WEB
        )
    code = normalise_code(invitation_code)
    invitation = Invitation.objects.select_for_update().filter(survey=survey, code=code).first()
    if invitation is None:
        raise AnswerRefused(
            _("招待コード「%(code)s」が見つかりません。お手元の依頼状のコードをご確認ください。")
            % {"code": code}
        )
    if invitation.used_at is not None:
        raise AnswerRefused(
            _(
                "この招待コードでは、すでにご回答をいただいています。ご協力ありがとうございました。回答は1つのコードにつき1回です。"
            )
        )
    if (draft := invitation.draft) is not None:
        return draft
    sample = invitation.sample
    response = Response.objects.create(
        platform=survey.platform,
        survey=survey,
        version=version,
        mode=Mode.WEB,
        stratum=invitation.stratum,
        weight=sample.design_weight(invitation.stratum) if sample is not None else None,
    )
    invitation.draft = response
    invitation.save(update_fields=["draft"])
    return response


@transaction.atomic
def do_save_page(
    response: Response, section: Section, data: Any, *, check_required: bool = True
) -> list[tuple[str, str]]:
    """Store the answers of one page; returns [(answer code, error)] and stores nothing if any."""
    response = Response.objects.select_for_update().get(pk=response.pk)
    if response.submitted_at is not None:
        raise AnswerRefused(_("この回答はすでに送信されています。"))
    answers = dict(response.answers)
    errors: list[tuple[str, str]] = []
    for question in section.questions.order_by("order", "id"):
        for code in question.answer_codes():
            answers.pop(code, None)
        if not logic.is_visible(question, answers):
            continue
        values, problems = logic.parse_question(question, data)
        errors.extend((question.code, p) for p in problems)
        if check_required and not problems and logic.missing_required(question, values):
            errors.append((question.code, _("この設問は回答が必要です。")))
        answers.update(values)
    if errors:
        return errors
    response.answers = logic.prune_hidden(response.version, answers)
    response.save(update_fields=["answers"])
    return []


@transaction.atomic
def do_submit(response: Response) -> Response:
    """Finish a web response: required answers present, the invitation used once, answers unlinked."""
    response = Response.objects.select_for_update().get(pk=response.pk)
    if response.submitted_at is not None:
        return response
    _fielded(response.survey)
    answers = logic.prune_hidden(response.version, response.answers)
    for question in logic.visible_questions(response.version, answers):
        if logic.missing_required(question, answers):
            raise AnswerRefused(_("まだ回答していない必須の設問があります。"))
    invitation = Invitation.objects.select_for_update().filter(draft=response).first()
    now = timezone.now()
    if invitation is not None:
        used = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
            used_at=now, used_mode=Mode.WEB, draft=None
        )
        if not used:
            raise AnswerRefused(_("この招待コードでは、すでにご回答をいただいています。"))
        response.organisation_id = invitation.organisation_id
        # A listed organisation that is not a member: its answers name it (organisation surveys
        # only; a resident's invitation has no prospect, so resident answers stay unlinked).
        response.prospect = Prospect.objects.filter(invitation=invitation).first()
    response.answers = answers
    response.submitted_at = now
    response.save(update_fields=["answers", "submitted_at", "organisation", "prospect"])
    bump_revision(response.survey)
    log_action(
        "survey.response_submitted",
        platform=response.platform,
        obj=response.survey,
        data={"mode": response.mode},
        label="respondent",
    )
    return response
