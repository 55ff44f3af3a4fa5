"""Reads of the accounts app: invitation links and the invitation a link names, a platform's staff
and open invitations, the last admin, an account's sign-in limits."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from axes.models import AccessAttempt
from django.conf import settings
from django.core import signing
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Invitation, LoginDelay, Role, User

if TYPE_CHECKING:
    from platforms.models import Platform

INVITATION_SALT = "accounts.invitation"


def invitation_token(invitation: Invitation) -> str:
    """The signed part of the invitation link (signed with SECRET_KEY; old keys in
    SECRET_KEY_FALLBACKS still verify during a rotation)."""
    return signing.TimestampSigner(salt=INVITATION_SALT).sign(invitation.uuid.hex)


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link names, if its signature holds and it is younger than ``Invitation.DAYS``
    (None otherwise: a changed, made-up or expired link). Used or cancelled ones are returned; the
    caller checks ``is_open``."""
    try:
        value = signing.TimestampSigner(salt=INVITATION_SALT).unsign(
            token, max_age=datetime.timedelta(days=Invitation.DAYS)
        )
    except signing.BadSignature:
        return None
    with scopes_disabled():  # the link names no platform: its signed invitation does
        return Invitation.objects.select_related("platform", "organisation").filter(uuid=value).first()


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("accounts:invitation", args=[invitation_token(invitation)])


def open_invitations(platform: Platform) -> QuerySet[Invitation]:
    """The platform's invitations that can still be accepted."""
    return Invitation.objects.filter(
        platform=platform, accepted_at=None, cancelled_at=None, expires_at__gt=timezone.now()
    ).select_related("organisation", "invited_by")


def staff_roles(platform: Platform) -> QuerySet[Role]:
    """Who holds a role on the platform, by role and address."""
    return (
        Role.objects.filter(platform=platform)
        .select_related("user", "organisation")
        .order_by("kind", "user__email")
    )


def roles_of(user: User) -> QuerySet[Role]:
    """The roles of an account, on every platform, by 団体コード."""
    return user.roles.select_related("platform").order_by("platform__code")


def is_last_admin(role: Role) -> bool:
    """Whether the role is its platform's only 事務局（管理者）."""
    return (
        role.kind == Role.SECRETARIAT_ADMIN
        and not Role.objects.filter(platform=role.platform, kind=Role.SECRETARIAT_ADMIN)
        .exclude(pk=role.pk)
        .exists()
    )


def login_wait(username: str) -> datetime.timedelta:
    """How long the account name must wait before its next sign-in try (zero when it may)."""
    delay = LoginDelay.objects.filter(username=username.strip().lower()[:254]).first()
    return delay.wait(timezone.now()) if delay is not None else datetime.timedelta(0)


def lock_state(user: User) -> dict[str, Any]:
    """What the staff page shows of an account's sign-in limits."""
    delay = LoginDelay.objects.filter(username=user.email.lower()).first()
    return {
        "failures": delay.failures if delay else 0,
        "wait": delay.wait(timezone.now()) if delay else datetime.timedelta(0),
        "locked_addresses": AccessAttempt.objects.filter(
            username=user.email.lower(), failures_since_start__gte=settings.AXES_FAILURE_LIMIT
        ).count(),
    }
