"""POST /line/<slug>/webhook — LINE's webhook: verify, store durably, answer 200 at once."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from consultations.line_api import signature_is_valid
from consultations.models import Channel, ChannelKind
from consultations.services.line import BadWebhook, do_store_events, parse_events

# LINE's webhook bodies are small (a few events); anything this large is not from LINE.
MAX_BODY_BYTES = 1024 * 1024


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, platform_slug: str) -> JsonResponse:
    channel = Channel.objects.filter(kind=ChannelKind.LINE, is_active=True).first()
    if channel is None or not channel.line_configured:
        return JsonResponse({"error": "no LINE channel is configured for this platform"}, status=404)
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
        return JsonResponse({"error": f"body larger than {MAX_BODY_BYTES} bytes"}, status=413)
    body = request.body
    if not signature_is_valid(channel.line_channel_secret, body, request.headers.get("X-Line-Signature", "")):
        return JsonResponse({"error": "X-Line-Signature does not match the body"}, status=400)
    try:
        events = parse_events(body)
    except BadWebhook as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    stored = do_store_events(channel, events) if events else 0
    return JsonResponse({"received": len(events), "stored": stored})
