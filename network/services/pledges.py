"""The confidentiality pledge (設置要綱の守秘義務): versions and acceptances."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from audit.services import log_action
from network.models import Pledge, PledgeAcceptance
from network.queries import current_pledge
from network.services.common import platform_of, require_active
from partnership.models import MemberOrganisation


@transaction.atomic
def do_publish_pledge(actor: Actor, *, text: str, effective_from: datetime.date) -> Pledge:
    """A new version of the pledge; every member must accept it again before seeing needs/offers."""
    if not text.strip():
        raise ValidationError(_("誓約の本文を入力してください。"))
    previous = current_pledge()
    pledge = Pledge.objects.create(
        platform=platform_of(actor),
        version=(previous.version + 1) if previous else 1,
        text=text.strip(),
        effective_from=effective_from,
    )
    log_action(
        "network.pledge_published",
        by=actor,
        platform=platform_of(actor),
        obj=pledge,
        data={"version": pledge.version},
    )
    return pledge


@transaction.atomic
def do_accept_pledge(actor: Actor, member: MemberOrganisation) -> PledgeAcceptance:
    """Record that ``actor.user`` accepted the newest pledge for ``member`` (idempotent)."""
    require_active(member)
    pledge = current_pledge()
    if pledge is None:
        raise ValidationError(_("このプラットフォームにはまだ守秘義務の誓約がありません。"))
    if actor.user is None:
        raise ValidationError(_("誓約にはログインが必要です。"))
    acceptance, created = PledgeAcceptance.objects.get_or_create(
        pledge=pledge,
        member=member,
        defaults={"platform": platform_of(actor), "accepted_by": actor.user, "accepted_at": timezone.now()},
    )
    if created:
        log_action(
            "network.pledge_accepted",
            by=actor,
            platform=platform_of(actor),
            obj=acceptance,
            data={"version": pledge.version, "member": str(member.uuid)},
        )
    return acceptance
