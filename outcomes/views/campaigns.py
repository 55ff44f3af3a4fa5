"""Campaigns: per-medium figures with CTR/CPC recomputed and every disagreement flagged; import."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from consultations.models import TrackedLink
from outcomes import dashboard, queries
from outcomes.forms.pages import CampaignForm, ImportForm, MediaLinksForm
from outcomes.importing import parse_file
from outcomes.models import Campaign, CampaignMedium
from outcomes.services import campaigns as service
from outcomes.views.editing import take_undo
from tsunagari.lib.views import attempt


@require_http_methods(["GET", "POST"])
@permission_required("outcomes.view")
def campaign_list(request: StaffRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None)
    if request.method == "POST":
        if not request.actor.can("outcomes.manage"):
            return HttpResponse(status=403)
        if form.is_valid():
            campaign = service.do_save_campaign(request.platform, form.cleaned_data, by=request.actor)
            return redirect("outcomes:campaign", request.platform.slug, campaign.uuid)
    return render(
        request,
        "outcomes/campaigns.html",
        {"campaigns": Campaign.objects.all(), "form": form, "undo": take_undo(request)},
    )


@require_http_methods(["GET", "POST"])
@permission_required("outcomes.view")
def campaign_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """The media table; a POST imports the agency's sheet (all rows or none, the bad cell named)."""
    campaign = get_object_or_404(Campaign, uuid=uuid)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not request.actor.can("outcomes.manage"):
            return HttpResponse(status=403)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if attempt(
                request,
                lambda: service.do_import_media(
                    campaign, parse_file(upload.read(), upload.name), by=request.actor
                ),
                _("媒体別の実績を取り込みました。"),
            ):
                return redirect("outcomes:campaign", request.platform.slug, campaign.uuid)
    return _detail(request, campaign, form, MediaLinksForm(_media(campaign)))


def _detail(
    request: StaffRequest, campaign: Campaign, form: ImportForm, links_form: MediaLinksForm, status: int = 200
) -> HttpResponse:
    rows, total = queries.campaign_report(campaign)
    media = dashboard.campaign_lines(None, request.platform)
    line = next((c for c in media if c.campaign.pk == campaign.pk), None)
    context = {
        "campaign": campaign,
        "rows": rows,
        "total": total,
        "form": form,
        "line": line,
        "links_form": links_form,
        "has_links": TrackedLink.objects.exists(),
    }
    return render(request, "outcomes/campaign.html", context, status=status)


def _media(campaign: Campaign) -> list[CampaignMedium]:
    return list(CampaignMedium.objects.filter(campaign=campaign).select_related("tracked_link"))


@permission_required("outcomes.manage")
@require_http_methods(["GET", "POST"])
def campaign_links(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """Join each medium to its tracked link (all choices saved together, or none). A refusal shows
    the page again with the choices as they were made, so nothing has to be chosen twice. A GET
    (another platform's or a made-up campaign: 404) goes to the campaign page."""
    campaign = get_object_or_404(Campaign, uuid=uuid)
    if request.method != "POST":
        return redirect("outcomes:campaign", request.platform.slug, campaign.uuid)
    form = MediaLinksForm(_media(campaign), request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else field
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
    elif attempt(
        request,
        lambda: service.do_link_media(campaign, form.chosen(), by=request.actor),
        _("媒体と計測リンクの対応を保存しました。"),
    ):
        return redirect(f"{request.path.removesuffix('links/')}#links")
    return _detail(request, campaign, ImportForm(), form, status=400)
