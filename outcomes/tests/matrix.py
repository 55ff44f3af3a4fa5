"""Objects for the staff-URL × role matrix (platforms/tests/test_url_matrix.py): one per uuid URL."""

from __future__ import annotations

from outcomes.models import Campaign, TrialProject
from partnership.models import MemberOrganisation
from platforms.models import Platform


def objects(platform: Platform, member: MemberOrganisation) -> dict[str, object]:
    project = TrialProject.objects.create(platform=platform, name="実証事業", fiscal_year=2024)
    campaign = Campaign.objects.create(platform=platform, name="広報")
    return {
        "outcomes:project": project,
        "outcomes:campaign": campaign,
    }
