"""Staff results of a survey: charts and tables, cross-tabulation, free text, and the exports.

Staff pages show every figure and mark what publication would hide (cells under the small-cell
threshold); the PDF, Excel and CSV exports are built with suppression applied.
"""

from __future__ import annotations

from functools import wraps
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from surveys.keywords import group_answers
from surveys.models import Survey
from surveys.reports import Analysis, crosstab, lines
from surveys.services import report
from surveys.services import results as services
from surveys.stats.estimation import EstimationError, suppress


class _NotAllowed(Exception):
    pass


def _analysis(
    request: HttpRequest, uuid: UUID, *, published: bool = False, respondents: str = ""
) -> Analysis:
    """The survey (404 when it is not this platform's, whatever the method), then GET only."""
    survey = get_object_or_404(Survey, uuid=uuid)
    if request.method not in ("GET", "HEAD"):
        raise _NotAllowed
    return Analysis(survey, published=published, respondents=respondents)


def get_only(view):
    """405 for other methods, but only after the survey lookup has answered 404 to outsiders."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except _NotAllowed:
            return HttpResponseNotAllowed(["GET", "HEAD"])

    return wrapper


@permission_required("surveys.view_results")
@get_only
def results(request: StaffRequest, uuid: UUID) -> HttpResponse:
    analysis = _analysis(request, uuid, respondents=request.GET.get("who", ""))
    context: dict[str, Any] = {"survey": analysis.survey, "analysis": analysis}
    choices = analysis.estimable
    code = request.GET.get("q") or ("loneliness_direct" if "loneliness_direct" in analysis.variables else "")
    variable = analysis.variables.get(code) or (choices[0] if choices else None)
    context.update(variables=choices, variable=variable)
    if analysis.n and variable is not None and variable in choices:
        try:
            result = analysis.result(variable)
        except EstimationError as error:
            context["error"] = str(error)
        else:
            marked = suppress(result.overall, analysis.threshold)
            context.update(
                result=result,
                chart=mark_safe(result.chart()),  # noqa: S308 - built by surveys.charts, every text escaped
                lines=lines(
                    variable, result.overall, result.comparisons, result.benchmark_shares(), marked=marked
                ),
                groups=[
                    crosstab(analysis, variable, g, mark_threshold=analysis.threshold, table=t)
                    for g, t in result.by
                ],
            )
    return render(request, "surveys/results.html", context)


@permission_required("surveys.view_results")
@get_only
def crosstab_view(request: StaffRequest, uuid: UUID) -> HttpResponse:
    analysis = _analysis(request, uuid)
    choices = analysis.estimable
    row = analysis.variables.get(request.GET.get("row", ""))
    column = analysis.variables.get(request.GET.get("col", ""))
    context: dict[str, Any] = {
        "survey": analysis.survey,
        "analysis": analysis,
        "variables": choices,
        "row": row,
        "col": column,
    }
    if row is not None and column is not None and analysis.n:
        if row.code == column.code:
            context["error"] = _("行と列に同じ設問は選べません。")
        else:
            try:
                context["table"] = crosstab(analysis, row, column, mark_threshold=analysis.threshold)
            except EstimationError as error:
                context["error"] = str(error)
    return render(request, "surveys/crosstab.html", context)


@permission_required("surveys.read_free_text")
@get_only
def free_text(request: StaffRequest, uuid: UUID) -> HttpResponse:
    analysis = _analysis(request, uuid)
    sections = []
    for variable in analysis.texts:
        answers = [a for a in analysis.frame[variable.code].drop_nulls().to_list() if a.strip()]
        groups, rest = group_answers(answers)
        sections.append({"variable": variable, "count": len(answers), "groups": groups, "rest": rest})
    services.log_free_text_read(analysis.survey, actor=request.actor)
    return render(
        request,
        "surveys/free_text.html",
        {"survey": analysis.survey, "analysis": analysis, "sections": sections},
    )


@permission_required("surveys.view_results")
@get_only
def export_csv(request: StaffRequest, uuid: UUID) -> HttpResponse:
    return services.do_export_results(_analysis(request, uuid, published=True), "csv", actor=request.actor)


@permission_required("surveys.view_results")
@get_only
def export_xlsx(request: StaffRequest, uuid: UUID) -> HttpResponse:
    return services.do_export_results(_analysis(request, uuid, published=True), "xlsx", actor=request.actor)


PREPARING_RETRY = 5


@permission_required("surveys.view_results")
def export_pdf(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """The report, rendered by the task worker once per version of the data
    (``surveys.services.report``); until it is there, a page that says so and reloads itself."""
    survey = get_object_or_404(Survey, uuid=uuid)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    try:
        return report.do_export_report(survey, actor=request.actor)
    except report.PdfBusy:
        response = render(
            request,
            "surveys/report_preparing.html",
            {"survey": survey, "retry_after": PREPARING_RETRY},
            status=202,  # accepted: being made
        )
        response["Retry-After"] = str(PREPARING_RETRY)
        response["Cache-Control"] = "no-store"
        return response
