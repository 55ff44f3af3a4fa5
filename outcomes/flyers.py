"""A flyer's tracked QR code and its A4 PDF (segno, the QR library events already uses for check-in).

The QR code and the printed short link point at the flyer's TrackedLink (``/p/<slug>/go/<code>``),
so each click is counted and a first contact through it is attributed to the flyer's batch.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import segno
from django.db.models import Sum
from django.http import HttpRequest
from django.urls import reverse

from consultations.models import Consulter, LinkClickDay
from outcomes.models import Flyer
from tsunagari.lib.jpcalendar import wareki_date
from tsunagari.lib.pdf import template_to_pdf


def link_url(request: HttpRequest, flyer: Flyer) -> str:
    return request.build_absolute_uri(
        reverse("consultations:go", args=[flyer.platform.slug, flyer.tracked_link.code])
    )


def qr_svg(url: str, title: str) -> str:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=6, border=4, title=title or None)
    return buffer.getvalue().decode()


def qr_data_uri(url: str, title: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(url, title).encode()).decode()


@dataclass
class Reach:
    clicks: int
    first_contacts: int


def reach(flyer: Flyer) -> Reach:
    clicks = LinkClickDay.objects.filter(link=flyer.tracked_link).aggregate(total=Sum("clicks"))["total"] or 0
    return Reach(int(clicks), Consulter.objects.filter(source=flyer.tracked_link).count())


def pdf(request: HttpRequest, flyer: Flyer) -> bytes:
    url = link_url(request, flyer)
    services = list(flyer.services.prefetch_related("phones").order_by("name"))
    context = {
        "flyer": flyer,
        "platform": flyer.platform,
        "url": url,
        "qr": qr_data_uri(url, flyer.title),
        "services": services,
        "issued": wareki_date(flyer.updated_at.date()),
    }
    return template_to_pdf("outcomes/print/flyer.html", context)
