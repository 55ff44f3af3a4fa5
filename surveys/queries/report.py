"""The version of the survey report PDF: a hash of everything the report is made from (its data,
settings, questionnaire, benchmarks, language and layout; see ``surveys.services.report``)."""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
from typing import Any

from django.db.models import Count, Max, Sum

from surveys import charts, exports, reports
from surveys.models import (
    Benchmark,
    Question,
    QuestionnaireVersion,
    Response,
    Sample,
    Section,
    Survey,
    WeightingSettings,
)
from tsunagari.lib import pdf_cache


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
