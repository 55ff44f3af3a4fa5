"""The public member register (会員名簿): only consented fields of active members."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.http import PlatformRequest
from partnership.forms.register import RegisterFilterForm
from partnership.queries import public_card, public_register, type_counts

PAGE_SIZE = 50


@require_GET
def register(request: PlatformRequest) -> HttpResponse:
    if not request.platform.is_public:
        raise Http404
    form = RegisterFilterForm(request.GET or None)
    filters = form.filters()
    members = public_register(**filters).prefetch_related("fields")
    others = {k: v for k, v in filters.items() if k != "org_type"}
    counts = type_counts(public_register(**others))
    for row in counts:
        row["query"] = urlencode({**others, "org_type": row["value"]})
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "cards": [public_card(m) for m in page.object_list],
        "type_counts": counts,
        "filtered": bool(filters),
        "filters": filters,
    }
    return render(request, "partnership/register.html", context)
