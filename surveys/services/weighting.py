"""Writes of the weighting settings; each runs in a transaction and is audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.permissions import Actor
from audit.services import log_action
from surveys.models import Survey, WeightingSettings
from surveys.stats.weighting import MarginTable


def _settings(survey: Survey) -> WeightingSettings:
    found = WeightingSettings.objects.select_for_update().filter(survey=survey).first()
    return found if found is not None else WeightingSettings(platform=survey.platform, survey=survey)


def _save(settings: WeightingSettings, actor: Actor, action: str, data: dict[str, Any]) -> WeightingSettings:
    settings.updated_by = actor.user
    settings.save()
    log_action(action, actor=actor.user, by=actor, obj=settings.survey, data=data)
    return settings


@transaction.atomic
def do_update_weighting(survey: Survey, cleaned: dict[str, Any], actor: Actor) -> WeightingSettings:
    settings = _settings(survey)
    for name in ("scope", "stratum_code", "method", "trim_lower", "trim_upper", "small_cell"):
        setattr(settings, name, cleaned[name])
    if settings.stratum_code != cleaned["stratum_code"]:
        settings.stratum_population = {}
    return _save(
        settings,
        actor,
        "survey.weighting_updated",
        {
            k: cleaned[k]
            for k in ("scope", "stratum_code", "method", "trim_lower", "trim_upper", "small_cell")
        },
    )


@transaction.atomic
def do_set_stratum_population(
    survey: Survey, population: dict[str, float], actor: Actor
) -> WeightingSettings:
    settings = _settings(survey)
    settings.stratum_population = population
    return _save(settings, actor, "survey.weighting_strata", {"strata": len(population)})


@transaction.atomic
def do_add_margin_table(survey: Survey, table: MarginTable, actor: Actor) -> WeightingSettings:
    """Add a population table; one over the same variables replaces the old one."""
    settings = _settings(survey)
    tables = [t for t in settings.margin_tables() if t.variables != table.variables]
    settings.tables = [t.to_json() for t in [*tables, table]]
    return _save(
        settings,
        actor,
        "survey.weighting_table_added",
        {"variables": list(table.variables), "cells": len(table.cells), "total": table.total()},
    )


@transaction.atomic
def do_remove_margin_table(survey: Survey, index: int, actor: Actor) -> WeightingSettings:
    settings = _settings(survey)
    tables = settings.margin_tables()
    removed = tables.pop(index)
    settings.tables = [t.to_json() for t in tables]
    return _save(settings, actor, "survey.weighting_table_removed", {"variables": list(removed.variables)})
