"""Prefecture roll-up: counts for the municipal platforms in one prefecture.

This is the one place that reads across tenants, and it only ever returns
aggregate counts (never rows, never personal data).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone
from django_scopes import scopes_disabled

from partnership.models import Application, MemberOrganisation, OrgType
from platforms.models import Platform


@dataclass(frozen=True)
class RollupRow:
    platform: Platform
    members: int
    by_type: dict[str, int]
    pending_applications: int
    joined_this_year: int


def rollup_rows(prefecture: Platform) -> list[RollupRow]:
    today = timezone.localdate()
    platforms = list(Platform.objects.in_prefecture_of(prefecture).order_by("code"))
    ids = [p.id for p in platforms]
    with scopes_disabled():
        by_type: dict[int, dict[str, int]] = {pid: {} for pid in ids}
        for row in (
            MemberOrganisation.objects.filter(platform_id__in=ids, status="active")
            .values("platform_id", "org_type")
            .annotate(n=Count("id"))
        ):
            by_type[row["platform_id"]][row["org_type"]] = row["n"]
        pending = dict(
            Application.objects.filter(platform_id__in=ids, status="pending")
            .values_list("platform_id")
            .annotate(n=Count("id"))
        )
        joined: dict[int, int] = {}
        for p in platforms:
            fy = p.fiscal_year_of(today)
            start = today.replace(year=fy, month=p.fiscal_year_start_month, day=1)
            joined[p.id] = MemberOrganisation.objects.filter(platform_id=p.id, joined_on__gte=start).count()
    labels = dict(OrgType.choices)
    return [
        RollupRow(
            platform=p,
            members=sum(by_type[p.id].values()),
            by_type={str(labels[k]): v for k, v in sorted(by_type[p.id].items())},
            pending_applications=pending.get(p.id, 0),
            joined_this_year=joined[p.id],
        )
        for p in platforms
    ]
