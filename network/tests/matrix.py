"""Objects for the staff-URL × role matrix (platforms/tests/test_url_matrix.py): one per uuid URL."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import Role
from network.models import Attachment, CaseStudy, Listing, Match, Notice, ReferralStep
from partnership.models import MemberOrganisation
from platforms.models import Platform


def objects(platform: Platform, member: MemberOrganisation) -> dict[str, object]:
    start = timezone.localdate()
    common = dict(
        platform=platform,
        member=member,
        municipality_code="362018",
        starts_on=start,
        ends_on=start + datetime.timedelta(days=30),
        quantity=5,
        unit="人",
        kind="people",
    )
    # the member staff of the matrix is a party to the match (others get 404, tested in test_pages)
    role = Role.objects.filter(platform=platform, kind=Role.MEMBER_STAFF, organisation__isnull=False).first()
    need = Listing.objects.create(
        side="need", title="見守りボランティア", **{**common, "member": role.organisation if role else member}
    )
    offer = Listing.objects.create(side="offer", title="社員ボランティア", **common)
    match = Match.objects.create(platform=platform, need=need, offer=offer, score=80, explanation=[])
    notice = Notice.objects.create(
        platform=platform, kind="notice", title="お知らせ", body="本文", published_at=timezone.now()
    )
    # a post of the matrix's member staff, so that its author's pages answer it (others get 403)
    own = Notice.objects.create(
        platform=platform,
        kind="activity",
        title="会員の活動",
        body="本文",
        author=role.organisation if role else member,
        published_at=timezone.now(),
    )
    case = CaseStudy.objects.create(
        platform=platform, title="事例", summary="概要", topic="高齢者", status=CaseStudy.Status.SHARED
    )
    ReferralStep.objects.create(
        platform=platform, case=case, order=1, role="noticed", organisation_label="民生委員", text="気づいた"
    )
    uploader = Role.objects.filter(platform=platform).select_related("user").first()
    attachment = Attachment.objects.create(
        platform=platform,
        notice=notice,
        filename="案内.txt",
        content_type="text/plain; charset=utf-8",
        size=6,
        sha256="0" * 64,
        content="案内".encode(),
        uploaded_by=uploader.user if uploader else None,
    )
    return {
        "network:forward": notice,
        "network:notice": notice,
        "network:decide_public": notice,
        "network:attachment": attachment,
        "network:edit_notice": own,
        "network:withdraw_notice": own,
        "network:delete_attachment": attachment,
        "network:edit_listing": need,
        "network:member_profile": member,
        "network:edit_case": case,
        "network:need": need,
        "network:match": match,
        "network:case": case,
    }
