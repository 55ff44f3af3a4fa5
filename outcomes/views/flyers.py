"""Flyers: chosen consultation windows and a tracked QR code on A4, with their distribution."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from outcomes import flyers
from outcomes.forms.pages import FlyerForm
from outcomes.models import Flyer
from outcomes.services import reports as service
from tsunagari.lib.downloads import PDF, attachment_response


@require_http_methods(["GET", "POST"])
@permission_required("outcomes.view")
def flyer_list(request: StaffRequest) -> HttpResponse:
    form = FlyerForm(request.POST or None)
    if request.method == "POST":
        if not request.actor.can("outcomes.manage"):
            return HttpResponse(status=403)
        if form.is_valid():
            flyer = service.do_save_flyer(request.platform, None, dict(form.cleaned_data), by=request.actor)
            messages.success(request, _("チラシを作成しました。"))
            return redirect("outcomes:flyer", request.platform.slug, flyer.uuid)
    rows = [(f, flyers.reach(f)) for f in Flyer.objects.select_related("tracked_link", "campaign")]
    return render(request, "outcomes/flyers.html", {"rows": rows, "form": form})


@require_http_methods(["GET", "POST"])
@permission_required("outcomes.view")
def flyer_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    flyer: Flyer = get_object_or_404(Flyer.objects.select_related("tracked_link", "campaign"), uuid=uuid)
    deleting = request.method == "POST" and request.POST.get("delete")
    form = FlyerForm(request.POST if request.method == "POST" and not deleting else None, instance=flyer)
    if request.method == "POST":
        if not request.actor.can("outcomes.manage"):
            return HttpResponse(status=403)
        if deleting:
            if request.POST.get("confirm") == "1":
                service.do_delete_flyer(flyer, by=request.actor)
                messages.success(request, _("チラシ「%(title)s」を削除しました。") % {"title": flyer.title})
                return redirect("outcomes:flyers", request.platform.slug)
            messages.error(
                request, _("削除するには「削除することを確認しました」にチェックを入れてください。")
            )
        elif form.is_valid():
            service.do_save_flyer(request.platform, flyer, dict(form.cleaned_data), by=request.actor)
            messages.success(request, _("チラシを保存しました。"))
            return redirect("outcomes:flyer", request.platform.slug, flyer.uuid)
    url = flyers.link_url(request, flyer)
    context = {
        "flyer": flyer,
        "form": form,
        "url": url,
        "qr": mark_safe(flyers.qr_svg(url, flyer.title)),  # segno's own SVG, no user markup
        "reach": flyers.reach(flyer),
    }
    return render(request, "outcomes/flyer.html", context)


@permission_required("outcomes.view")
def flyer_pdf(request: StaffRequest, uuid: UUID) -> HttpResponse:
    flyer: Flyer = get_object_or_404(Flyer.objects.select_related("tracked_link", "platform"), uuid=uuid)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return attachment_response(
        flyers.pdf(request, flyer), f"flyer-{flyer.tracked_link.code}.pdf", PDF, inline=True
    )
