"""Weighting settings of a survey (secretariat): options, populations, tables, and weight diagnostics."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import polars as pl
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from surveys.forms.weighting import (
    MarginEntryForm,
    RemoveTableForm,
    SettingsForm,
    StratumPopulationForm,
    TableForm,
    level_choices,
)
from surveys.models import Survey
from surveys.reports import Analysis
from surveys.services import weighting as services


def _strata(analysis: Analysis) -> tuple[str, Any]:
    column = analysis.settings.strata_column(analysis.frame) or "stratum"
    variable = analysis.variables.get(column)
    if variable is not None and variable.options:
        return column, dict(variable.options)
    present = (
        analysis.frame[column].drop_nulls().cast(pl.Utf8).unique().sort().to_list()
        if column in analysis.frame.columns
        else []
    )
    return column, present


@require_http_methods(["GET", "POST"])
@permission_required("surveys.weight_results")
def weighting(request: StaffRequest, uuid: UUID) -> HttpResponse:
    survey = get_object_or_404(Survey, uuid=uuid)
    analysis = Analysis(survey)
    levels = level_choices(analysis.variables)
    column, strata = _strata(analysis)
    entry_variable = analysis.variables.get(request.GET.get("enter", "") or request.POST.get("enter", ""))
    if entry_variable is not None and entry_variable.code not in levels:
        entry_variable = None
    action = request.POST.get("action")
    forms: dict[str, Any] = {
        "settings": SettingsForm(
            request.POST if action == "settings" else None,
            instance=analysis.settings,
            variables=analysis.variables,
            prefix="s",
        ),
        "strata": StratumPopulationForm(
            request.POST if action == "strata" else None,
            column=column,
            levels=strata,
            initial={"text": _population_csv(column, analysis.settings.stratum_population)},
            prefix="st",
        ),
        "table": TableForm(
            request.POST if action == "table" else None, request.FILES or None, levels=levels, prefix="t"
        ),
        "entry": MarginEntryForm(
            request.POST if action == "entry" else None, variable=entry_variable, prefix="e"
        )
        if entry_variable
        else None,
    }
    if request.method == "POST":
        done = _post(request, survey, action, forms)
        if done is not None:
            messages.success(request, done)
            return redirect("surveys:weighting", request.platform.slug, survey.uuid)
    context = {
        "survey": survey,
        "analysis": analysis,
        "forms": forms,
        "levels": levels,
        # the questions to enter by, named by their text (their codes are the values)
        "level_names": [
            (code, analysis.variables[code].text if code in analysis.variables else code) for code in levels
        ],
        "tables": [
            (i, t, [analysis.variables[v] for v in t.variables if v in analysis.variables])
            for i, t in enumerate(analysis.settings.margin_tables())
        ],
        "achieved": _achieved(analysis),
        "strata_column": analysis.column_label(column),
        "entry_variable": entry_variable,
        "population_used": analysis.settings.population_by_stratum(),
    }
    return render(request, "surveys/weighting.html", context, status=400 if request.method == "POST" else 200)


def _post(request: StaffRequest, survey: Survey, action: str | None, forms: dict[str, Any]) -> str | None:
    if action == "settings" and forms["settings"].is_valid():
        services.do_update_weighting(survey, forms["settings"].cleaned_data, request.actor)
        return _("ウェイトの設定を保存しました。")
    if action == "strata" and forms["strata"].is_valid():
        services.do_set_stratum_population(survey, forms["strata"].cleaned_data["text"], request.actor)
        return _("層ごとの母集団を保存しました。")
    if action == "table" and forms["table"].is_valid():
        table = forms["table"].cleaned_data["table"]
        services.do_add_margin_table(survey, table, request.actor)
        return _("母集団の表（%(vars)s）を保存しました。") % {"vars": " × ".join(table.variables)}
    if action == "entry" and forms["entry"] is not None and forms["entry"].is_valid():
        table = forms["entry"].cleaned_data["table"]
        services.do_add_margin_table(survey, table, request.actor)
        return _("母集団の表（%(vars)s）を保存しました。") % {"vars": " × ".join(table.variables)}
    if action == "remove":
        form = RemoveTableForm(request.POST)
        if form.is_valid() and form.cleaned_data["index"] < len(forms["settings"].instance.tables):
            services.do_remove_margin_table(survey, form.cleaned_data["index"], request.actor)
            return _("母集団の表を削除しました。")
    return None


def _population_csv(column: str, population: dict[str, Any]) -> str:
    if not population:
        return ""
    return "\n".join([f"{column},population", *(f"{k},{v:g}" for k, v in population.items())])


def _achieved(analysis: Analysis) -> list[dict[str, Any]]:
    """Each population table cell beside the weighted total reached and the respondents in it."""
    if analysis.weighting_error or analysis.settings.method == "none":
        return []
    data = analysis.weighted.data
    out = []
    for table in analysis.settings.margin_tables():
        names = list(table.variables)
        if any(name not in data.columns for name in names):
            continue
        sums = data.group_by([pl.col(n).cast(pl.Utf8) for n in names]).agg(
            pl.col(analysis.weighted.weight).sum().alias("w"), pl.len().alias("n")
        )
        got = {tuple(r[:-2]): (r[-2], r[-1]) for r in sums.iter_rows()}
        for key, target in table.cells.items():
            w, n = got.get(key, (0.0, 0))
            labels = [
                analysis.variables[v].label(k) if v in analysis.variables else k
                for v, k in zip(names, key, strict=True)
            ]
            out.append({"cell": " × ".join(labels), "target": target, "achieved": w, "n": n})
    return out
