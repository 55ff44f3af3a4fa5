"""Invitations: the secretariat invites a person to a role; the person accepts with the mailed link."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Invitation, Role, User
from accounts.permissions import Actor
from accounts.queries import invitation_url
from audit.models import AuditEntry
from audit.services import log_action
from tsunagari.lib import mail


@transaction.atomic
def do_invite(*, email: str, name: str, kind: str, organisation: Any = None, actor: Actor) -> Invitation:
    """Invite a person to a role on the actor's platform: mail a signed link through the outbox.

    Nothing tells whether the address already has an account: no account is created or touched
    here, the mail and the audit entry are the same either way. An open invitation of the same
    address on this platform is replaced (its link stops working)."""
    platform = actor.platform
    assert platform is not None
    email = email.strip().lower()
    now = timezone.now()
    Invitation.objects.filter(platform=platform, email=email, accepted_at=None, cancelled_at=None).update(
        cancelled_at=now
    )
    invitation = Invitation.objects.create(
        platform=platform,
        email=email,
        name=name,
        kind=kind,
        organisation=organisation,
        invited_by=actor.user,
        expires_at=now + datetime.timedelta(days=Invitation.DAYS),
    )
    log_action(
        AuditEntry.ROLE_INVITED,
        by=actor,
        obj=invitation,
        data={"email": email, "kind": kind},
    )
    mail.queue_template(
        "accounts/email/invitation",
        {
            "invitation": invitation,
            "platform": platform,
            "url": invitation_url(invitation),
            "days": Invitation.DAYS,
            "invited_by": actor.user,
        },
        to=[email],
        platform=platform,
        key=f"invitation:{invitation.uuid}",
        kind="account.invitation",
        sensitive=True,
    )
    return invitation


class InvitationClosed(Exception):
    """The invitation was accepted, cancelled or has expired meanwhile."""


@transaction.atomic
def do_accept_invitation(
    invitation: Invitation, *, user: User | None, name: str = "", password: str = "", actor: Actor
) -> Role:
    """Turn an open invitation into a role. ``user`` is the signed-in account of the invited
    address, or None for a new person, whose account is created with ``name`` and ``password``
    (validated by the form). Usable once: the invitation row is locked and checked again."""
    with scopes_disabled():  # the invitation page is outside any platform's pages
        locked = Invitation.objects.select_for_update().select_related("platform").get(pk=invitation.pk)
    if not locked.is_open:
        raise InvitationClosed
    if user is None:
        if User.objects.filter(email__iexact=locked.email).exists():
            raise InvitationClosed  # an account appeared meanwhile: sign in with it instead
        user = User.objects.create_user(email=locked.email, password=password, name=name or locked.name)
        created = True
    else:
        if user.email.lower() != locked.email:
            raise PermissionError("the invitation is for another address")
        created = False
    role, _new = Role.objects.update_or_create(
        user=user,
        platform=locked.platform,
        defaults={"kind": locked.kind, "organisation": locked.organisation},
    )
    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    log_action(
        AuditEntry.ROLE_GRANTED,
        actor=user,
        platform=locked.platform,
        obj=role,
        data={
            "email": user.email,
            "kind": locked.kind,
            "invitation": str(locked.uuid),
            "invited_by": locked.invited_by.email if locked.invited_by else "",
            "new_account": created,
        },
        by=actor,
    )
    return role


@transaction.atomic
def do_cancel_invitation(invitation: Invitation, *, actor: Actor) -> None:
    if invitation.accepted_at is not None or invitation.cancelled_at is not None:
        return
    invitation.cancelled_at = timezone.now()
    invitation.save(update_fields=["cancelled_at"])
    log_action(
        AuditEntry.ROLE_INVITATION_CANCELLED,
        by=actor,
        obj=invitation,
        data={"email": invitation.email, "kind": invitation.kind},
    )
