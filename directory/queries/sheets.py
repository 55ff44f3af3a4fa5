"""The spreadsheet uploads: the worker's check of an upload (its ``ImportJob``), which the
upload page shows. ``directory.services.sheet`` stages, checks and applies them."""

from __future__ import annotations

from directory.models import SheetUpload
from tsunagari.lib.jobs.models import ImportJob

PREVIEW_KIND = "directory.sheet_preview"


def preview_of(upload: SheetUpload) -> ImportJob | None:
    return ImportJob.objects.filter(kind=PREVIEW_KIND, target=str(upload.uuid)).first()
