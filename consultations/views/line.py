"""POST /line/<slug>/webhook — LINE's webhook: verify, store durably, answer 200 at once."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import OperationalError
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_scopes import scope

from accounts.middleware import resolves_own_platform
from consultations.line_api import signature_is_valid
from consultations.models import Channel, ChannelKind
from consultations.services.line import BadWebhook, parse_events
from consultations.services.line_spool import do_accept_events
from platforms.models import Platform

log = logging.getLogger(__name__)

# LINE's webhook bodies are small (a few events); anything this large is not from LINE.
MAX_BODY_BYTES = 1024 * 1024
# Each web process keeps a platform's LINE channel (with its decrypted secret) this long, by
# slug, to spare the webhook two queries per request; a saved or deleted platform or channel
# clears it at once in the saving process. Unknown slugs are not kept.
CHANNEL_CACHE_SECONDS = 10.0
_channels: dict[str, tuple[float, Platform, Channel | None]] = {}


@receiver(post_save, sender=Channel)
@receiver(post_delete, sender=Channel)
@receiver(post_save, sender=Platform)
@receiver(post_delete, sender=Platform)
def _forget_channels(**kwargs: object) -> None:
    _channels.clear()


def _line_channel(slug: str, *, fresh: bool = False) -> tuple[Platform | None, Channel | None]:
    """The platform and its LINE channel, from this process's memory when read recently.

    While the database cannot be reached (a restart, a failover) the channel last read is used
    however old it is, so that verified events still reach the spool instead of a 503 that
    LINE resends only when redelivery is switched on. A process that never read the channel
    cannot verify a signature without the database: that request still fails (503).
    """
    now = time.monotonic()
    cached = _channels.get(slug)
    if cached is not None and cached[0] > now and not fresh:
        return cached[1], cached[2]
    try:
        platform = Platform.objects.filter(slug=slug).first()
        if platform is None:
            return None, None
        with scope(platform=platform):
            channel = Channel.objects.filter(kind=ChannelKind.LINE, is_active=True).first()
    except OperationalError:
        if cached is None:
            raise
        log.warning("LINE webhook: database unavailable, using the channel of %s read earlier", slug)
        return cached[1], cached[2]
    _channels[slug] = (now + CHANNEL_CACHE_SECONDS, platform, channel)
    return platform, channel


def _signed_by_current_or_previous(channel: Channel, body: bytes, header: str) -> bool:
    if signature_is_valid(channel.line_channel_secret, body, header):
        return True
    changed = channel.line_secret_changed_at
    return bool(
        channel.line_previous_secret
        and changed is not None
        and (timezone.now() - changed).total_seconds() < settings.LINE_SECRET_OVERLAP_SECONDS
        and signature_is_valid(channel.line_previous_secret, body, header)
    )


def _unchanged(platform: Platform, channel: Channel) -> bool:
    """Whether the cached channel is still the stored one (one indexed query, nothing decrypted:
    every save of a channel sets its ``updated_at``), so that a bad signature does not reload
    and decrypt the channel each time. False when the database cannot say (then reloaded)."""
    try:
        with scope(platform=platform):
            stored = (
                Channel.objects.filter(pk=channel.pk, is_active=True)
                .values_list("updated_at", flat=True)
                .first()
            )
    except OperationalError:
        return False
    return stored is not None and stored == channel.updated_at


# The platform comes from the cache above instead of PlatformMiddleware's query per request.
@resolves_own_platform
@csrf_exempt
@require_POST
def webhook(request: HttpRequest, platform_slug: str) -> JsonResponse:
    platform, channel = _line_channel(platform_slug)
    if platform is None:
        raise Http404("platform")
    if channel is None or not channel.line_configured:
        return JsonResponse({"error": "no LINE channel is configured for this platform"}, status=404)
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
        return JsonResponse({"error": f"body larger than {MAX_BODY_BYTES} bytes"}, status=413)
    body = request.body
    header = request.headers.get("X-Line-Signature", "")
    if not signature_is_valid(channel.line_channel_secret, body, header):
        # The secret may have been changed by another process since this one cached it: reload
        # (and decrypt) only if the channel row changed since, then accept the secret stored
        # before a change within the overlap window.
        if not _unchanged(platform, channel):
            platform, channel = _line_channel(platform_slug, fresh=True)
        if platform is None or channel is None or not _signed_by_current_or_previous(channel, body, header):
            return JsonResponse({"error": "X-Line-Signature does not match the body"}, status=400)
    try:
        events = parse_events(body)
    except BadWebhook as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    stored = spooled = 0
    if events:
        # Never a 5xx for a busy or absent database: kept in the spool instead (line_spool).
        with scope(platform=platform):
            stored, spooled = do_accept_events(channel, events)
    return JsonResponse({"received": len(events), "stored": stored, "spooled": spooled})
