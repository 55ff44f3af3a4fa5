"""Staff pages of the desk: settings and LINE credentials, hours, tracked links with QR codes."""

from __future__ import annotations

import io
import json
from uuid import UUID

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import PlatformRequest, StaffRequest
from accounts.permissions import can, permission_required
from consultations import queries
from consultations.forms.casework import ErasureForm
from consultations.forms.desk import (
    BusinessHoursForm,
    DeskSettingsForm,
    LineChannelForm,
    SpecialPeriodForm,
    TrackedLinkForm,
)
from consultations.hours import desk_status
from consultations.models import (
    BusinessHours,
    Channel,
    ChannelKind,
    Consulter,
    Conversation,
    SpecialPeriod,
    TrackedLink,
)
from consultations.services import channels as services
from consultations.services.links import do_create_link
from consultations.services.privacy import do_erase_person, export_person
from tsunagari.lib.downloads import JSON, SVG, attachment_response


@permission_required("consultations.manage_desk")
@require_http_methods(["GET", "POST"])
def desk(request: StaffRequest) -> HttpResponse:
    platform = request.platform
    settings_obj = services.desk_settings(platform)
    which = request.POST.get("form") if request.method == "POST" else None
    desk_form = DeskSettingsForm(
        request.POST if which == "desk" else None, instance=settings_obj, prefix="desk"
    )
    line_form = LineChannelForm(request.POST if which == "line" else None, prefix="line")
    if which == "desk" and desk_form.is_valid():
        services.do_save_desk(desk_form, actor=request.actor)
        messages.success(request, _("相談窓口の設定を保存しました。"))
        return redirect("consultations:desk", request.platform.slug)
    if which == "line" and line_form.is_valid():
        data = line_form.cleaned_data
        services.do_configure_line(
            platform,
            secret=data["secret"],
            token=data["token"],
            basic_id=data["basic_id"],
            actor=request.actor,
        )
        messages.success(
            request,
            _("LINE の設定を保存しました（シークレットとトークンは暗号化して保存し、再表示しません）。"),
        )
        return redirect("consultations:desk", request.platform.slug)
    line = Channel.objects.filter(kind=ChannelKind.LINE).first()
    webhook_url = request.build_absolute_uri(
        reverse("consultations:line_webhook", args=[request.platform.slug])
    )
    context = {"desk_form": desk_form, "line_form": line_form, "line": line, "webhook_url": webhook_url}
    return render(request, "consultations/staff/desk.html", context)


@permission_required("consultations.edit_hours")
@require_http_methods(["GET", "POST"])
def hours(request: StaffRequest) -> HttpResponse:
    platform = request.platform
    which = request.POST.get("form") if request.method == "POST" else None
    hours_form = BusinessHoursForm(request.POST if which == "hours" else None, prefix="hours")
    period_form = SpecialPeriodForm(request.POST if which == "period" else None, prefix="period")
    form = {"hours": hours_form, "period": period_form}.get(which or "")
    if form is not None and form.is_valid():
        services.do_add_schedule_item(form, platform, actor=request.actor)
        messages.success(request, _("追加しました。"))
        return redirect("consultations:hours", request.platform.slug)
    context = {
        "hours_form": hours_form,
        "period_form": period_form,
        "hours": BusinessHours.objects.all(),
        "periods": SpecialPeriod.objects.all(),
        "status": desk_status(platform),
    }
    return render(request, "consultations/staff/hours.html", context)


def _delete_schedule_item(
    request: PlatformRequest, model: type[BusinessHours | SpecialPeriod], uuid: UUID
) -> HttpResponse:
    item = get_object_or_404(model, uuid=uuid)  # 404 for another platform's item, whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.do_delete_schedule_item(item, actor=request.actor)
    messages.success(request, _("削除しました。"))
    return redirect("consultations:hours", request.platform.slug)


@permission_required("consultations.edit_hours")
def hours_delete(request: StaffRequest, uuid: UUID) -> HttpResponse:
    return _delete_schedule_item(request, BusinessHours, uuid)


@permission_required("consultations.edit_hours")
def period_delete(request: StaffRequest, uuid: UUID) -> HttpResponse:
    return _delete_schedule_item(request, SpecialPeriod, uuid)


@permission_required("consultations.view_links")
@require_http_methods(["GET", "POST"])
def links(request: StaffRequest) -> HttpResponse:
    platform = request.platform
    can_edit = can(request.actor, "consultations.edit_links")
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = TrackedLinkForm(request.POST or None, platform=platform)
    if request.method == "POST" and form.is_valid():
        do_create_link(platform, actor=request.actor, **form.cleaned_data)
        messages.success(request, _("計測リンクを作成しました。"))
        return redirect("consultations:links", request.platform.slug)
    rows = list(queries.link_stats(platform))
    base = request.build_absolute_uri(f"/p/{request.platform.slug}/go/")
    totals = {k: sum(getattr(r, k) for r in rows) for k in ("clicks", "people", "consultations")}
    context = {"form": form, "rows": rows, "base": base, "totals": totals, "can_edit": can_edit}
    return render(request, "consultations/staff/links.html", context)


@permission_required("consultations.view_links")
def link_qr(request: StaffRequest, uuid: UUID) -> HttpResponse:
    link = get_object_or_404(TrackedLink, uuid=uuid)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    url = request.build_absolute_uri(reverse("consultations:go", args=[request.platform.slug, link.code]))
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=8, border=4, title=link.label)
    return attachment_response(buffer.getvalue(), f"qr-{link.code}.svg", SVG, inline=True)


@permission_required("consultations.manage_personal_data")
def person_export(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """One person's data as a JSON download (disclosure request); the export is audited."""
    consulter = get_object_or_404(Consulter, uuid=uuid)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    data = export_person(consulter, actor=request.actor)
    content = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    return attachment_response(content, f"person-{consulter.label}.json", JSON, private=True)


@permission_required("consultations.manage_personal_data")
@require_http_methods(["GET", "POST"])
def person_erase(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """Erase one person's data on their request: what will go, a reason, a confirmation, POST."""
    consulter: Consulter = get_object_or_404(Consulter.objects.select_related("channel"), uuid=uuid)
    latest = Conversation.objects.filter(consulter=consulter).order_by("-opened_at").first()
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        counts = do_erase_person(consulter, actor=request.actor, reason=form.cleaned_data["reason"])
        if any(counts.values()):
            messages.success(
                request,
                _("%(person)s の記録を消去しました（相談 %(c)d件、メッセージ %(m)d件）。")
                % {"person": consulter, "c": counts["consultations"], "m": counts["messages"]},
            )
        else:
            messages.info(
                request,
                _("%(person)s の記録は既に消去されています。消去するものはありませんでした。")
                % {"person": consulter},
            )
        if latest is None:
            return redirect("consultations:inbox", request.platform.slug)
        return redirect("consultations:conversation", request.platform.slug, latest.uuid)
    context = {
        "person": consulter,
        "preview": queries.erasure_preview(consulter),
        "form": form,
        "latest": latest,
    }
    return render(
        request, "consultations/staff/person_erase.html", context, status=400 if form.errors else 200
    )
