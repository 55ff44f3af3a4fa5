"""Estimate one question of a survey, overall or by group, with SEs and 95 % CIs.

    python manage.py survey_estimate <platform> <survey> --question loneliness_direct --by region --json

Without --weight/--strata the survey's weighting settings apply (design weights, post-stratification
or raking, trimming), as on the results page. With either of them the design is exactly
``svydesign(ids=~1, strata=~<strata>, weights=~<weight>)`` on the columns named (a weight column
such as the imported ``weight``, a stratum column such as ``stratum`` or a question code).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scope

from platforms.commands import platform_of
from surveys.data import META_COLUMNS
from surveys.models import Survey
from surveys.reports import KIND_TEXT, Analysis, variables
from surveys.stats.estimation import EstimationError, suppress
from surveys.stats.weighting import WeightingError


class Command(BaseCommand):
    help = "Weighted estimates of a survey question with standard errors and confidence intervals."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("platform", help="platform slug")
        parser.add_argument("survey", help="survey slug")
        parser.add_argument("--question", required=True, help="question (answer) code")
        parser.add_argument("--by", help="group by this question code (e.g. region, age_band, sex)")
        parser.add_argument("--weight", help="weight column (e.g. weight); replaces the weighting settings")
        parser.add_argument("--strata", help="stratum column (e.g. stratum or region); replaces the settings")
        parser.add_argument(
            "--published", action="store_true", help="suppress small cells as in published output"
        )
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        platform = platform_of(options["platform"])
        with scope(platform=platform):
            survey = Survey.objects.filter(slug=options["survey"]).first()
            if survey is None:
                known = ", ".join(Survey.objects.values_list("slug", flat=True)) or "none"
                raise CommandError(
                    f"unknown survey {options['survey']!r} on {platform.slug} (surveys: {known})"
                )
            result = self.estimate(survey, options)
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{result['question']}: {result['question_text']}  (n = {result['n']})")
        for row in result["estimates"]:
            if row["estimate"] is None:
                self.stdout.write(f"  {row['group'] or '':<12} {row['category_label']:<24} suppressed")
                continue
            pct = 100 if result["kind"] != "mean" else 1
            self.stdout.write(
                f"  {row['group'] or '':<12} {row['category_label']:<24} n={row['n']:>7} "
                f"{row['estimate'] * pct:8.2f} (se {row['se'] * pct:.2f}; {row['ci_low'] * pct:.2f}–{row['ci_high'] * pct:.2f})"
            )

    def estimate(self, survey: Any, options: dict[str, Any]) -> dict[str, Any]:
        question, by = options["question"], options["by"]
        weight, strata = options["weight"], options["strata"]
        known_variables = variables(survey)
        known = ", ".join(sorted(known_variables))
        for code in (question, by):
            if code is not None and code not in known_variables:
                raise CommandError(f"unknown question code {code!r} (codes: {known})")
        for column in (weight, strata):
            if column is not None and column not in META_COLUMNS and column not in known_variables:
                columns = ", ".join([*META_COLUMNS, *known_variables])
                raise CommandError(f"unknown column {column!r} (columns: {columns})")
        variable = known_variables[question]
        group = known_variables[by] if by else None
        if variable.kind == KIND_TEXT:
            raise CommandError(f"{question!r} is a free-text question; it has no estimate")
        try:
            # Only the columns this estimate reads are loaded; --weight/--strata replace the
            # survey's weighting settings (which are then not applied at all).
            analysis = Analysis(
                survey,
                published=options["published"],
                codes=[c for c in (question, by, weight, strata) if c is not None],
                weight=weight,
                strata=strata,
            )
            if weight or strata:
                weighting = {"weight": weight, "strata": strata, "settings": False}
            else:
                if analysis.weighting_error:
                    raise CommandError(f"weighting settings cannot be applied: {analysis.weighting_error}")
                weighting = {
                    "weight": analysis.weighted.weight,
                    "strata": analysis.weighted.strata,
                    "settings": True,
                    "method": analysis.settings.method,
                }
            table = analysis.table(variable, group)
        except (EstimationError, WeightingError) as error:
            raise CommandError(str(error)) from error
        if options["published"]:
            table = suppress(table, analysis.threshold)
        weighting["diagnostics"] = analysis.weighted.diagnostics.as_dict()
        return {
            "question": question,
            "question_text": variable.text,
            "kind": table.kind,
            "by": by,
            "n": analysis.n,
            "weighting": weighting,
            "estimates": [
                {
                    "group": row.group,
                    "category": row.category,
                    "category_label": variable.label(row.category),
                    **{k: v for k, v in row.as_json().items() if k not in ("group", "category")},
                }
                for row in table.rows
            ],
        }
