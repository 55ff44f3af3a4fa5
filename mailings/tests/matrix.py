"""Objects for the staff-URL × role matrix (platforms/tests/test_url_matrix.py)."""

from __future__ import annotations

from mailings.models import Issue, MailingList
from partnership.models import MemberOrganisation
from platforms.models import Platform


def objects(platform: Platform, member: MemberOrganisation) -> dict[str, object]:
    mailing_list = MailingList.objects.create(
        platform=platform, slug=f"matrix-{platform.slug}", name="マトリクス通信"
    )
    issue = Issue.objects.create(
        platform=platform, mailing_list=mailing_list, number=1, subject="件名", body="本文"
    )
    return {
        "mailings:staff_list": mailing_list,
        "mailings:staff_issue_create": mailing_list,
        "mailings:subscribers_csv": mailing_list,
        "mailings:staff_issue": issue,
    }
