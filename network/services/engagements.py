"""The prefecture's accompaniment of municipalities (市町村伴走支援): one row per engagement."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from audit.services import log_action
from network.models import Engagement
from network.services.common import platform_of
from tsunagari.lib.jiscode import is_prefecture, prefecture_of, validate_code


@transaction.atomic
def do_record_engagement(
    actor: Actor,
    *,
    municipality_code: str,
    municipality_name: str,
    kind: str,
    held_on: datetime.date,
    participants: str,
    issues: str = "",
    next_steps: str = "",
) -> Engagement:
    """Recorded on a prefecture's platform, for one of its own municipalities."""
    platform = platform_of(actor)
    if not is_prefecture(platform.code):
        raise ValidationError(_("市町村伴走支援は都道府県のプラットフォームで記録します。"))
    errors: dict[str, str] = {}
    try:
        validate_code(municipality_code)
    except ValidationError as error:
        errors["municipality_code"] = " ".join(error.messages)
    else:
        if is_prefecture(municipality_code) or prefecture_of(municipality_code) != platform.code:
            errors["municipality_code"] = _("団体コード %(code)s はこの都道府県の市町村ではありません。") % {
                "code": municipality_code
            }
    if kind not in Engagement.Kind.values:
        errors["kind"] = _("種類が正しくありません。")
    if not municipality_name.strip():
        errors["municipality_name"] = _("市町村名を入力してください。")
    if not participants.strip():
        errors["participants"] = _("参加者（部署）を入力してください。")
    if errors:
        raise ValidationError(errors)
    engagement = Engagement.objects.create(
        platform=platform,
        municipality_code=municipality_code,
        municipality_name=municipality_name.strip(),
        kind=kind,
        held_on=held_on,
        participants=participants.strip(),
        issues=issues,
        next_steps=next_steps,
    )
    log_action(
        "network.engagement_recorded",
        by=actor,
        platform=platform,
        obj=engagement,
        data={"municipality": municipality_code, "kind": kind},
    )
    return engagement
