"""Nested HSDS JSON objects (compiled/service.json, organization.json, service_at_location.json).

A ``Writer`` builds the objects of one response from prefetched rows and remembers every object
it emitted; ``finish()`` then loads the attributes and metadata of all of them with two queries
(they link to any row by id), so a page of fully nested services costs a fixed number of queries.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from directory import hsds
from directory.models import (
    Attribute,
    Contact,
    Location,
    Metadata,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)

T = hsds.BY_NAME
LOCATION_PREFETCH_PATHS = [
    "languages",
    "addresses",
    "accessibility",
    "contacts__phones__languages",
    "phones__languages",
    "schedules",
]
LOCATION_PREFETCH = LOCATION_PREFETCH_PATHS


def service_prefetch(prefix: str = "", *, with_locations: bool = True) -> list[Any]:
    """Prefetches for fully nested services (``prefix`` when reached through another relation)."""
    items: list[Any] = [
        f"{prefix}organization",
        f"{prefix}program",
        f"{prefix}phones__languages",
        f"{prefix}schedules",
        f"{prefix}service_areas",
        f"{prefix}languages",
        f"{prefix}funding",
        f"{prefix}cost_options",
        f"{prefix}required_documents",
        f"{prefix}contacts__phones__languages",
    ]
    if with_locations:
        items += [f"{prefix}service_at_locations__phones", f"{prefix}service_at_locations__schedules"]
        items += [f"{prefix}service_at_locations__location__{p}" for p in LOCATION_PREFETCH_PATHS]
    return items


class Writer:
    def __init__(self, *, extras: bool = True) -> None:
        self.extras = extras
        self.emitted: list[tuple[str, str, dict[str, Any]]] = []  # (entity, id, object)

    def row(self, obj: Any, name: str) -> dict[str, Any]:
        table = T[name]
        data = hsds.to_json(obj, table, extras=self.extras)
        self.emitted.append((table.entity, data["id"], data))
        return data

    def rows(self, objs: Any, name: str) -> list[dict[str, Any]]:
        return [self.row(obj, name) for obj in objs]

    # --- nested objects ---------------------------------------------------------------------

    def phone(self, phone: Phone) -> dict[str, Any]:
        data = self.row(phone, "phones")
        data["languages"] = self.rows(phone.languages.all(), "languages")
        return data

    def contact(self, contact: Contact) -> dict[str, Any]:
        data = self.row(contact, "contacts")
        data["phones"] = [self.phone(p) for p in contact.phones.all()]
        return data

    def location(self, location: Location) -> dict[str, Any]:
        data = self.row(location, "locations")
        data["languages"] = self.rows(location.languages.all(), "languages")
        data["addresses"] = self.rows(location.addresses.all(), "addresses")
        data["contacts"] = [self.contact(c) for c in location.contacts.all()]
        data["accessibility"] = self.rows(location.accessibility.all(), "accessibility")
        data["phones"] = [self.phone(p) for p in location.phones.all()]
        data["schedules"] = self.rows(location.schedules.all(), "schedules")
        return data

    def service_list_item(self, service: Service) -> dict[str, Any]:
        """compiled/service_list.json: one-to-one fields plus organization and program."""
        data = self.row(service, "services")
        data["organization"] = hsds.to_json(service.organization, T["organizations"], extras=self.extras)
        if service.program is not None:
            data["program"] = hsds.to_json(service.program, T["programs"], extras=self.extras)
        return data

    def service(self, service: Service, *, with_locations: bool = True) -> dict[str, Any]:
        """compiled/service.json: fully nested."""
        data = self.service_list_item(service)
        data["phones"] = [self.phone(p) for p in service.phones.all()]
        data["schedules"] = self.rows(service.schedules.all(), "schedules")
        data["service_areas"] = self.rows(service.service_areas.all(), "service_areas")
        if with_locations:
            data["service_at_locations"] = [
                self.service_at_location_nested(s) for s in service.service_at_locations.all()
            ]
        data["languages"] = self.rows(service.languages.all(), "languages")
        data["funding"] = self.rows(service.funding.all(), "funding")
        data["cost_options"] = self.rows(service.cost_options.all(), "cost_options")
        data["required_documents"] = self.rows(service.required_documents.all(), "required_documents")
        data["contacts"] = [self.contact(c) for c in service.contacts.all()]
        return data

    def service_at_location_nested(self, sal: ServiceAtLocation) -> dict[str, Any]:
        data = self.row(sal, "service_at_location")
        data["phones"] = [self.phone(p) for p in sal.phones.all()]
        data["schedules"] = self.rows(sal.schedules.all(), "schedules")
        data["location"] = self.location(sal.location)
        return data

    def service_at_location_list_item(self, sal: ServiceAtLocation) -> dict[str, Any]:
        data = self.row(sal, "service_at_location")
        data["location"] = hsds.to_json(sal.location, T["locations"], extras=self.extras)
        data["service"] = self.service_list_item(sal.service)
        return data

    def service_at_location(self, sal: ServiceAtLocation) -> dict[str, Any]:
        """compiled/service_at_location.json: fully nested, with its service."""
        data = self.service_at_location_nested(sal)
        data["contacts"] = [
            self.contact(c)
            for c in Contact.objects.filter(platform_id=sal.platform_id, service_at_location_ref=sal.uuid)
        ]
        data["service"] = self.service(sal.service, with_locations=False)
        return data

    def organization_list_item(self, org: Organization) -> dict[str, Any]:
        return self.row(org, "organizations")

    def organization(
        self, org: Organization, services: QuerySet[Service], *, full_service: bool
    ) -> dict[str, Any]:
        """compiled/organization.json with its (public) services, simple or fully nested."""
        data = self.row(org, "organizations")
        data["funding"] = self.rows(org.funding.all(), "funding")
        data["contacts"] = [
            self.contact(c)
            for c in Contact.objects.filter(platform_id=org.platform_id, organization_ref=org.uuid)
        ]
        data["phones"] = [self.phone(p) for p in org.phones.all()]
        locations = Location.objects.filter(
            platform_id=org.platform_id, organization_ref=org.uuid
        ).prefetch_related(*LOCATION_PREFETCH)
        data["locations"] = [self.location(loc) for loc in locations]
        data["programs"] = self.rows(org.programs.all(), "programs")
        data["organization_identifiers"] = self.rows(
            org.organization_identifiers.all(), "organization_identifiers"
        )
        if full_service:
            data["services"] = [self.service(s) for s in services.prefetch_related(*service_prefetch())]
        else:
            data["services"] = [
                self.row(s, "services") for s in services.select_related("organization", "program")
            ]
        return data

    # --- attributes and metadata -------------------------------------------------------------

    def finish(self, platform_ids: set[int] | None = None) -> None:
        """Attach ``attributes`` and ``metadata`` to every emitted object (two queries)."""
        ids = {uuid.UUID(object_id) for _entity, object_id, _data in self.emitted}
        if not ids:
            return
        attributes = Attribute.objects.filter(link_id__in=ids).select_related("taxonomy_term")
        metadata = Metadata.objects.filter(resource_id__in=ids)
        if platform_ids is not None:
            attributes = attributes.filter(platform_id__in=platform_ids)
            metadata = metadata.filter(platform_id__in=platform_ids)
        by_link: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for attribute in attributes:
            item = hsds.to_json(attribute, T["attributes"], extras=self.extras)
            item["taxonomy_term"] = term_json(attribute.taxonomy_term)
            by_link[str(attribute.link_id)].append(item)
        changes: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in metadata:
            changes[str(row.resource_id)].append(hsds.to_json(row, T["metadata"], extras=self.extras))
        for _entity, object_id, data in self.emitted:
            if object_id in by_link:
                data["attributes"] = by_link[object_id]
            if object_id in changes:
                data["metadata"] = changes[object_id]


def term_json(term: TaxonomyTerm) -> dict[str, Any]:
    return hsds.to_json(term, T["taxonomy_terms"])


def schedule_json(schedule: Schedule) -> dict[str, Any]:
    return hsds.to_json(schedule, T["schedules"])
