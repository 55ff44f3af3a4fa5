"""The secretariat changes its platform's rules and settings (規約, membership rules, contacts)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from audit.services import log_action
from platforms.models import Platform

if TYPE_CHECKING:  # accounts sits above platforms: annotations only
    from accounts.permissions import Actor


@transaction.atomic
def do_update_rules(platform: Platform, changed: list[str], *, actor: Actor) -> None:
    platform.save()
    log_action(
        "platform.rules_changed",
        actor=actor.user,
        platform=platform,
        obj=platform,
        data={"changed": sorted(changed)},
        by=actor,
    )
