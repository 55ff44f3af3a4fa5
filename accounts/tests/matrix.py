"""Objects of accounts' staff URLs for the URL × role matrix (platforms/tests/test_url_matrix.py)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import Invitation, Role
from partnership.models import MemberOrganisation
from platforms.models import Platform


def objects(platform: Platform, member: MemberOrganisation) -> dict[str, object]:
    invitation = Invitation.objects.create(
        platform=platform,
        email=f"invited-{platform.slug}@example.jp",
        name="招待 太郎",
        kind=Role.VIEWER,
        expires_at=timezone.now() + datetime.timedelta(days=Invitation.DAYS),
    )
    return {"accounts:invitation_cancel": invitation}
