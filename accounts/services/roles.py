"""Roles: the secretariat changes or removes a colleague's role (never the last admin's); the
operator's changes on the admin site go to the platform's audit log."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import Actor
from accounts.queries import is_last_admin
from audit.models import AuditEntry
from audit.services import log_action


@transaction.atomic
def do_change_role(role: Role, cleaned: dict, *, actor: Actor) -> str | None:
    """Change a role; returns an error message instead of leaving a platform without an admin."""
    if cleaned["kind"] != Role.SECRETARIAT_ADMIN and is_last_admin(role):
        return _("最後の事務局（管理者）の役割は変更できません。先に別の管理者を追加してください。")
    before = role.kind
    role.kind = cleaned["kind"]
    role.organisation = cleaned.get("organisation")
    role.save()
    log_action(
        AuditEntry.ROLE_CHANGED,
        by=actor,
        obj=role,
        data={"email": role.user.email, "from": before, "to": role.kind},
    )
    return None


@transaction.atomic
def do_revoke_role(role: Role, *, actor: Actor) -> str | None:
    if is_last_admin(role):
        return _("最後の事務局（管理者）の役割は削除できません。")
    log_action(
        AuditEntry.ROLE_REVOKED,
        by=actor,
        obj=role,
        data={"email": role.user.email, "kind": role.kind},
    )
    role.delete()
    return None


def do_log_role_by_operator(action: str, role: Role, *, actor: Actor, previous: str | None = None) -> None:
    """A role granted, changed or removed on the operator's admin site, in the audit log of the
    role's platform (called inside the admin's transaction)."""
    data: dict[str, Any] = {"email": role.user.email, "kind": role.kind, "via": "admin"}
    if previous is not None:
        data["from"] = previous
    log_action(action, by=actor, obj=role, platform=role.platform, data=data)
