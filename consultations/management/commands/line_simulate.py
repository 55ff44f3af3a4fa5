"""Act as LINE: sign and post webhook events for a platform, then show what came back.

    python manage.py line_simulate yamagata text "家族のことで相談したいです" --user Ualice
    python manage.py line_simulate yamagata image --file photo.jpg --user Ualice
    python manage.py line_simulate yamagata follow --user Ualice
    python manage.py line_simulate yamagata text "同じもの" --event-id 01ABC --redelivery

Events are signed with the channel secret stored for the platform and posted to
``--url`` (default SITE_URL) + /line/<slug>/webhook. When LINE_API_BASE points at
`manage.py line_fake_server`, a reply token is issued there first, image content is
uploaded there, and the answers the user received are printed after ``--wait`` seconds.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from consultations.line_api import signature
from consultations.line_fake import body_of, make_event
from consultations.models import Channel, ChannelKind
from platforms.commands import platform_of

KINDS = ["text", "sticker", "image", "postback", "follow", "unfollow", "unsend"]


def _call(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    if not url.startswith(("http://", "https://")):
        raise CommandError(f"not an http(s) URL: {url}")
    method = "POST" if data is not None else "GET"
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (local URLs from settings)
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class Command(BaseCommand):
    help = "Sign and post LINE webhook events to this server, like LINE does."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug")
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("text", nargs="?", default="")
        parser.add_argument("--user", default="U" + "5" * 32, help="LINE userId of the simulated person")
        parser.add_argument("--url", default=settings.SITE_URL)
        parser.add_argument("--file", help="image file to send (kind image)")
        parser.add_argument("--data", default="", help="postback data, e.g. ref=gads")
        parser.add_argument("--message-id", default="", help="message id (for unsend: the one to take back)")
        parser.add_argument("--event-id", default="", help="webhookEventId (repeat one to test redelivery)")
        parser.add_argument("--redelivery", action="store_true")
        parser.add_argument("--wait", type=float, default=3.0, help="seconds to wait for answers")

    def handle(self, *args, **o) -> None:
        platform = platform_of(o["slug"])
        with scope(platform=platform):
            channel = Channel.objects.filter(kind=ChannelKind.LINE).first()
            if channel is None or not channel.line_configured:
                raise CommandError(
                    f"{o['slug']} has no LINE channel; run line_channel {o['slug']} --secret … --token …"
                )
            secret = channel.line_channel_secret
        fake = settings.LINE_API_BASE.rstrip("/")
        is_fake = not fake.startswith("https://api.line.me")
        token = ""
        if is_fake and o["kind"] not in ("unfollow", "unsend"):
            status, raw = _call(
                f"{fake}/_sim/reply-token",
                json.dumps({"userId": o["user"]}).encode(),
                {"Content-Type": "application/json"},
            )
            token = json.loads(raw)["replyToken"] if status == 200 else ""
        event = make_event(
            o["kind"],
            o["user"],
            text=o["text"],
            reply_token=token,
            message_id=o["message_id"],
            data=o["data"],
            webhook_event_id=o["event_id"],
            redelivery=o["redelivery"],
        )
        if o["kind"] == "image":
            if not o["file"]:
                raise CommandError("kind image needs --file")
            if not is_fake:
                raise CommandError(
                    "images can only be simulated against line_fake_server (LINE_API_DATA_BASE)"
                )
            content = Path(o["file"]).read_bytes()
            ctype = "image/png" if o["file"].lower().endswith(".png") else "image/jpeg"
            _call(
                f"{settings.LINE_API_DATA_BASE.rstrip('/')}/_sim/content/{event['message']['id']}",
                content,
                {"Content-Type": ctype},
            )
        body = body_of(event)
        url = f"{o['url'].rstrip('/')}/line/{o['slug']}/webhook"
        status, raw = _call(
            url, body, {"Content-Type": "application/json", "X-Line-Signature": signature(secret, body)}
        )
        self.stdout.write(
            f"POST {url} webhookEventId={event['webhookEventId']} → {status} {raw.decode()[:200]}"
        )
        if is_fake and o["wait"] > 0:
            time.sleep(o["wait"])
            status, raw = _call(f"{fake}/_sim/sent/{o['user']}")
            for item in json.loads(raw) if status == 200 else []:
                self.stdout.write(f"  ← ({item['how']}) {item['text']}")
