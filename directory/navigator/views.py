"""Resident pages: home, search, service page, guided questions, map. GET only, no login."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.http import PlatformRequest
from directory.fallback import fallback_window
from directory.hours import humanise
from directory.models import Service
from directory.navigator import queries
from directory.navigator.cards import cards
from directory.navigator.easy import easy_japanese
from directory.navigator.forms import GuideForm, SearchForm
from directory.opening import next_opening, runs_every_day
from directory.search import Near, search_services
from directory.taxonomy import CATEGORIES
from platforms.desks import desks_of

PAGE_SIZE = 20
GUIDE_STEPS = ("who", "category", "how", "when")


def _public_platform(request: PlatformRequest):
    platform = request.platform
    if not platform.is_public:
        raise Http404
    return platform


@require_GET
@easy_japanese
def home(request: PlatformRequest) -> HttpResponse:
    from partnership.models import MemberOrganisation

    platform = request.platform
    context = {
        "desks": desks_of(platform),
        "form": SearchForm(),
        "categories": CATEGORIES,
        "member_count": MemberOrganisation.objects.on_public_register().count(),
        "crisis_lines": list(Service.objects.crisis_lines()[:3]) if platform.is_public else [],
    }
    return render(request, "directory/navigator/home.html", context)


@require_GET
@easy_japanese
def search(request: PlatformRequest) -> HttpResponse:
    platform = _public_platform(request)
    form = SearchForm(request.GET)
    results = page = after_hours = None
    if form.is_valid():
        data = form.cleaned_data
        choices = {key: data[key] for key in ("category", "who", "how", "free")}
        # Without a choice every public service of the platform may be found: the index's own
        # scope says as much, and the search needs no filter (and no join) for it.
        within = queries.filtered_services(**choices) if any(choices.values()) else None
        now = timezone.now()
        if data["open_now"]:
            candidates = within if within is not None else queries.filtered_services()
            within = Service.objects.filter(pk__in=queries.open_now_ids(candidates, now))
        area = data["postcode"]
        page = data["page"] or 1
        results = search_services(
            data["q"],
            platform=platform,
            within=within,
            near=Near(area_code=area.code) if area else None,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
        # Each card written once and kept until the directory changes; "open now" per request.
        services = cards([hit.service_id for hit in results.hits], platform, now)
        if data["open_now"] and page == 1 and not any(not s.is_national for s in services):
            # Nothing local is open (at night, on a Sunday): the national 24-hour lines first,
            # then where to turn when the local windows open again.
            lines = list(queries.national_24h_lines())
            after_hours = {"lines": lines, "fallback": fallback_window(platform, now)}
            shown = {line.pk for line in lines}
            services = [s for s in services if s.pk not in shown]
    else:
        services = []
    query = request.GET.copy()
    query.pop("page", None)
    q = form.cleaned_data["q"] if results is not None and page == 1 else ""
    context = {
        # The platform's own desks that the words typed ask for (チャット, LINE, 相談) come first.
        "desks": queries.desks_matching(desks_of(platform), q) if q else [],
        # A search that finds nothing shows where to turn instead of a bare 0 results.
        "fallback": fallback_window(platform, timezone.now()) if results and not services else None,
        "form": form,
        "results": results,
        "services": services,
        "page": page,
        "has_next": bool(results and page and (results.more or results.total > page * PAGE_SIZE)),
        "query": query.urlencode(),
        "categories": CATEGORIES,
        "guided": request.GET.get("guided") == "1",
        "after_hours": after_hours,
    }
    return render(request, "directory/navigator/search.html", context)


@require_GET
@easy_japanese
def service_page(request: PlatformRequest, uuid: str) -> HttpResponse:
    _public_platform(request)
    qs = queries.with_schedules(Service.objects.public().select_related("organization")).prefetch_related(
        "phones", "service_areas", "service_at_locations__location__addresses"
    )
    service = get_object_or_404(qs, uuid=uuid)
    now = timezone.now()
    schedules = queries.schedules_of(service)
    open_now = queries.service_is_open(service, now)
    every_day = runs_every_day(schedules)
    context = {
        "service": service,
        "open_now": open_now,
        # After hours, at lunch (9:00〜12:00 and 13:00〜16:00) or on a holiday: when it opens again.
        "next_opening": None if open_now else next_opening(schedules, now, open_on_holidays=every_day),
        "hours": humanise(schedules, open_on_holidays=every_day),
        "locations": [sal.location for sal in service.service_at_locations.all()],
        "terms": service.terms(),
    }
    return render(request, "directory/navigator/service.html", context)


@require_GET
@easy_japanese
def guide(request: PlatformRequest) -> HttpResponse:
    """The guided questions, one per page, as plain GET forms (works without JavaScript)."""
    _public_platform(request)
    form = GuideForm(request.GET)
    form.is_valid()
    answers = {name: form.cleaned_data.get(name, "") for name in GUIDE_STEPS}
    asked = [name for name in GUIDE_STEPS if name in request.GET]
    step = len(asked)
    if step >= len(GUIDE_STEPS):
        params = {name: answers[name] for name in ("who", "category", "how") if answers[name]}
        if answers["when"] == "now":
            params["open_now"] = "on"
        params["guided"] = "1"
        return redirect(f"{reverse('directory:search', args=[request.platform.slug])}?{urlencode(params)}")
    field = form[GUIDE_STEPS[step]]
    context = {
        "form": form,
        "field": field,
        "step": step + 1,
        "steps": len(GUIDE_STEPS),
        "hidden": [(name, request.GET.get(name, "")) for name in asked],
    }
    return render(request, "directory/navigator/guide.html", context)


@require_GET
@easy_japanese
def service_map(request: PlatformRequest) -> HttpResponse:
    """Every public location on a Leaflet map, and the same list as text (no JS or tiles needed)."""
    _public_platform(request)
    from directory.navigator.queries import map_locations

    locations = map_locations()
    context = {
        "locations": locations,
        "with_coordinates": [loc for loc in locations if loc["latitude"] is not None],
        "tile_url": settings.DIRECTORY_MAP_TILES,
        "tile_attribution": settings.DIRECTORY_MAP_ATTRIBUTION,
    }
    return render(request, "directory/navigator/map.html", context)
