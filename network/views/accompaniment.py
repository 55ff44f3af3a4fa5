"""The prefecture's accompaniment of its municipalities (市町村伴走支援), per municipality."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from network import queries
from network.forms.pages import EngagementForm
from network.services import engagements as services
from tsunagari.lib.jiscode import is_prefecture
from tsunagari.lib.views import attempt


@require_http_methods(["GET", "POST"])
@permission_required("network.view_engagements")
def accompaniment(request: StaffRequest) -> HttpResponse:
    form = EngagementForm(request.POST or None)
    if request.method == "POST":
        if not request.actor.can("network.manage"):
            raise PermissionDenied
        if form.is_valid() and attempt(
            request,
            lambda: services.do_record_engagement(request.actor, **form.cleaned_data),
            _("記録しました。"),
            form,
        ):
            return redirect("network:accompaniment", request.platform.slug)
    context = {
        "rows": queries.accompaniment(request.platform),
        "form": form
        if request.actor.can("network.manage") and is_prefecture(request.platform.code)
        else None,
        "prefecture": is_prefecture(request.platform.code),
    }
    return render(request, "network/accompaniment.html", context)
