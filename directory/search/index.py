"""Keep the search index in step with the directory.

``index_service(service)`` (re)writes one service's SearchEntry; the signal handlers below
call it whenever a service or anything its text comes from changes (organisation, locations
and addresses, service areas, taxonomy terms and the attributes that link them);
``rebuild(platform)`` redoes a whole platform (``manage.py rebuild_search_index``).
Everything runs in the caller's transaction, so the index never disagrees with committed data.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

import jaconv
from django.db import connections, models, router, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django_scopes import scopes_disabled

from directory.search.analysis import Analysis, analyse, normalise, token, trigrams
from directory.search.backends import scope_terms

NATIONAL = "000000"


ANALYSED_MAX = 20_000
_analysed: dict[str, Analysis] = {}


def _analyse_cached(text: str) -> Analysis:
    """``analyse`` of an indexed text, cached (names, descriptions and terms repeat across
    services); the oldest analyses go first beyond ``ANALYSED_MAX``. An import's texts may be
    put here ahead by another process (``_store``)."""
    found = _analysed.get(text)
    if found is None:
        found = _store(text, analyse(text))
    return found


def _store(text: str, analysis: Analysis) -> Analysis:
    if len(_analysed) >= ANALYSED_MAX and text not in _analysed:
        del _analysed[next(iter(_analysed))]
    _analysed[text] = analysis
    return analysis


@functools.lru_cache(maxsize=50_000)
def _trigrams(word: str) -> tuple[str, ...]:
    """``trigrams`` of one word, cached (the words of readings repeat across services): the
    trigrams of several words joined are those of the words together."""
    return trigrams((word,))


def _join(items: Iterable[str]) -> str:
    return " ".join(dict.fromkeys(item for item in items if item))


def _merge(texts: Iterable[str]) -> Analysis:
    """The analyses of several fields, each cached (names and terms repeat across services)."""
    parts = [_analyse_cached(text) for text in texts if text]
    return Analysis(
        words=tuple(dict.fromkeys(w for a in parts for w in a.words)),
        synonyms=tuple(dict.fromkeys(w for a in parts for w in a.synonyms)),
        readings=tuple(dict.fromkeys(w for a in parts for w in a.readings)),
        romaji=tuple(dict.fromkeys(w for a in parts for w in a.romaji)),
        lemmas=(),
    )


@functools.lru_cache(maxsize=20_000)
def _kana_readings(kana: str) -> tuple[str, str]:
    """ふりがな as a katakana reading and its romaji."""
    reading = token(jaconv.hira2kata(normalise(kana)))
    return reading, token(jaconv.kata2alphabet(reading)).lower()


def entry_fields(service, *, terms: list[str], locations: list, area_codes: list[str]) -> dict:
    """The SearchEntry columns of ``service`` given its related rows (no queries here)."""
    organization = service.organization
    title = _merge([service.name, service.alternate_name, organization.name, *terms])
    body = _merge(
        [
            service.description,
            service.eligibility_description,
            service.application_process,
            service.fees_description,
            service.department,
            organization.alternate_name,
            *(part for loc in locations for part in (loc.name, loc.city)),
        ]
    )
    kana = [_kana_readings(k) for k in (service.name_kana, organization.name_kana) if k]
    romaji = list(dict.fromkeys([*title.romaji, *body.romaji, *(r for _k, r in kana)]))
    point = next(
        ((loc.latitude, loc.longitude) for loc in locations if loc.latitude is not None), (None, None)
    )
    is_public = bool(service.is_published and service.status != service.Status.DEFUNCT)
    return {
        "platform_id": service.platform_id,
        # Names are also indexed by their readings, so that a name read as the resident typed
        # it (いばしょ: 居場所) is a name match (ranked first), not only a reading match.
        "title": _join([*title.words, *title.readings, *(k for k, _r in kana)]),
        "words": _join(body.words),
        "synonyms": _join([*title.synonyms, *body.synonyms]),
        "readings": _join([*title.readings, *body.readings, *(k for k, _r in kana)]),
        "romaji": _join(romaji),
        "grams": _join(gram for word in romaji for gram in _trigrams(word)),
        "is_public": is_public,
        "scope": scope_terms(service.platform_id, is_public, service.platform.is_public),
        "crisis_rank": 4 * service.is_crisis_line + 2 * service.is_24h + service.is_anonymous,
        "area_codes": f" {_join(area_codes)} " if area_codes else "",
        "latitude": point[0],
        "longitude": point[1],
        "sort_key": (service.name_kana or service.name)[:300],
    }


class _Place:
    """A location's name, city and coordinates, as the index needs them."""

    def __init__(self, name: str, city: str, latitude: float | None, longitude: float | None):
        self.name, self.city, self.latitude, self.longitude = name, city, latitude, longitude


def related_rows(service) -> dict:
    """Terms, places and area codes of one service (a few small queries)."""
    from directory.models import Attribute, ServiceArea, ServiceAtLocation

    terms = list(
        Attribute.objects.filter(service=service).values_list("taxonomy_term__name", flat=True).distinct()
    )
    places = []
    for sal in ServiceAtLocation.objects.filter(service=service).select_related("location"):
        loc = sal.location
        cities = [a.city for a in loc.addresses.all()] if loc.location_type == loc.Type.PHYSICAL else []
        places.append(_Place(loc.name, " ".join(cities), loc.latitude, loc.longitude))
    codes = [
        code or NATIONAL
        for code in ServiceArea.objects.filter(service=service).values_list("municipality_code", flat=True)
    ]
    if service.is_national or service.organization.is_national:
        codes.append(NATIONAL)
    if not codes:
        codes.append(service.platform.code)
    return {"terms": terms, "locations": places, "area_codes": codes}


def index_service(service) -> None:
    from directory.search.models import SearchEntry

    with scopes_disabled():
        fields = entry_fields(service, **related_rows(service))
        SearchEntry.objects.update_or_create(service_id=service.pk, defaults=fields)


def index_services(service_ids: Iterable[int]) -> int:
    from directory.models import Service

    count = 0
    with scopes_disabled():
        for service in Service.objects.filter(pk__in=list(service_ids)).select_related(
            "organization", "platform"
        ):
            index_service(service)
            count += 1
    return count


SERVICE_TEXTS = (
    "name",
    "alternate_name",
    "description",
    "eligibility_description",
    "application_process",
    "fees_description",
    "department",
)
SERVICE_VALUES = (
    "pk",
    "platform_id",
    *SERVICE_TEXTS,
    "name_kana",
    "is_published",
    "status",
    "is_crisis_line",
    "is_24h",
    "is_anonymous",
    "is_national",
)
ORGANIZATION_VALUES = ("name", "alternate_name", "name_kana", "is_national")


def index_services_bulk(service_ids: Iterable[int], *, chunk: int = 500, prefetch: Any = None) -> int:
    """(Re)write the entries of many services, ``chunk`` per transaction: the services and their
    terms, places and areas read in five queries per chunk (``related_rows`` makes a few per
    service) as plain values, the entries that changed deleted and inserted again with one
    prepared statement (unchanged ones are left alone). The same fields as ``index_service``;
    used by imports, which write their rows in bulk without signals. Returns the number of
    entries written.

    Before each transaction the chunk's service texts are analysed (Sudachi takes most of the
    time) into the analysis cache, so that the transaction, which reads the rows again and
    writes the entries, holds the database's write lock for a short while. ``prefetch``
    (``directory.search.prefetch.Prefetch``): analyses made ahead by another process, taken
    into the cache before each chunk (what it has not reached is analysed here)."""
    from directory.models import Service

    ids = sorted(set(service_ids))
    count = 0
    with scopes_disabled():
        for start in range(0, len(ids), chunk):
            part = ids[start : start + chunk]
            wanted = {
                text
                for texts in Service.objects.filter(pk__in=part).values_list(
                    *SERVICE_TEXTS, "organization__name", "organization__alternate_name"
                )
                for text in texts
                if text and text not in _analysed
            }
            if prefetch is not None and wanted:
                prefetch.drain(_store, wanted, limit=2 * chunk)
            for text in sorted(wanted):
                _analyse_cached(text)
            with transaction.atomic():
                entries = _changed(_entries(part))
                _write_entries([entry["service_id"] for entry in entries], entries)
            count += len(entries)
    return count


def _changed(entries: list[dict]) -> list[dict]:
    """The entries that differ from those stored (a service imported again unchanged keeps its
    entry: nothing to rewrite, in the table or its FTS index)."""
    from directory.search.models import SearchEntry

    if not entries:
        return entries
    names = [name for name in entries[0] if name != "service_id"]
    stored = {
        row[0]: row[1:]
        for row in SearchEntry.objects.filter(service_id__in=[e["service_id"] for e in entries]).values_list(
            "service_id", *names
        )
    }
    return [e for e in entries if stored.get(e["service_id"]) != tuple(e[name] for name in names)]


class _Row:
    """A service, its organisation or its platform read as plain values (what entry_fields
    reads of them)."""

    organization: Any
    platform: Any
    Status: Any

    def __getattr__(self, name: str) -> Any:  # the values named at __init__ (for type checkers)
        raise AttributeError(name)

    def __init__(self, names: Iterable[str], values: Iterable) -> None:
        self.__dict__.update(zip(names, values, strict=True))


def _entries(part: list[int]) -> list[dict]:
    from directory.models import Address, Attribute, Location, Service, ServiceArea, ServiceAtLocation

    services = []
    for values in Service.objects.filter(pk__in=part).values_list(
        *SERVICE_VALUES,
        *(f"organization__{name}" for name in ORGANIZATION_VALUES),
        "platform__code",
        "platform__is_public",
    ):
        service = _Row(SERVICE_VALUES, values[: len(SERVICE_VALUES)])
        service.Status = Service.Status
        rest = values[len(SERVICE_VALUES) :]
        service.organization = _Row(ORGANIZATION_VALUES, rest[: len(ORGANIZATION_VALUES)])
        service.platform = _Row(("code", "is_public"), rest[len(ORGANIZATION_VALUES) :])
        services.append(service)
    terms: dict[int, list[str]] = {}
    for service_id, name in (
        Attribute.objects.filter(service_id__in=part, taxonomy_term__isnull=False)
        .values_list("service_id", "taxonomy_term__name")
        .order_by("service_id", "id")
    ):
        names = terms.setdefault(service_id, [])
        if name not in names:
            names.append(name)
    located = list(
        ServiceAtLocation.objects.filter(service_id__in=part)
        .values_list(
            "service_id",
            "location_id",
            "location__name",
            "location__location_type",
            "location__latitude",
            "location__longitude",
        )
        .order_by("id")
    )
    cities: dict[int, list[str]] = {}
    for location_id, city in (
        Address.objects.filter(location_id__in={row[1] for row in located})
        .values_list("location_id", "city")
        .order_by("id")
    ):
        cities.setdefault(location_id, []).append(city)
    places: dict[int, list[_Place]] = {}
    physical = Location.Type.PHYSICAL
    for service_id, location_id, name, location_type, latitude, longitude in located:
        city = " ".join(cities.get(location_id, [])) if location_type == physical else ""
        places.setdefault(service_id, []).append(_Place(name, city, latitude, longitude))
    areas: dict[int, list[str]] = {}
    for service_id, code in (
        ServiceArea.objects.filter(service_id__in=part)
        .values_list("service_id", "municipality_code")
        .order_by("id")
    ):
        areas.setdefault(service_id, []).append(code or NATIONAL)
    entries = []
    for service in services:
        codes = list(areas.get(service.pk, []))
        if service.is_national or service.organization.is_national:
            codes.append(NATIONAL)
        if not codes:
            codes.append(service.platform.code)
        fields = entry_fields(
            service, terms=terms.get(service.pk, []), locations=places.get(service.pk, []), area_codes=codes
        )
        fields["service_id"] = service.pk
        entries.append(fields)
    return entries


def _write_entries(part: list[int], entries: list[dict]) -> None:
    """The chunk's old entries deleted and the new ones inserted with one prepared statement
    executed for all of them; the FTS table / vectors and the vocabulary follow with one
    statement each (``schema.bulk_begin``: their per-row triggers stand aside). Inside the
    caller's transaction."""
    from directory.search import schema
    from directory.search.models import SearchEntry

    connection = connections[router.db_for_write(SearchEntry)]
    fields = [f for f in SearchEntry._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    qn = connection.ops.quote_name
    table = qn(str(SearchEntry._meta.db_table))
    sql = (
        f"INSERT INTO {table} ({', '.join(qn(str(f.column)) for f in fields)}) "  # noqa: S608 (names from _meta)
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    text = [isinstance(f, models.TextField | models.CharField) for f in fields]
    rows = []
    for entry in entries:
        entry["indexed_at"] = now  # auto_now, as save() would
        rows.append(
            [
                entry[f.attname] if is_text else f.get_db_prep_save(entry[f.attname], connection)
                for f, is_text in zip(fields, text, strict=True)
            ]
        )
    with connection.cursor() as cursor:
        schema.bulk_begin(cursor)
        schema.bulk_delete(cursor, part)
        SearchEntry.objects.filter(service_id__in=part).delete()
        if rows:
            cursor.executemany(sql, rows)
        schema.bulk_fill(cursor, part)
        schema.bulk_end(cursor)


def rebuild(platform) -> int:
    """Reindex every service of ``platform`` and drop entries of services that are gone."""
    from directory.models import Service
    from directory.search.models import SearchEntry

    with transaction.atomic(), scopes_disabled():
        ids = list(Service.objects.filter(platform=platform).values_list("pk", flat=True))
        SearchEntry.objects.filter(platform=platform).exclude(service_id__in=ids).delete()
        return index_services(ids)


# --- signals ---------------------------------------------------------------------------------


def _services_of(instance) -> list[int]:
    """Ids of the services whose index text depends on ``instance``."""
    from directory import models as m

    with scopes_disabled():
        if isinstance(instance, m.Service):
            return [instance.pk]
        if isinstance(instance, m.Organization):
            return list(instance.services.values_list("pk", flat=True))
        if isinstance(instance, (m.ServiceArea, m.ServiceAtLocation)):
            return [instance.service_id]
        if isinstance(instance, m.Attribute):
            return [instance.service_id] if instance.service_id else []
        if isinstance(instance, m.Location):
            return list(
                m.ServiceAtLocation.objects.filter(location=instance).values_list("service_id", flat=True)
            )
        if isinstance(instance, m.Address):
            return list(
                m.ServiceAtLocation.objects.filter(location_id=instance.location_id).values_list(
                    "service_id", flat=True
                )
            )
        if isinstance(instance, m.TaxonomyTerm):
            return list(
                m.Attribute.objects.filter(taxonomy_term=instance, service__isnull=False).values_list(
                    "service_id", flat=True
                )
            )
    return []


def _on_change(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    from directory.models import Service

    if isinstance(instance, Service) and kwargs.get("signal") is post_delete:
        return  # its entry goes with it (CASCADE)
    index_services(_services_of(instance))


def _on_platform_change(sender, instance, **kwargs) -> None:
    """A platform made public or private: its services' ``open`` scope term follows."""
    if kwargs.get("raw"):
        return
    from directory.search.models import SearchEntry

    with scopes_disabled():
        for public in (True, False):
            SearchEntry.objects.filter(platform=instance, is_public=public).exclude(
                scope=scope_terms(instance.pk, public, instance.is_public)
            ).update(scope=scope_terms(instance.pk, public, instance.is_public))


def connect() -> None:
    from directory import models as m
    from platforms.models import Platform

    post_save.connect(_on_platform_change, sender=Platform, dispatch_uid="search-platform")

    for model in (
        m.Service,
        m.Organization,
        m.ServiceArea,
        m.ServiceAtLocation,
        m.Attribute,
        m.Location,
        m.Address,
        m.TaxonomyTerm,
    ):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"search-save-{model.__name__}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"search-delete-{model.__name__}")
