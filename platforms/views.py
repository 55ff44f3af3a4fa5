from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from platforms import homes
from platforms.forms import PlatformRulesForm
from platforms.services import do_update_rules
from tsunagari.lib.permissions import permission_required

if TYPE_CHECKING:  # accounts sits above platforms: its request types are annotations only
    from accounts.http import PlatformRequest, StaffRequest

HOME_TITLES = {
    "secretariat_admin": gettext_lazy("事務局ホーム"),
    "secretariat_staff": gettext_lazy("事務局ホーム"),
    "counsellor": gettext_lazy("相談員ホーム"),
    "member_staff": gettext_lazy("会員団体ホーム"),
    "viewer": gettext_lazy("閲覧者ホーム"),
}


@require_GET
@permission_required("platforms.view_dashboard")
def dashboard(request: StaffRequest) -> HttpResponse:
    """Each role's home: the blocks of work the apps give for it (platforms.homes)."""
    role = request.role
    blocks = homes.blocks_for(request.platform, role)
    return render(
        request,
        "platforms/dashboard.html",
        {"blocks": blocks, "title": HOME_TITLES.get(role.kind, gettext_lazy("ホーム"))},
    )


@require_http_methods(["GET", "POST"])
@permission_required("platforms.change_settings")
def settings_view(request: StaffRequest) -> HttpResponse:
    platform = request.platform
    form = PlatformRulesForm(request.POST or None, instance=platform)
    if request.method == "POST" and form.is_valid():
        do_update_rules(form.save(commit=False), form.changed_data, actor=request.actor)
        messages.success(request, _("設定を保存しました。"))
        return redirect("platforms:settings", platform.slug)
    return render(request, "platforms/settings.html", {"form": form})


@require_GET
def terms(request: PlatformRequest) -> HttpResponse:
    """The platform's 規約 (text and/or the URL of the official one); public."""
    platform = request.platform
    if not (platform.terms_text or platform.bylaws_url):
        raise Http404
    return render(request, "platforms/terms.html")


@require_GET
def privacy(request: PlatformRequest) -> HttpResponse:
    """How the platform handles personal information (its own text, else the standard one); public."""
    return render(request, "platforms/privacy.html")
