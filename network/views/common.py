"""Helpers of the network views: the member a page acts for, the pledge gate."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect

from accounts.http import StaffRequest
from accounts.models import Role
from network import queries
from partnership.models import MemberOrganisation


def member_of(request: StaffRequest) -> MemberOrganisation | None:
    """The member organisation of member staff; None for the secretariat (who sees everything)."""
    role = request.role
    if role is not None and role.kind == Role.MEMBER_STAFF:
        return role.organisation
    return None


def pledge_gate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A member who has not accepted the newest pledge is sent to it: the view's reads of needs,
    offers and cases raise ``queries.PledgeRequired`` for it (``queries.require_pledge``)."""

    @wraps(view)
    def gated(request: StaffRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except queries.PledgeRequired:
            return redirect("network:pledge", request.platform.slug)

    return gated
