"""The survey report PDF (the published results), rendered by the task worker once per version.

Laying out the report of an annual survey (a chart and tables per question, each by group)
takes seconds, which a web worker must not spend: the download claims the version of the data
and the task worker renders it (``tsunagari.lib.pdf_cache``, as the サポートリスト does); the
page says 「調査報告書を作成しています」 and reloads itself until the PDF is there.

The version (``report_key``) is a hash of everything the report is made from, read in a few
small queries: the submitted responses (count, last id and time, imported weights, modes), the
survey's data revision (bumped on every write to responses), the weighting settings, the
questionnaire, the samples' strata, the benchmarks, the language and the layout (template and
the modules that lay it out). New responses therefore make a new version: an older report is
never served as the current one. Staff wait for the new version (a few seconds) rather than
get the previous one.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
from typing import Any

from django.db.models import Count, Max, Sum
from django.http import HttpResponse
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled
from django_tasks import task

from accounts.permissions import Actor
from audit.models import AuditEntry
from audit.services import log_action
from surveys import charts, exports, reports
from surveys.models import (
    Benchmark,
    Question,
    QuestionnaireVersion,
    ReportRendering,
    Response,
    Sample,
    Section,
    Survey,
    WeightingSettings,
)
from tsunagari.lib import pdf_cache
from tsunagari.lib.downloads import PDF, attachment_response

Pdf = pdf_cache.Pdf
PdfBusy = pdf_cache.PdfBusy


@functools.cache
def layout_version() -> str:
    """A hash of the layout (template and the modules that compute and draw the report)."""
    template = pdf_cache.template_source(exports.REPORT_TEMPLATE)
    modules = "".join(inspect.getsource(m) for m in (exports, reports, charts))
    return hashlib.sha256((template + modules).encode()).hexdigest()


def report_key(survey: Survey, language: str) -> str:
    """The version of the report: a hash of what it is made from (see the module's docstring)."""
    responses = Response.objects.submitted().filter(survey=survey)
    counted = responses.aggregate(
        n=Count("id"),
        last=Max("id"),
        submitted=Max("submitted_at"),
        weights=Sum("weight"),
        weighted=Count("weight"),
    )
    payload: dict[str, Any] = {
        "survey": list(
            Survey.objects.filter(pk=survey.pk).values_list(
                "title", "slug", "audience", "template", "modules", "data_revision", "allow_open_web"
            )
        ),
        "responses": counted,
        "modes": sorted(responses.values_list("mode").annotate(n=Count("id"))),
        "listed": responses.filter(prospect__isnull=False).count(),
        "weighting": list(
            WeightingSettings.objects.filter(survey=survey).values_list(
                "scope",
                "stratum_code",
                "stratum_population",
                "method",
                "tables",
                "trim_lower",
                "trim_upper",
                "small_cell",
            )
        ),
        "versions": list(
            QuestionnaireVersion.objects.filter(survey=survey).order_by("pk").values_list("pk", "frozen_at")
        ),
        "sections": list(Section.objects.filter(version__survey=survey).order_by("pk").values_list()),
        "questions": list(
            Question.objects.filter(version__survey=survey)
            .order_by("pk")
            .values_list(
                "pk",
                "version_id",
                "section_id",
                "order",
                "code",
                "type",
                "text",
                "options",
                "rows",
                "min_value",
                "max_value",
                "max_choices",
                "conditions",
            )
        ),
        "samples": list(Sample.objects.filter(survey=survey).order_by("pk").values_list("pk", "strata")),
        "benchmarks": list(
            Benchmark.objects.available_to(survey.platform)
            .order_by("pk")
            .values_list("pk", "question_code", "source", "year", "n", "percentages", "no_answer")
        ),
        "language": language,
        "layout": layout_version(),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


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


def export_report(survey: Survey, *, actor: Actor) -> HttpResponse:
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
