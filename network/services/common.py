"""Helpers shared by the network services: the platform acted on, the refusal of a member who left."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from partnership.models import MemberOrganisation
from platforms.models import Platform


def platform_of(actor: Actor) -> Platform:
    """The platform the actor acts on (services are only called inside one)."""
    if actor.platform is None:
        raise ValueError("network services act on a platform")
    return actor.platform


def require_active(member: MemberOrganisation) -> None:
    if not member.is_active:
        raise ValidationError(
            _("%(name)s は%(status)sしたため、投稿・応諾はできません。")
            % {"name": member.name, "status": member.get_status_display()}
        )
