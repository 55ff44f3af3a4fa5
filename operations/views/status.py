"""The operator's view for the secretariat admin: health of every part and the scheduler's runs."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from operations.queries import full_status, job_table


@never_cache
@require_GET
@permission_required("operations.view_status")
def status(request: StaffRequest) -> HttpResponse:
    health, code = full_status()
    return render(
        request, "operations/status.html", {"health": health, "jobs": job_table(), "http_status": code}
    )
