"""Capabilities of partnership: codename -> role kinds.

Registered from the app's ``AppConfig.ready()``; views ask with ``@permission_required``,
services and templates with ``can`` (see ``accounts.permissions``)."""

from __future__ import annotations

from accounts.models import Role
from accounts.permissions import SECRETARIAT, SECRETARIAT_ADMIN, SECRETARIAT_OR_VIEWER

CAPABILITIES: dict[str, frozenset[str]] = {
    # the member list (member staff see the published register only)
    "partnership.view_member_list": SECRETARIAT_OR_VIEWER | {Role.MEMBER_STAFF},
    # every member's full record
    "partnership.view_members": SECRETARIAT_OR_VIEWER,
    # withdrawals, change requests, member data corrections
    "partnership.manage_members": SECRETARIAT,
    # CSV and Excel exports of the members
    "partnership.export_members": SECRETARIAT,
    # expel a member (除名)
    "partnership.expel_member": SECRETARIAT_ADMIN,
    # membership tiers
    "partnership.manage_tiers": SECRETARIAT_ADMIN,
    # a member's staff: their own organisation, its change requests and withdrawal
    "partnership.act_for_own_organisation": frozenset({Role.MEMBER_STAFF}),
    # councils and core partners
    "partnership.view_councils": SECRETARIAT_OR_VIEWER,
    # seats, meetings and core partners of councils
    "partnership.manage_councils": SECRETARIAT,
    # the prefecture roll-up of its municipalities (counts only)
    "partnership.view_rollup": SECRETARIAT_OR_VIEWER,
    # screen applications (入会審査)
    "partnership.screen_applications": SECRETARIAT,
}
