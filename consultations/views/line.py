"""POST /line/<slug>/webhook — LINE's webhook: verify, store durably, answer 200 at once."""

from __future__ import annotations

import time

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from consultations.line_api import signature_is_valid
from consultations.models import Channel, ChannelKind
from consultations.services.line import BadWebhook, do_store_events, parse_events

# LINE's webhook bodies are small (a few events); anything this large is not from LINE.
MAX_BODY_BYTES = 1024 * 1024
# Each web process keeps the channel (with its decrypted secret) this long, to spare the
# webhook a query per event; a saved channel clears it at once in the saving process.
CHANNEL_CACHE_SECONDS = 10.0
_channels: dict[int, tuple[float, Channel | None]] = {}


@receiver(post_save, sender=Channel)
def _forget_channels(**kwargs: object) -> None:
    _channels.clear()


def _line_channel(platform_id: int) -> Channel | None:
    now = time.monotonic()
    cached = _channels.get(platform_id)
    if cached is not None and cached[0] > now:
        return cached[1]
    channel = Channel.objects.filter(kind=ChannelKind.LINE, is_active=True).first()
    _channels[platform_id] = (now + CHANNEL_CACHE_SECONDS, channel)
    return channel


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, platform_slug: str) -> JsonResponse:
    channel = _line_channel(request.platform.pk)  # type: ignore[attr-defined]
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
