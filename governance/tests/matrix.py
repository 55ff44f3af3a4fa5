"""Objects for the staff-URL × role matrix (platforms/tests/test_url_matrix.py): one per uuid URL."""

from __future__ import annotations

import datetime

from django.utils import timezone

from governance.models import (
    AgendaItem,
    Article,
    Body,
    Bylaws,
    LaunchPlan,
    Meeting,
    Minutes,
    Seat,
    WrittenResolution,
)
from governance.rules import GIFU
from partnership.models import MemberOrganisation
from platforms.models import Platform


def objects(platform: Platform, member: MemberOrganisation) -> dict[str, object]:
    start = datetime.date(2024, 4, 1)
    bylaws = Bylaws.objects.create(platform=platform, title="規約", enacted_on=start)
    article = Article.objects.create(
        platform=platform, bylaws=bylaws, number=12, text="3分の2以上の出席", effective_from=start
    )
    body = Body.objects.create(
        platform=platform, code=f"m-{platform.slug}", name="会議", kind="council", rules=GIFU.to_dict()
    )
    Seat.objects.create(platform=platform, body=body, member=member, name=member.name, starts_on=start)
    meeting = Meeting.objects.create(
        platform=platform, body=body, number=1, title="第1回", starts_at=timezone.now(), place="会議室"
    )
    item = AgendaItem.objects.create(platform=platform, meeting=meeting, code="議案1", title="件")
    Minutes.objects.create(platform=platform, meeting=meeting, text="議事録\n本文")
    written = WrittenResolution.objects.create(
        platform=platform,
        body=body,
        title="書面",
        proposal="案",
        deadline=timezone.now() + datetime.timedelta(days=7),
    )
    plan = LaunchPlan.objects.create(platform=platform, title="立ち上げ")
    return {
        "governance:article_amend": article,
        "governance:body": body,
        "governance:body_rules": body,
        "governance:seats_csv": body,
        "governance:meeting_new": body,
        "governance:written_new": body,
        "governance:meeting": meeting,
        "governance:live": meeting,
        "governance:minutes": meeting,
        "governance:minutes_pdf": meeting,
        "governance:minutes_docx": meeting,
        "governance:item": item,
        "governance:written": written,
        "governance:plan": plan,
    }
