"""Fixtures of the network tests: actors, a pledge, needs and offers in Tokushima."""

from __future__ import annotations

import datetime

from accounts.models import Role, User
from accounts.permissions import Actor
from network.models import Listing
from network.services import matches, pledges
from partnership.models import MemberOrganisation
from platforms.models import Platform

TOKUSHIMA = "362018"
KOMATSUSHIMA = "362034"
ANAN = "362042"
KAMIYAMA = "363421"
NARUTO = "362026"
GIFU = "212016"
# listings expire after their end date: the tests' periods start on the coming 1 April
APRIL = datetime.date(datetime.date.today().year + 1, 4, 1)


def actor(user: User, platform: Platform) -> Actor:
    return Actor.of_role(Role.objects.get(user=user, platform=platform))


def listing(
    who: Actor,
    member: MemberOrganisation,
    side: str,
    *,
    kind: str = Listing.Kind.PEOPLE,
    code: str = TOKUSHIMA,
    start: datetime.date = APRIL,
    days: int = 30,
    quantity: int = 10,
    title: str = "",
) -> Listing:
    return matches.do_post_listing(
        who,
        member,
        side=side,
        kind=kind,
        title=title or f"{side}-{kind}-{code}-{quantity}",
        municipality_code=code,
        starts_on=start,
        ends_on=start + datetime.timedelta(days=days - 1),
        quantity=quantity,
        unit="人",
    )


def pledge(who: Actor, *members: MemberOrganisation) -> None:
    pledges.do_publish_pledge(
        who, text="会員は、連携のために共有された情報を目的外に利用しない。", effective_from=APRIL
    )
    for member in members:
        pledges.do_accept_pledge(who, member)
