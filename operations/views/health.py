"""``/healthz`` for load balancers (from memory) and ``/healthz?full=1`` for the operator."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from operations.queries import cheap_status, full_status


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    body, status = full_status() if request.GET.get("full") == "1" else cheap_status()
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
