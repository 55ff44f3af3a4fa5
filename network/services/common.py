"""Helpers shared by the network services: the refusal of a member who left, the pledge gate."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from network.models import Pledge, PledgeAcceptance
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


def current_pledge() -> Pledge | None:
    return Pledge.objects.order_by("-version").first()


def has_pledged(member: MemberOrganisation) -> bool:
    """True when the member accepted the newest version of the pledge (a new version asks again)."""
    pledge = current_pledge()
    return pledge is not None and PledgeAcceptance.objects.filter(pledge=pledge, member=member).exists()


def require_pledge(member: MemberOrganisation) -> None:
    if not has_pledged(member):
        raise ValidationError(
            _("%(name)s はプラットフォームの守秘義務の誓約（最新版）に同意していません。")
            % {"name": member.name}
        )
