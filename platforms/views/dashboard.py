"""Each role's home page (the staff dashboard)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from platforms import homes
from tsunagari.lib.permissions import permission_required

if TYPE_CHECKING:  # accounts sits above platforms: its request types are annotations only
    from accounts.http import StaffRequest

HOME_TITLES = {
    "secretariat_admin": gettext_lazy("事務局ホーム"),
    "secretariat_staff": gettext_lazy("事務局ホーム"),
    "counsellor": gettext_lazy("相談員ホーム"),
    "member_staff": gettext_lazy("会員団体ホーム"),
    "viewer": gettext_lazy("閲覧者ホーム"),
}


@require_GET
@permission_required("platforms.view_dashboard")
def dashboard(request: StaffRequest) -> HttpResponse:
    """Each role's home: the blocks of work the apps give for it (platforms.homes)."""
    role = request.role
    blocks = homes.blocks_for(request.platform, role)
    return render(
        request,
        "platforms/dashboard.html",
        {"blocks": blocks, "title": HOME_TITLES.get(role.kind, gettext_lazy("ホーム"))},
    )
