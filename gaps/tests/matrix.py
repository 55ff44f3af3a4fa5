"""Objects for the URL × role matrix (platforms/tests/test_url_matrix.py): one per uuid staff URL."""

from __future__ import annotations

from django_scopes import scopes_disabled

from gaps.models import Department, IsolationSignal, TouchPoint
from partnership.models import MemberOrganisation
from platforms.models import Platform


def objects(platform: Platform, member: MemberOrganisation) -> dict[str, object]:
    with scopes_disabled():
        department = Department.objects.create(platform=platform, name=f"財政部-{platform.slug}")
        signal = IsolationSignal.objects.create(platform=platform, name=f"税の滞納-{platform.slug}")
        point = TouchPoint.objects.create(platform=platform, department=department, signal=signal)
    return {
        "gaps:touch_point": point,
        "gaps:touch_department": department,
        "gaps:touch_signal": signal,
    }
