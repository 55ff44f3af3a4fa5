"""Directory rows for the サポートリスト and gap-analysis tests: a service with everything it prints."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django_scopes import scopes_disabled

from directory import taxonomy
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


def term(code: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.get(platform=None, uuid=taxonomy.term_id(code))


def make_entry(
    platform: Platform,
    name: str,
    *,
    organization: str = "相談センター",
    categories: Sequence[str] = ("cat-money",),
    phone: str = "",
    address: str = "",
    hours: Sequence[tuple[str, str, str]] = (("MO,TU,WE,TH,FR", "09:00", "17:00"),),
    areas: Sequence[tuple[str, str]] = (),
    **fields: object,
) -> Service:
    """A published service with its organisation, phone, location, schedules, categories and areas."""
    with scopes_disabled():
        org, _created = Organization.objects.get_or_create(platform=platform, name=organization)
        service = Service.objects.create(
            platform=platform, organization=org, name=name, **{"is_published": True, **fields}
        )
        if phone:
            Phone.objects.create(platform=platform, service=service, number=phone)
        if address:
            location = Location.objects.create(platform=platform, name=f"{organization} 本所")
            Address.objects.create(
                platform=platform,
                location=location,
                address_1=address,
                city="岐阜市",
                state_province="岐阜県",
                postal_code="500-8570",
            )
            ServiceAtLocation.objects.create(platform=platform, service=service, location=location)
        for byday, opens, closes in hours:
            Schedule.objects.create(
                platform=platform,
                service=service,
                freq="WEEKLY",
                byday=byday,
                opens_at=datetime.time.fromisoformat(opens),
                closes_at=datetime.time.fromisoformat(closes),
            )
        for code in categories:
            Attribute.objects.create(
                platform=platform,
                link_id=service.uuid,
                link_entity="service",
                taxonomy_term=term(code),
                service=service,
            )
        for code, area_name in areas:
            ServiceArea.objects.create(
                platform=platform, service=service, name=area_name, municipality_code=code
            )
        return service
