"""iCalendar (RFC 5545) for the public feed and one event, and the check-in QR code."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable

import segno
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from tsunagari.lib.downloads import attachment_response


def _escape(text: str) -> str:
    return (
        (text or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF + space (never splitting a character)."""
    out: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode("utf-8"))
            current = b""
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def _stamp(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(events: Iterable[Event], *, base_url: str, name: str) -> str:
    now = timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//tsunagari//events//JA",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
        "X-WR-TIMEZONE:Asia/Tokyo",
    ]
    for event in events:
        url = base_url + reverse("events:detail", args=[event.platform.slug, event.slug])
        ends = event.ends_at or event.starts_at + datetime.timedelta(hours=2)
        location = ", ".join(part for part in (event.venue, event.venue_address) if part)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uuid}@tsunagari",
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART:{_stamp(event.starts_at)}",
            f"DTEND:{_stamp(ends)}",
            f"SUMMARY:{_escape(event.title)}",
            f"DESCRIPTION:{_escape((event.summary + chr(10) + url).strip())}",
            f"URL:{url}",
        ]
        if location:
            lines.append(f"LOCATION:{_escape(location)}")
        if event.status == Event.Status.CANCELLED:
            lines.append("STATUS:CANCELLED")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def response(request: HttpRequest, events: list[Event], *, filename: str) -> HttpResponse:
    platform = getattr(request, "platform", None)
    name = platform.name if platform is not None else "tsunagari"
    body = calendar(events, base_url=request.build_absolute_uri("/").rstrip("/"), name=name)
    return attachment_response(body, filename, "text/calendar; charset=utf-8", inline=True)


def qr_svg(url: str, *, title: str = "") -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=6, border=4, title=title or None)
    return buffer.getvalue()
