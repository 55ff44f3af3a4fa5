"""The members' board: notices, requests, grant information and members' activities;
umbrella bodies passing a notice on to their own members (reach counted)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from audit.services import log_action
from network.models import Forward, Notice, Umbrella
from network.services.common import platform_of, require_active
from partnership.models import MemberOrganisation


@transaction.atomic
def do_post_notice(
    actor: Actor,
    *,
    kind: str,
    title: str,
    body: str,
    author: MemberOrganisation | None = None,
    audience: str = Notice.Audience.MEMBERS,
    topic: str = "",
    area: str = "",
    funder: str = "",
    amount_yen: int | None = None,
    deadline: datetime.date | None = None,
    eligibility: str = "",
    link: str = "",
    published_at: datetime.datetime | None = None,
) -> Notice:
    """Post on the board; a member posts as itself (and not after it left), the secretariat as the platform."""
    if author is not None:
        require_active(author)
    errors: dict[str, str] = {}
    if kind not in Notice.Kind.values:
        errors["kind"] = _("種類が正しくありません。")
    if audience not in Notice.Audience.values:
        errors["audience"] = _("公開範囲が正しくありません。")
    if not title.strip():
        errors["title"] = _("件名を入力してください。")
    if not body.strip():
        errors["body"] = _("本文を入力してください。")
    if kind == Notice.Kind.GRANT:
        if not funder.strip():
            errors["funder"] = _("助成・補助の情報には助成元を入力してください。")
        if deadline is None:
            errors["deadline"] = _("助成・補助の情報には締切を入力してください。")
    if errors:
        raise ValidationError(errors)
    notice = Notice.objects.create(
        platform=platform_of(actor),
        kind=kind,
        audience=audience,
        author=author,
        title=title.strip(),
        body=body,
        topic=topic,
        area=area,
        funder=funder,
        amount_yen=amount_yen,
        deadline=deadline,
        eligibility=eligibility,
        link=link,
        published_at=published_at or timezone.now(),
    )
    log_action(
        "network.notice_posted",
        by=actor,
        platform=platform_of(actor),
        obj=notice,
        data={"kind": kind, "audience": audience},
    )
    return notice


@transaction.atomic
def do_set_umbrella(
    actor: Actor, member: MemberOrganisation, *, member_count: int, listed_members: str = ""
) -> Umbrella:
    listed = [line.strip() for line in listed_members.splitlines() if line.strip()]
    if member_count < 1:
        raise ValidationError(_("傘下の団体数は1以上にしてください。"))
    if len(listed) > member_count:
        raise ValidationError(
            _("傘下の団体が%(listed)s件書かれていますが、団体数は%(count)sです。")
            % {"listed": len(listed), "count": member_count}
        )
    umbrella, _created = Umbrella.objects.update_or_create(
        member=member,
        defaults={
            "platform": platform_of(actor),
            "member_count": member_count,
            "listed_members": "\n".join(listed),
        },
    )
    log_action(
        "network.umbrella_set",
        by=actor,
        platform=platform_of(actor),
        obj=umbrella,
        data={"member_count": member_count},
    )
    return umbrella


@transaction.atomic
def do_forward(actor: Actor, notice: Notice, umbrella: Umbrella) -> Forward:
    """The umbrella passes ``notice`` on to all its members (once); reach = its member count."""
    require_active(umbrella.member)
    forward, created = Forward.objects.get_or_create(
        notice=notice,
        umbrella=umbrella,
        defaults={
            "platform": platform_of(actor),
            "reach": umbrella.member_count,
            "forwarded_at": timezone.now(),
        },
    )
    if created:
        log_action(
            "network.notice_forwarded",
            by=actor,
            platform=platform_of(actor),
            obj=notice,
            data={"umbrella": str(umbrella.uuid), "reach": forward.reach},
        )
    return forward
