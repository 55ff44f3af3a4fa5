"""Organisation surveys beyond the members (issue 20): a list of organisations that are not
members yet, invited by mail with their own answer code; response rates by type and area.

Saitama surveyed NPOs that were not members; Shiga's survey reached 88 bodies and doubled as
recruitment; Ichihara surveyed outside agencies (seed 001).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import log_action
from partnership.models import MemberOrganisation
from surveys.models import Invitation, Prospect, Survey
from surveys.services.collection import unused_codes
from tsunagari.lib import mail

COLUMNS = {"団体名": "name", "種別": "org_type", "地域": "area", "メールアドレス": "email"}
MAX_ROWS = 2000


def fold(name: str) -> str:
    """The name as compared for duplicates: NFKC, no spaces, lower case (株式会社 Ａ = 株式会社A)."""
    return unicodedata.normalize("NFKC", name).replace(" ", "").replace("\u3000", "").lower()[:200]


def parse(data: bytes) -> list[dict[str, str]]:
    """Rows of the uploaded CSV (UTF-8 with or without BOM, or Shift_JIS from Excel)."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(_("文字コードを読めません。UTF-8かShift_JISのCSVにしてください。"))
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(_("列が足りません: %(cols)s") % {"cols": "、".join(missing)})
    rows = [{field: (row.get(column) or "").strip() for column, field in COLUMNS.items()} for row in reader]
    if len(rows) > MAX_ROWS:
        raise ValidationError(_("一度に取り込めるのは%(n)d行までです。") % {"n": MAX_ROWS})
    return rows


@transaction.atomic
def do_import_prospects(survey: Survey, data: bytes, *, actor: Any = None) -> int:
    """All rows or none: a row with no name or area, a bad e-mail, or an organisation already
    listed (in the file, in this survey, or a member) is refused with its row number."""
    rows = parse(data)
    problems: list[str] = []
    seen = {fold(name) for name in Prospect.objects.filter(survey=survey).values_list("name", flat=True)}
    members = {fold(name) for name in MemberOrganisation.objects.values_list("name", flat=True)}
    new: list[Prospect] = []
    for number, row in enumerate(rows, start=2):
        label = _("%(n)d行目") % {"n": number}
        if not row["name"]:
            problems.append(_("%(row)s: 団体名がありません。") % {"row": label})
            continue
        key = fold(row["name"])
        if key in members:
            problems.append(
                _("%(row)s: 「%(name)s」は既に会員です（会員には会員向けの招待を使ってください）。")
                % {"row": label, "name": row["name"]}
            )
        elif key in seen:
            problems.append(
                _("%(row)s: 「%(name)s」が重複しています。") % {"row": label, "name": row["name"]}
            )
        if not row["area"]:
            problems.append(_("%(row)s: 地域がありません。") % {"row": label})
        email = unicodedata.normalize("NFKC", row["email"])
        try:
            validate_email(email)
        except ValidationError:
            problems.append(
                _("%(row)s: メールアドレス「%(email)s」が正しくありません。")
                % {"row": label, "email": row["email"]}
            )
        seen.add(key)
        new.append(
            Prospect(
                platform=survey.platform,
                survey=survey,
                name=row["name"][:200],
                folded_name=key,
                org_type=row["org_type"][:60] or _("その他"),
                area=row["area"][:60],
                email=email,
            )
        )
    if problems:
        raise ValidationError(problems)
    if not new:
        raise ValidationError(_("取り込む行がありません。"))
    Prospect.objects.bulk_create(new)
    log_action(
        "survey.prospects_imported",
        actor=actor,
        platform=survey.platform,
        obj=survey,
        data={"count": len(new)},
    )
    return len(new)


@transaction.atomic
def do_invite_prospects(survey: Survey, *, survey_url: str, actor: Any = None) -> list[mail.OutboxMail]:
    """An answer code for every listed organisation not yet invited, and one request mail each
    through the outbox (the link carries the code; the key makes a retry send nothing twice)."""
    if not survey.is_open:
        raise ValidationError(_("調査が回答受付中ではないため、依頼メールは送れません。"))
    pending = list(Prospect.objects.select_for_update().filter(survey=survey, invitation__isnull=True))
    mails: list[mail.OutboxMail] = []
    now = timezone.now()
    for prospect, code in zip(pending, unused_codes(survey, len(pending)), strict=True):
        invitation = Invitation.objects.create(
            platform=survey.platform,
            survey=survey,
            code=code,
            stratum=f"{prospect.org_type}／{prospect.area}",
        )
        prospect.invitation = invitation
        prospect.invited_at = now
        prospect.save(update_fields=["invitation", "invited_at"])
        context = {
            "survey": survey,
            "prospect": prospect,
            "code": code,
            "url": f"{survey_url}?code={code}",
            "platform": survey.platform,
        }
        mails.append(
            mail.queue(
                to=[prospect.email],
                subject=render_to_string("surveys/email/prospect_invitation_subject.txt", context).strip(),
                body=render_to_string("surveys/email/prospect_invitation.txt", context),
                reply_to=[survey.platform.contact_email] if survey.platform.contact_email else None,
                platform=survey.platform,
                key=f"survey.prospect:{survey.uuid}:{prospect.uuid}",
                kind="survey.invitation",
            )
        )
    log_action(
        "survey.prospects_invited",
        actor=actor,
        platform=survey.platform,
        obj=survey,
        data={"count": len(mails)},
    )
    return mails


def rates(survey: Survey) -> dict[str, list[tuple[str, int, int]]]:
    """Response rates of the invited prospects by type and by area: (label, answered, invited)."""
    by: dict[str, dict[str, list[int]]] = {
        "type": defaultdict(lambda: [0, 0]),
        "area": defaultdict(lambda: [0, 0]),
    }
    for prospect in Prospect.objects.filter(survey=survey, invitation__isnull=False).select_related(
        "invitation"
    ):
        for dimension, label in (("type", prospect.org_type), ("area", prospect.area)):
            by[dimension][label][1] += 1
            by[dimension][label][0] += int(prospect.answered)
    return {dimension: sorted((k, a, i) for k, (a, i) in rows.items()) for dimension, rows in by.items()}
