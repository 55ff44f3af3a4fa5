"""Services for search and navigator tests, created through the real models (and signals)."""

from __future__ import annotations

import datetime as dt

from django_scopes import scopes_disabled

from directory.models import (
    Address,
    Attribute,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)
from platforms.models import Platform


def make_service(platform: Platform, name: str, description: str = "", **extra) -> Service:  # type: ignore[no-untyped-def]
    """A published service of ``platform`` (extra: org, terms, area, point, phone, hours, fields)."""
    with scopes_disabled():
        org_name = extra.pop("org", "テスト相談センター")
        organization, _ = Organization.objects.get_or_create(platform=platform, name=org_name)
        terms = extra.pop("terms", ())
        area = extra.pop("area", None)
        point = extra.pop("point", None)
        address = extra.pop("address", None)
        phone = extra.pop("phone", None)
        hours = extra.pop("hours", ())
        fields = {"is_published": True, **extra}
        service = Service.objects.create(
            platform=platform, organization=organization, name=name, description=description, **fields
        )
        for code in terms:
            term = TaxonomyTerm.objects.get(platform=None, code=code)
            Attribute.objects.create(
                platform=platform,
                link_id=service.uuid,
                link_entity="service",
                taxonomy_term=term,
                service=service,
            )
        if area is not None:
            ServiceArea.objects.create(platform=platform, service=service, name=area, municipality_code=area)
        if point is not None or address is not None:
            location = Location.objects.create(
                platform=platform,
                name=f"{name}の窓口",
                latitude=point[0] if point else None,
                longitude=point[1] if point else None,
            )
            if address is not None:
                Address.objects.create(platform=platform, location=location, **address)
            ServiceAtLocation.objects.create(platform=platform, service=service, location=location)
        if phone:
            Phone.objects.create(platform=platform, service=service, number=phone)
        for byday, opens, closes in hours:
            Schedule.objects.create(
                platform=platform,
                service=service,
                freq="WEEKLY",
                byday=byday,
                opens_at=dt.time.fromisoformat(opens),
                closes_at=dt.time.fromisoformat(closes),
            )
        return service
