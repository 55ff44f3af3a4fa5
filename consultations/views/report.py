"""Consultation statistics page (charts as server-rendered SVG) and the desk's casework settings."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import can, permission_required
from audit.services import log_action
from consultations import queries
from consultations.forms.casework import CaseworkSettingsForm, ReportForm
from consultations.models import CaseworkSettings


def _default_period() -> dict[str, datetime.date]:
    today = timezone.localdate()
    first = today.replace(day=1)
    last_month_end = first - datetime.timedelta(days=1)
    return {"date_from": last_month_end.replace(day=1), "date_to": last_month_end}


@require_GET
@permission_required("consultations.view_report")
def report(request: StaffRequest) -> HttpResponse:
    form = ReportForm(request.GET or _default_period())
    if not form.is_valid():
        return render(request, "consultations/staff/report.html", {"form": form}, status=400)
    platform = request.platform
    data = queries.build_report(platform, form.cleaned_data["date_from"], form.cleaned_data["date_to"])
    if not can(request.actor, "consultations.view_unsuppressed_report"):
        data = queries.suppress(data, queries.threshold_for(platform))
    charts = {
        key: queries.bars(data[key])
        for key in (
            "by_age_band",
            "by_topic",
            "by_channel",
            "by_hour",
            "response",
            "case_contacts_by_channel",
        )
    }
    charts["referral_outcomes"] = queries.bars(data["referrals"]["by_outcome"])
    return render(
        request, "consultations/staff/report.html", {"form": form, "report": data, "charts": charts}
    )


@require_http_methods(["GET", "POST"])
@permission_required("consultations.change_casework_settings")
def casework_settings(request: StaffRequest) -> HttpResponse:
    instance = CaseworkSettings.for_platform(request.platform)
    form = CaseworkSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        log_action("casework.settings", by=request.actor, obj=saved, data=form.cleaned_data)
        messages.success(request, _("設定を保存しました。"))
        return redirect("consultations:casework_settings", request.platform.slug)
    return render(
        request,
        "consultations/staff/casework_settings.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
