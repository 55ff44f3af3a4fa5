"""Helpers of the network views: the member a page acts for."""

from __future__ import annotations

from accounts.http import StaffRequest
from accounts.models import Role
from partnership.models import MemberOrganisation


def member_of(request: StaffRequest) -> MemberOrganisation | None:
    """The member organisation of member staff; None for the secretariat (who sees everything)."""
    role = request.role
    if role is not None and role.kind == Role.MEMBER_STAFF:
        return role.organisation
    return None
