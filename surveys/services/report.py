"""The survey report PDF (the published results), rendered by the task worker once per version.

Laying out the report of an annual survey (a chart and tables per question, each by group)
takes seconds, which a web worker must not spend: the download claims the version of the data
and the task worker renders it (``tsunagari.lib.pdf_cache``, as the サポートリスト does); the
page says 「調査報告書を作成しています」 and reloads itself until the PDF is there.

The version (``surveys.queries.report_key``) is a hash of everything the report is made from, read in a few
small queries: the submitted responses (count, last id and time, imported weights, modes), the
survey's data revision (bumped on every write to responses), the weighting settings, the
questionnaire, the samples' strata, the benchmarks, the language and the layout (template and
the modules that lay it out). New responses therefore make a new version: an older report is
never served as the current one. Staff wait for the new version (a few seconds) rather than
get the previous one.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled
from django_tasks import task

from accounts.permissions import Actor
from audit.models import AuditEntry
from audit.services import log_action
from surveys import exports, reports
from surveys.models import ReportRendering, Survey
from surveys.queries import report_key
from tsunagari.lib import pdf_cache
from tsunagari.lib.downloads import PDF, attachment_response

Pdf = pdf_cache.Pdf
PdfBusy = pdf_cache.PdfBusy


def _store(survey: Survey, language: str) -> pdf_cache.RenderedPdfs:
    return pdf_cache.RenderedPdfs(ReportRendering, platform=survey.platform, survey=survey, language=language)


def current_report(survey: Survey, *, render_now: bool = False) -> Pdf:
    """The report of the current data; ``PdfBusy`` while the task worker makes it.

    ``render_now`` renders in this process instead (the task itself, commands, fixtures).
    """
    language = translation.get_language() or "ja"
    key = report_key(survey, language)
    return pdf_cache.current(
        _store(survey, language),
        key,
        enqueue=lambda: render_report.enqueue(survey.pk, language, key),
        render_now=(lambda: _render_claimed(survey, language, key)) if render_now else None,
        serve_stale=False,
    )


@task()
def render_report(survey_id: int, language: str, key: str) -> str:
    """Render the version claimed as ``key`` (the task worker's half of ``current_report``).

    The data may have changed since the claim: the report is stored under the key of the data
    read (computed before reading it), and the claim is released if the rendering fails.
    """
    with scopes_disabled():
        survey = Survey.objects.select_related("platform").get(pk=survey_id)
    with scope(platform=survey.platform), translation.override(language):
        pdf = _render_claimed(survey, language, key)
    return f"{survey.platform.slug} {survey.slug} {language}: {pdf.pages} pages"


def _render_claimed(survey: Survey, language: str, claimed: str) -> Pdf:
    key = report_key(survey, language)  # before reading: newer data never goes under an older key
    counted: dict[str, Any] = {}

    def make() -> tuple[bytes, int]:
        analysis = reports.Analysis(survey, published=True)
        counted.update(responses=analysis.n, small_cell=analysis.threshold)
        return exports.pdf_document(analysis)

    return pdf_cache.render_claimed(_store(survey, language), claimed, key, make, lambda: counted)


def do_export_report(survey: Survey, *, actor: Actor) -> HttpResponse:
    """The report as a download, audited for the person who downloads it; ``PdfBusy`` while it
    is being made (nothing is audited then: nothing was read)."""
    pdf = current_report(survey)
    row = pdf.row
    log_action(
        AuditEntry.EXPORT,
        by=actor,
        obj=survey,
        data={
            "format": "pdf",
            "kind": "survey_results",
            "responses": getattr(row, "responses", None),
            "small_cell": getattr(row, "small_cell", None),
            "version": pdf.key[:12],
        },
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    return attachment_response(pdf.content, f"{survey.slug}-results-{stamp}.pdf", PDF)
