"""The 情報交換・共有シート (Ise's inventory sheet): template download, upload, preview, apply."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from directory import queries
from directory.forms.services import SheetUploadForm
from directory.models import SheetUpload
from directory.services import sheet
from tsunagari.lib.downloads import XLSX, attachment_response
from tsunagari.lib.jobs.models import ImportJob
from tsunagari.lib.jobs.runner import StageRefused


@require_http_methods(["GET", "POST"])
@permission_required("directory.upload_sheet")
def sheet_upload(request: StaffRequest) -> HttpResponse:
    """The upload is staged on disk and checked by the task worker; the page then shows its check."""
    form = SheetUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            upload = sheet.do_upload(request.platform, form.cleaned_data["file"], actor=request.actor)
        except StageRefused as refused:
            form.add_error("file", str(refused))
        else:
            return redirect("directory:sheet_preview", request.platform.slug, upload.uuid)
    if form.errors:
        status = 400
    uploads = SheetUpload.objects.select_related("uploaded_by")[:10]
    return render(
        request,
        "directory/services/sheet_upload.html",
        {
            "form": form,
            "uploads": uploads,
            "max_rows": f"{sheet.MAX_ROWS:,}",
            "max_megabytes": sheet.MAX_UPLOAD // (1024 * 1024),
        },
        status=status,
    )


@require_GET
@permission_required("directory.upload_sheet")
def sheet_template(request: StaffRequest) -> HttpResponse:
    return attachment_response(sheet.build_template(), "joho-kokan-kyoyu-sheet.xlsx", XLSX)


@require_http_methods(["GET", "POST"])
@permission_required("directory.upload_sheet")
def sheet_preview(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """The worker's check of the upload (progress while it runs: the page reloads itself), then
    its rows and the button that hands the apply to the worker."""
    upload: SheetUpload = get_object_or_404(SheetUpload.objects, uuid=uuid)
    preview = queries.preview_of(upload)
    if request.method == "POST" and upload.applied_at is None:
        if preview is None:  # uploaded before the check moved to the worker
            with transaction.atomic():
                sheet.queue_preview(upload, user=request.user)
            return redirect("directory:sheet_preview", request.platform.slug, upload.uuid)
        if preview.state == ImportJob.State.DONE:
            job = sheet.do_queue_apply(upload, actor=request.actor)
            return redirect("directory:sheet_job", request.platform.slug, job.uuid)
    last_job = ImportJob.objects.filter(kind=sheet.JOB_KIND, target=str(upload.uuid)).first()
    checked = preview.result if preview is not None and preview.state == ImportJob.State.DONE else {}
    sample = checked.get("sample", [])
    return render(
        request,
        "directory/services/sheet_preview.html",
        {
            "upload": upload,
            "preview": preview,
            "sample": sample,
            "more": checked.get("rows", 0) - len(sample),
            "job": last_job,
        },
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
