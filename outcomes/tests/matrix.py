"""Objects for the staff-URL × role matrix (platforms/tests/test_url_matrix.py): one per uuid URL."""

from __future__ import annotations

import datetime
from decimal import Decimal

from consultations.models import Medium, TrackedLink
from outcomes.models import Campaign, CostLine, Flyer, Kpi, Measurement, TrialProject
from partnership.models import MemberOrganisation
from platforms.models import Platform


def objects(platform: Platform, member: MemberOrganisation) -> dict[str, object]:
    project = TrialProject.objects.create(platform=platform, name="実証事業", fiscal_year=2024)
    campaign = Campaign.objects.create(platform=platform, name="広報")
    cost = CostLine.objects.create(platform=platform, project=project, payee="発注先", amount=1000)
    kpi = Kpi.objects.create(platform=platform, project=project, name="相談件数")
    measurement = Measurement.objects.create(
        platform=platform, kpi=kpi, measured_on=datetime.date(2024, 6, 1), value=Decimal(3)
    )
    link = TrackedLink.objects.create(
        platform=platform, code=f"m{platform.pk}fly", medium=Medium.FLYER, label="チラシ"
    )
    flyer = Flyer.objects.create(platform=platform, title="相談窓口のご案内", tracked_link=link)
    return {
        "outcomes:project": project,
        "outcomes:project_edit": project,
        "outcomes:project_delete": project,
        "outcomes:cost_edit": cost,
        "outcomes:kpi_edit": kpi,
        "outcomes:measurement_delete": measurement,
        "outcomes:campaign": campaign,
        "outcomes:campaign_edit": campaign,
        "outcomes:campaign_links": campaign,
        "outcomes:flyer": flyer,
        "outcomes:flyer_pdf": flyer,
    }
