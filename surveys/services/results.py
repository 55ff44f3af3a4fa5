"""Exports of survey results (audited) and the audit of free-text reads."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone

from accounts.permissions import Actor
from audit.models import AuditEntry
from audit.services import log_action
from surveys import exports
from surveys.models import Survey
from surveys.reports import Analysis
from tsunagari.lib.downloads import attachment_response

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def do_export_results(analysis: Analysis, fmt: str, *, actor: Actor) -> HttpResponse:
    """Build the published (suppressed) results in ``fmt`` and answer them as a download (the PDF
    report is rendered by the task worker: ``surveys.services.report.do_export_report``)."""
    builders = {"csv": exports.csv_bytes, "xlsx": exports.xlsx_bytes}
    body = builders[fmt](analysis)
    survey = analysis.survey
    log_action(
        AuditEntry.EXPORT,
        by=actor,
        obj=survey,
        data={
            "format": fmt,
            "kind": "survey_results",
            "responses": analysis.n,
            "small_cell": analysis.threshold,
        },
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    return attachment_response(body, f"{survey.slug}-results-{stamp}.{fmt}", CONTENT_TYPES[fmt])


def log_free_text_read(survey: Survey, *, actor: Actor) -> None:
    log_action(
        AuditEntry.READ_SENSITIVE,
        by=actor,
        obj=survey,
        data={"kind": "survey_free_text"},
    )
