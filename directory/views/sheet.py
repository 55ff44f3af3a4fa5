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
from tsunagari.lib.jobs.models import ImportJob


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
        job = sheet.do_queue_apply(upload, actor=request.actor)
        return redirect("directory:sheet_job", request.platform.slug, job.uuid)
    last_job = ImportJob.objects.filter(kind=sheet.JOB_KIND, target=str(upload.uuid)).first()
    return render(
        request,
        "directory/services/sheet_preview.html",
        {"upload": upload, "parsed": parsed, "job": last_job},
    )


@require_http_methods(["GET", "POST"])
@permission_required("directory.upload_sheet")
def sheet_job(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """The worker applying an upload: progress (the page reloads itself), errors, a rerun."""
    job: ImportJob = get_object_or_404(ImportJob.objects.filter(kind=sheet.JOB_KIND), uuid=uuid)
    upload = SheetUpload.objects.filter(uuid=job.target).first()
    if request.method == "POST":
        if sheet.do_rerun(job, actor=request.actor):
            messages.success(request, _("もう一度実行します。"))
        return redirect("directory:sheet_job", request.platform.slug, job.uuid)
    return render(request, "directory/services/sheet_job.html", {"job": job, "upload": upload})
