"""The 情報交換・共有シート (Ise's inventory sheet): template download, upload, preview, apply."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from directory.forms.services import SheetUploadForm
from directory.models import SheetUpload
from directory.services import sheet
from tsunagari.lib.downloads import XLSX, attachment_response


@require_http_methods(["GET", "POST"])
@permission_required("directory.upload_sheet")
def sheet_upload(request: StaffRequest) -> HttpResponse:
    form = SheetUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = SheetUpload.objects.create(
            platform=request.platform,
            filename=form.cleaned_data["file"].name[:200],
            content=form.cleaned_data["file"].read(),
            uploaded_by=request.user,
        )
        return redirect("directory:sheet_preview", request.platform.slug, upload.uuid)
    uploads = SheetUpload.objects.select_related("uploaded_by")[:10]
    return render(request, "directory/services/sheet_upload.html", {"form": form, "uploads": uploads})


@require_GET
@permission_required("directory.upload_sheet")
def sheet_template(request: StaffRequest) -> HttpResponse:
    return attachment_response(sheet.build_template(), "joho-kokan-kyoyu-sheet.xlsx", XLSX)


@require_http_methods(["GET", "POST"])
@permission_required("directory.upload_sheet")
def sheet_preview(request: StaffRequest, uuid: UUID) -> HttpResponse:
    upload: SheetUpload = get_object_or_404(SheetUpload.objects, uuid=uuid)
    parsed = sheet.parse(bytes(upload.content))
    if request.method == "POST" and parsed.ok:
        result = sheet.do_apply_upload(upload, actor=request.actor)
        messages.success(request, _("反映しました（新規 %(created)s 件、更新 %(updated)s 件）。") % result)
        return redirect("directory:services", request.platform.slug)
    return render(request, "directory/services/sheet_preview.html", {"upload": upload, "parsed": parsed})
