"""Writes of trial projects: create/edit, cost lines, KPIs and their measurements."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from audit.services import log_action
from outcomes.models import CostLine, Kpi, Measurement, TrialProject
from outcomes.project_import import ProjectRow
from outcomes.queries import measure_kpi
from platforms.models import Platform


@transaction.atomic
def do_save_project(
    platform: Platform, project: TrialProject | None, values: dict[str, Any], *, by: Actor
) -> TrialProject:
    if project is None:
        project = TrialProject(platform=platform)
    for name, value in values.items():
        setattr(project, name, value)
    project.save()
    log_action("outcomes.project_saved", by=by, platform=platform, obj=project, data={"name": project.name})
    return project


@transaction.atomic
def do_add_cost(project: TrialProject, *, payee: str, amount: int, note: str = "", by: Actor) -> CostLine:
    if amount <= 0:
        raise ValidationError(_("金額は1円以上で入力してください。"))
    line = CostLine.objects.create(
        platform=project.platform, project=project, payee=payee, amount=amount, note=note
    )
    log_action("outcomes.cost_added", by=by, platform=project.platform, obj=project, data={"amount": amount})
    return line


@transaction.atomic
def do_add_kpi(project: TrialProject, values: dict[str, Any], *, by: Actor) -> Kpi:
    if values.get("source") == Kpi.Source.LINK_CLICKS and not (
        values.get("tracked_link") or values.get("parameter")
    ):
        raise ValidationError(_("計測リンクのクリック数で測る KPI には計測リンクを選んでください。"))
    kpi = Kpi.objects.create(platform=project.platform, project=project, **values)
    log_action("outcomes.kpi_added", by=by, platform=project.platform, obj=project, data={"kpi": kpi.name})
    return kpi


@transaction.atomic
def do_record_measurement(
    kpi: Kpi, *, measured_on: datetime.date, value: Decimal | None = None, note: str = "", by: Actor
) -> Measurement:
    """Record a value; for a KPI measured from tsunagari's data the value is counted, not typed.

    One value per KPI and day: recording again the same day replaces it (a double click adds nothing).
    """
    if kpi.source != Kpi.Source.MANUAL:
        value = measure_kpi(kpi, until=measured_on)
        if value is None:
            raise ValidationError(_("この測り方では、まだ測れる値がありません（回答数が少ないなど）。"))
    if value is None:
        raise ValidationError(_("測定値を入力してください。"))
    measurement, _created = Measurement.objects.update_or_create(
        kpi=kpi, measured_on=measured_on, defaults={"platform": kpi.platform, "value": value, "note": note}
    )
    log_action(
        "outcomes.measured",
        by=by,
        platform=kpi.platform,
        obj=kpi.project,
        data={"kpi": kpi.name, "value": str(value)},
    )
    return measurement


@transaction.atomic
def do_import_projects(platform: Platform, rows: list[ProjectRow], *, by: Actor) -> list[TrialProject]:
    """Create every project of the sheet with its cost lines, or none (a project already there is refused)."""
    for row in rows:
        if TrialProject.objects.filter(name=row.name, fiscal_year=row.fiscal_year).exists():
            raise ValidationError(
                _("%(row)s行目: 「%(name)s」（%(year)s年度）はすでに登録されています。")
                % {"row": row.row, "name": row.name, "year": row.fiscal_year}
            )
    made = []
    for row in rows:
        project = TrialProject.objects.create(
            platform=platform,
            name=row.name,
            content=row.content,
            expected_effect=row.expected_effect,
            period=row.period[:80],
            contractor=row.contractor,
            reactions=row.reactions,
            fiscal_year=row.fiscal_year,
        )
        CostLine.objects.bulk_create(
            CostLine(
                platform=platform, project=project, payee=c.payee[:200], amount=c.amount, note=c.note[:200]
            )
            for c in row.costs
        )
        made.append(project)
    log_action(
        "outcomes.projects_imported",
        by=by,
        platform=platform,
        data={"projects": len(made), "yen": sum(c.amount for r in rows for c in r.costs)},
    )
    return made
