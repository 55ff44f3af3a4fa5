"""The directory's blocks on each role's home (platforms.homes)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from directory.models import Service, ServiceChange
from platforms.homes import Block, Line
from platforms.models import Platform

SHOWN = 8


def directory_home(platform: Platform, role: Any, now: datetime.datetime) -> Iterator[Block]:
    slug = platform.slug
    if role.is_secretariat:
        pending = ServiceChange.objects.filter(status=ServiceChange.Status.PENDING).count()
        yield Block(
            _("確認待ちの窓口情報の変更申請"),
            count=pending,
            url=reverse("directory:changes", args=[slug]),
            order=30,
        )
    elif role.kind == "viewer":
        published = Service.objects.filter(is_published=True, is_national=False).count()
        yield Block(
            _("掲載中の支援・相談窓口"),
            count=published,
            url=reverse("directory:services", args=[slug]),
            order=20,
        )
    elif role.kind == "member_staff" and role.organisation_id:
        services = list(
            Service.objects.filter(member_id=role.organisation_id)
            .annotate(pending=Count("changes", filter=Q(changes__status=ServiceChange.Status.PENDING)))
            .order_by("name")
            .only("uuid", "name", "is_published")[: SHOWN + 1]
        )
        lines = [
            Line(
                service.name,
                url=reverse("directory:service", args=[slug, service.uuid]),
                note=_("変更申請を確認中")
                if service.pending
                else (_("公開中") if service.is_published else _("非公開")),
            )
            for service in services[:SHOWN]
        ]
        yield Block(
            _("自団体の支援・相談窓口と変更申請"),
            url=reverse("directory:services", args=[slug]),
            lines=lines,
            empty=_("登録された窓口はまだありません。"),
            order=30,
            more=reverse("directory:services", args=[slug]) if len(services) > SHOWN else "",
        )
