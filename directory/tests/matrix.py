"""Objects for the URL × role matrix (platforms/tests/test_url_matrix.py): one per uuid staff URL."""

from __future__ import annotations

from django_scopes import scopes_disabled

from accounts.models import Role
from directory.models import (
    Department,
    IsolationSignal,
    Organization,
    Service,
    ServiceChange,
    SheetUpload,
    TouchPoint,
)
from partnership.models import MemberOrganisation
from platforms.models import Platform


def objects(platform: Platform, member: MemberOrganisation) -> dict[str, object]:
    with scopes_disabled():
        department = Department.objects.create(platform=platform, name=f"財政部-{platform.slug}")
        signal = IsolationSignal.objects.create(platform=platform, name=f"税の滞納-{platform.slug}")
        point = TouchPoint.objects.create(platform=platform, department=department, signal=signal)
        # The service is run by the member_staff user's organisation, so that role may edit it.
        role = Role.objects.filter(platform=platform, kind=Role.MEMBER_STAFF).first()
        runner = role.organisation if role is not None and role.organisation is not None else member
        org = Organization.objects.create(platform=platform, name=runner.name, member=runner)
        service = Service.objects.create(
            platform=platform, organization=org, member=runner, name="マトリクスの窓口"
        )
        change = ServiceChange.objects.create(
            platform=platform, service=service, changes={"name": "新しい名称"}
        )
        upload = SheetUpload.objects.create(platform=platform, filename="x.xlsx", content=b"not a workbook")
    return {
        "directory:service": service,
        "directory:service_edit": service,
        "directory:change": change,
        "directory:sheet_preview": upload,
        "directory:touch_point": point,
        "directory:touch_department": department,
        "directory:touch_signal": signal,
    }
