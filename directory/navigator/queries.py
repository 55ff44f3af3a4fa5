"""Read logic of the navigator: the filters residents choose, as Service querysets."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet

from directory.models import Location, Schedule, Service
from directory.opening import is_open
from directory.search.analysis import analyse_query
from platforms.desks import Desk

# HSDS has no field for the channel; text and e-mail say whether one can write instead of call.
WRITTEN_CHANNEL_WORDS = ("チャット", "LINE", "ライン", "SNS", "メール")


def filtered_services(
    *, category: str = "", who: str = "", how: str = "", free: bool = False
) -> QuerySet[Service]:
    """Public services of the current platform scope narrowed by the resident's choices."""
    qs = Service.objects.public()
    if category:
        qs = qs.filter(pk__in=Service.objects.in_category(category).values("pk"))
    if who:
        # Services that name no target group are for anyone.
        qs = qs.filter(Q(target_groups__icontains=f'"{who}"') | Q(target_groups=[]))
    if free:
        qs = qs.filter(is_free=True)
    if how == "phone":
        qs = qs.filter(pk__in=Service.objects.filter(phones__isnull=False).values("pk"))
    elif how == "visit":
        qs = qs.filter(
            pk__in=Service.objects.filter(
                service_at_locations__location__location_type=Location.Type.PHYSICAL
            ).values("pk")
        )
    elif how == "chat":
        written = Q(email__gt="")
        for word in WRITTEN_CHANNEL_WORDS:
            written |= Q(name__icontains=word) | Q(description__icontains=word)
        qs = qs.filter(written)
    return qs


def national_24h_lines() -> QuerySet[Service]:
    """Public national 24-hour lines (crisis lines first): open whatever the hour."""
    return (
        Service.objects.public()
        .filter(is_national=True, is_24h=True)
        .select_related("organization")
        .prefetch_related("phones")
        .order_by("-is_crisis_line", "name_kana", "id")
    )


def with_schedules(qs: QuerySet[Service]) -> QuerySet[Service]:
    """Services with every schedule that applies to them (own, and of their locations)."""
    return qs.prefetch_related(
        Prefetch("schedules", queryset=Schedule.objects.all()),
        Prefetch("service_at_locations__schedules", queryset=Schedule.objects.all()),
        Prefetch("service_at_locations__location__schedules", queryset=Schedule.objects.all()),
    )


def schedules_of(service: Service) -> list[Schedule]:
    rows = list(service.schedules.all())
    for sal in service.service_at_locations.all():
        rows += list(sal.schedules.all()) + list(sal.location.schedules.all())
    return rows


def service_is_open(service: Service, at: dt.datetime) -> bool:
    return is_open(schedules_of(service), at, always_open=service.is_24h)


def open_now_ids(qs: QuerySet[Service], at: dt.datetime) -> list[int]:
    return [s.pk for s in with_schedules(qs) if service_is_open(s, at)]


def map_locations() -> list[dict]:
    """Physical locations of public services (current platform), with their services."""
    from directory.models import ServiceAtLocation

    rows: dict[int, dict] = {}
    sals = (
        ServiceAtLocation.objects.filter(
            service__in=Service.objects.public(), location__location_type=Location.Type.PHYSICAL
        )
        .select_related("service", "location")
        .prefetch_related("location__addresses")
        .order_by("location__name", "location_id", "service__name_kana")
    )
    for sal in sals:
        loc = sal.location
        row = rows.setdefault(
            loc.pk,
            {
                "name": loc.name,
                "address": " ".join(str(a) for a in loc.addresses.all()),
                "latitude": loc.latitude,
                "longitude": loc.longitude,
                "services": [],
            },
        )
        row["services"].append({"name": sal.service.name, "uuid": str(sal.service.uuid)})
    return list(rows.values())


def _terms(text: str) -> set[str]:
    analysis = analyse_query(text)
    # One-letter fragments (い, しょ's ショ) match too much to mean anything.
    return {t for t in (*analysis.words, *analysis.typed_readings, *analysis.readings) if len(t) > 1}


def desks_matching(desks: list[Desk], query: str) -> list[Desk]:
    """The platform's own desks that a search for ``query`` should show first: the query shares
    a word or a reading with the desk's name or keywords (チャット, らいん, 相談, アンケート)."""
    wanted = _terms(query)
    if not wanted:
        return []
    return [desk for desk in desks if wanted & _terms(" ".join((desk.title, *desk.keywords)))]
