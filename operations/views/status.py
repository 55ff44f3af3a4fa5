"""The operator's view for the secretariat admin: health of every part and the scheduler's runs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.decorators import SECRETARIAT_ADMIN, role_required
from operations.queries import job_table
from operations.services.health import full_status


@never_cache
@require_GET
@role_required(*SECRETARIAT_ADMIN)
def status(request: HttpRequest, platform_slug: str) -> HttpResponse:
    health, code = full_status()
    return render(
        request, "operations/status.html", {"health": health, "jobs": job_table(), "http_status": code}
    )
