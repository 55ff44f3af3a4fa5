"""The network's block on the secretariat's home (platforms.homes): what waits for the secretariat.

Members' posts asked onto the public portal (公開の申請), members' changes to public profiles
(得意分野・相談体制, ``lib.review``) and case studies members brought that are not yet shared with
the members (共有待ちの事例). Pledges wait for no one at the secretariat (each member accepts the
newest version itself); the block says how many active members have not accepted it yet.

One query whatever the data: every figure is a correlated count on the platform's row.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from network.models import CaseStudy, Notice, Pledge, PledgeAcceptance, ProfileChange
from partnership.models import MemberOrganisation
from platforms.homes import Block, Line
from platforms.models import Platform


def _count(rows: QuerySet[Any]) -> Coalesce:
    counted = rows.filter(platform=OuterRef("pk")).order_by().values("platform").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n")), 0)


def network_home(platform: Platform, role: Any, now: datetime.datetime) -> Iterator[Block]:
    if not role.is_secretariat:
        return
    newest = Pledge.objects.filter(platform=OuterRef(OuterRef("platform"))).order_by("-version")
    unpledged = MemberOrganisation.objects.filter(status=MemberOrganisation.Status.ACTIVE).exclude(
        Exists(
            PledgeAcceptance.objects.filter(member=OuterRef("pk"), pledge=Subquery(newest.values("pk")[:1]))
        )
    )
    figures = (
        Platform.objects.filter(pk=platform.pk)
        .annotate(
            notices=_count(Notice.objects.filter(public_requested=True)),
            profiles=_count(ProfileChange.objects.filter(status=ProfileChange.Status.PENDING)),
            cases=_count(CaseStudy.objects.filter(status=CaseStudy.Status.DRAFT, author__isnull=False)),
            has_pledge=Exists(Pledge.objects.filter(platform=OuterRef("pk"))),
            unpledged=_count(unpledged),
        )
        .values("notices", "profiles", "cases", "has_pledge", "unpledged")
        .get()
    )
    slug = platform.slug
    lines = []
    if figures["notices"]:
        lines.append(
            Line(
                _("公開の申請がある会員の掲示"),
                url=reverse("network:index", args=[slug]) + "#requests",
                note=_("%(n)d件") % {"n": figures["notices"]},
            )
        )
    if figures["profiles"]:
        lines.append(
            Line(
                _("得意分野・相談体制の変更申請"),
                url=reverse("network:profile_changes", args=[slug]),
                note=_("%(n)d件") % {"n": figures["profiles"]},
            )
        )
    if figures["cases"]:
        lines.append(
            Line(
                _("会員が持ち寄った共有前の事例"),
                url=reverse("network:cases", args=[slug]) + "?status=draft",
                note=_("%(n)d件") % {"n": figures["cases"]},
            )
        )
    if not figures["has_pledge"]:
        note = _("守秘義務の誓約がまだ公開されていません。")
    elif figures["unpledged"]:
        note = _("最新の守秘義務の誓約に未同意の会員: %(n)d団体（各会員が同意します）") % {
            "n": figures["unpledged"]
        }
    else:
        note = ""
    yield Block(
        _("会員ネットワークの確認待ち"),
        count=figures["notices"] + figures["profiles"] + figures["cases"],
        url=reverse("network:index", args=[slug]),
        lines=lines,
        empty=_("確認待ちの掲示・変更申請・事例はありません。"),
        note=note,
        order=25,
    )
