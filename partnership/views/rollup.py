"""The prefecture's roll-up of its municipal platforms (counts only)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from partnership.rollup import rollup_rows


@require_GET
@permission_required("partnership.view_rollup")
def rollup(request: StaffRequest) -> HttpResponse:
    platform = request.platform
    if not platform.is_prefecture:
        raise Http404
    return render(request, "partnership/rollup.html", {"rows": rollup_rows(platform)})
