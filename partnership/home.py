"""The partnership's blocks on each role's home (platforms.homes)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from partnership.models import Application, ChangeRequest, MemberOrganisation, Withdrawal
from platforms.homes import Block, Line
from platforms.models import Platform


def partnership_home(platform: Platform, role: Any, now: datetime.datetime) -> Iterator[Block]:
    slug = platform.slug
    if role.is_secretariat:
        applications = Application.objects.filter(status=Application.Status.PENDING).count()
        changes = ChangeRequest.objects.filter(status=ChangeRequest.Status.PENDING).count()
        withdrawals = Withdrawal.objects.filter(status=Withdrawal.Status.PENDING).count()
        yield Block(
            _("審査待ちの入会申込"),
            count=applications,
            url=reverse("partnership:applications", args=[slug]),
            order=10,
        )
        yield Block(
            _("確認待ちの変更届・退会届"),
            count=changes + withdrawals,
            url=reverse("partnership:changes", args=[slug]),
            order=20,
        )
    elif role.kind == "viewer":
        members = MemberOrganisation.objects.aggregate(
            active=Count("pk", filter=Q(status=MemberOrganisation.Status.ACTIVE))
        )["active"]
        yield Block(_("会員団体"), count=members, url=reverse("partnership:members", args=[slug]), order=10)
    elif role.kind == "member_staff" and role.organisation_id:
        member = (
            MemberOrganisation.objects.select_related("tier")
            .annotate(
                pending_changes=Count(
                    "change_requests", filter=Q(change_requests__status=ChangeRequest.Status.PENDING)
                )
            )
            .get(pk=role.organisation_id)
        )
        lines = [
            Line(member.name, note=member.get_status_display()),
            Line(_("会員区分"), note=member.tier.name if member.tier else "—"),
        ]
        if member.pending_changes:
            lines.append(Line(_("変更届を事務局が確認中です"), urgent=False))
        yield Block(
            _("自団体の登録情報"),
            url=reverse("partnership:my_organisation", args=[slug]),
            lines=lines,
            order=40,
        )
