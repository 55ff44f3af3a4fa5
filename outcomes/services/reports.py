"""Writes of the annual report's text and of flyers."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.permissions import Actor
from audit.services import log_action
from outcomes.models import AnnualReport, Flyer
from platforms.models import Platform


@transaction.atomic
def do_save_report(
    platform: Platform, fiscal_year: int, values: dict[str, str], *, by: Actor
) -> AnnualReport:
    report, _created = AnnualReport.objects.select_for_update().get_or_create(
        platform=platform, fiscal_year=fiscal_year
    )
    for name, value in values.items():
        setattr(report, name, value)
    report.save()
    log_action(
        "outcomes.report_saved", by=by, platform=platform, obj=report, data={"fiscal_year": fiscal_year}
    )
    return report


@transaction.atomic
def do_save_flyer(platform: Platform, flyer: Flyer | None, values: dict[str, Any], *, by: Actor) -> Flyer:
    services = values.pop("services", None)
    if flyer is None:
        flyer = Flyer(platform=platform)
    for name, value in values.items():
        setattr(flyer, name, value)
    flyer.save()
    if services is not None:
        flyer.services.set(services)
    log_action(
        "outcomes.flyer_saved",
        by=by,
        platform=platform,
        obj=flyer,
        data={"title": flyer.title, "link": flyer.tracked_link.code, "copies": flyer.copies},
    )
    return flyer


@transaction.atomic
def do_delete_flyer(flyer: Flyer, *, by: Actor) -> None:
    log_action(
        "outcomes.flyer_deleted", by=by, platform=flyer.platform, obj=flyer, data={"title": flyer.title}
    )
    flyer.delete()
