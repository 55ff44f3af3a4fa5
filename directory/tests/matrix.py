"""Objects for the URL × role matrix (platforms/tests/test_url_matrix.py): one per uuid staff URL."""

from __future__ import annotations

from django_scopes import scopes_disabled

from accounts.models import Role
from directory.models import Organization, Service, ServiceChange, SheetUpload
from partnership.models import MemberOrganisation
from platforms.models import Platform
from tsunagari.lib.jobs.models import ImportJob


def objects(platform: Platform, member: MemberOrganisation) -> dict[str, object]:
    with scopes_disabled():
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
        upload = SheetUpload.objects.create(platform=platform, filename="x.xlsx", staged="")
        job = ImportJob.objects.create(
            platform=platform, kind="directory.sheet", key=f"matrix:{upload.uuid}", target=str(upload.uuid)
        )
    return {
        "directory:service": service,
        "directory:service_edit": service,
        "directory:change": change,
        "directory:sheet_preview": upload,
        "directory:sheet_job": job,
    }
