"""Paper questionnaires keyed twice (double entry): matching keyings become a response, differing
ones wait for a reviewer who picks the value from the paper for every difference."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import log_action
from surveys.codes import normalise_code
from surveys.double_entry import META_FIELDS, differences
from surveys.models import Invitation, Mode, PaperEntry, Response, Survey
from surveys.services.questionnaire import bump_revision


@transaction.atomic
def do_enter_sheet(
    survey: Survey, *, sheet: str, invitation_code: str, stratum: str, answers: dict[str, Any], actor: Any
) -> tuple[PaperEntry, Response | None]:
    """Store one keying. The second keying of a sheet is compared with the first: if equal the
    response is stored; otherwise it waits for review (``Response`` None)."""
    sheet = sheet.strip()
    if not sheet:
        raise ValidationError(_("調査票番号を入力してください。"))
    if Response.objects.filter(survey=survey, paper_sheet=sheet).exists():
        raise ValidationError(_("調査票番号「%(s)s」はすでに登録されています。") % {"s": sheet})
    code = normalise_code(invitation_code) if invitation_code.strip() else ""
    if code:
        invitation = Invitation.objects.filter(survey=survey, code=code).first()
        if invitation is None:
            raise ValidationError(_("招待コード「%(code)s」はこの調査にありません。") % {"code": code})
        if invitation.used_at is not None:
            raise ValidationError(_("招待コード「%(code)s」はすでに回答に使われています。") % {"code": code})
        stratum = invitation.stratum  # the sample design decides the stratum
    existing = list(
        PaperEntry.objects.select_for_update().filter(survey=survey, sheet=sheet).order_by("pass_number")
    )
    if len(existing) >= 2:
        raise ValidationError(
            _("調査票番号「%(s)s」は2回入力済みです。相違の確認をしてください。") % {"s": sheet}
        )
    version = survey.fielded_version() or survey.current_version()
    try:
        entry = PaperEntry.objects.create(
            platform=survey.platform,
            survey=survey,
            version=version,
            sheet=sheet,
            invitation_code=code,
            stratum=stratum.strip()[:100],
            answers=answers,
            pass_number=len(existing) + 1,
            entered_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    except IntegrityError:
        raise ValidationError(_("同じ調査票が同時に入力されました。もう一度お試しください。")) from None
    log_action(
        "survey.paper_entered",
        actor=actor,
        platform=survey.platform,
        obj=survey,
        data={"sheet": sheet, "pass": entry.pass_number},
    )
    if entry.pass_number == 1 or differences(existing[0], entry):
        return entry, None
    return entry, _store(survey, existing[0], answers, code, entry.stratum, actor)


def _store(
    survey: Survey, first: PaperEntry, answers: dict[str, Any], code: str, stratum: str, actor: Any
) -> Response:
    now = timezone.now()
    weight = None
    if code:
        invitation = Invitation.objects.select_for_update().get(survey=survey, code=code)
        if invitation.used_at is not None:
            raise ValidationError(_("招待コード「%(code)s」はすでに回答に使われています。") % {"code": code})
        invitation.used_at, invitation.used_mode = now, Mode.PAPER
        invitation.save(update_fields=["used_at", "used_mode"])
        weight = invitation.sample.design_weight(invitation.stratum) if invitation.sample else None
    response = Response.objects.create(
        platform=survey.platform,
        survey=survey,
        version=first.version,
        mode=Mode.PAPER,
        stratum=stratum,
        weight=weight,
        answers=answers,
        paper_sheet=first.sheet,
        submitted_at=now,
    )
    bump_revision(survey)
    log_action(
        "survey.paper_stored", actor=actor, platform=survey.platform, obj=survey, data={"sheet": first.sheet}
    )
    return response


@transaction.atomic
def do_resolve_sheet(survey: Survey, first: PaperEntry, choices: dict[str, str], *, actor: Any) -> Response:
    """Store a sheet whose keyings differ, taking keying 1 or 2 for every difference."""
    second = PaperEntry.objects.filter(survey=survey, sheet=first.sheet, pass_number=2).first()
    if second is None:
        raise ValidationError(_("2回目の入力がまだありません。"))
    if Response.objects.filter(survey=survey, paper_sheet=first.sheet).exists():
        raise ValidationError(_("調査票番号「%(s)s」はすでに登録されています。") % {"s": first.sheet})
    answers = dict(first.answers)
    meta = {field: getattr(first, field) for field in META_FIELDS}
    for code, _a, b in differences(first, second):
        choice = choices.get(code)
        if choice not in ("1", "2"):
            raise ValidationError(
                _("すべての相違について、調査票を見てどちらが正しいか選んでください（%(code)s）。")
                % {"code": code}
            )
        if choice == "2":
            if code in META_FIELDS:
                meta[code] = b
            elif b is None:
                answers.pop(code, None)
            else:
                answers[code] = b
    return _store(survey, first, answers, meta["invitation_code"], meta["stratum"], actor)
