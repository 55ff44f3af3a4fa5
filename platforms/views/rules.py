"""The secretariat's settings of its platform (名称, contacts, 規約, membership rules)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from platforms.forms.rules import PlatformRulesForm
from platforms.services.rules import do_update_rules
from tsunagari.lib.permissions import permission_required

if TYPE_CHECKING:  # accounts sits above platforms: its request types are annotations only
    from accounts.http import StaffRequest


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
