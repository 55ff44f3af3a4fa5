"""Shared fixtures for the directory tests: the HSDS example data set and JSON-schema validators."""

from __future__ import annotations

import datetime
import functools
import json
from pathlib import Path
from typing import Any

import jsonschema
from django.conf import settings
from django_scopes import scope
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from directory.models import Address, Location, Organization, Schedule, Service, ServiceAtLocation
from directory.services.tabular import do_import_hsds

# The HSDS 3.0 schemas and examples vendored in the repository (CC BY-SA 4.0, see vendor/hsds/README.md).
HSDS = Path(settings.BASE_DIR) / "vendor" / "hsds"
EXAMPLE = HSDS / "examples" / "csv"
SCHEMA = HSDS / "schema"
EXAMPLE_SERVICE = "ac148810-d857-441c-9679-408f346de14b"
EXAMPLE_ORGANIZATION = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
EXAMPLE_SAL = "e94c9f38-1e8f-4564-91d4-d53501ab1765"
EXAMPLE_TAXONOMY = "5c4d79d7-cc55-470e-9f1f-8cad074e4892"
EXAMPLE_TERM = "3f7b145d-84af-42d7-8fae-eaca714b02b2"


@functools.cache
def load(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA / name).read_text())


@functools.cache
def registry() -> Registry:
    resources = [
        (p.name, Resource.from_contents(json.loads(p.read_text()), default_specification=DRAFT202012))
        for p in SCHEMA.glob("*.json")
    ]
    return Registry().with_resources(resources)


@functools.cache
def validator(name: str) -> jsonschema.protocols.Validator:
    schema = load(name)
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    return cls(schema, registry=registry(), format_checker=jsonschema.FormatChecker())


def page_validator(item_schema: str) -> jsonschema.protocols.Validator:
    openapi = load("openapi.json")
    page = dict(openapi["components"]["schemas"]["Page"])
    page["required"] = [
        "total_items",
        "total_pages",
        "page_number",
        "size",
        "first_page",
        "last_page",
        "empty",
    ]
    page["properties"] = {**page["properties"], "contents": {"type": "array"}}
    page["required"].append("contents")
    return jsonschema.Draft202012Validator(page, format_checker=jsonschema.FormatChecker())


def root_validator() -> jsonschema.protocols.Validator:
    openapi = load("openapi.json")
    schema = openapi["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    schema = {**schema, "required": ["version", "profile", "openapi_url"]}
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def import_example(platform) -> None:  # type: ignore[no-untyped-def]
    with scope(platform=platform):
        do_import_hsds(platform, EXAMPLE)


def make_local_service(
    platform, name: str, *, published: bool = True, postcode: str = "516-8601", **extra
) -> Service:  # type: ignore[no-untyped-def]
    """A service with an organisation, a location with an address and coordinates, and opening hours."""
    with scope(platform=platform):
        org = Organization.objects.create(
            platform=platform, name=f"{name}の運営団体", name_kana="うんえいだんたい"
        )
        service = Service.objects.create(
            platform=platform, organization=org, name=name, is_published=published, **extra
        )
        location = Location.objects.create(
            platform=platform, name=f"{name}の窓口", latitude=34.4875, longitude=136.7092
        )
        Address.objects.create(
            platform=platform,
            location=location,
            address_1="岩渕1-7-29",
            city="伊勢市",
            state_province="三重県",
            postal_code=postcode,
        )
        ServiceAtLocation.objects.create(platform=platform, service=service, location=location)
        Schedule.objects.create(
            platform=platform,
            service=service,
            freq="WEEKLY",
            byday="MO,TU,WE,TH,FR",
            opens_at=datetime.time(8, 30),
            closes_at=datetime.time(17, 15),
        )
        return service
