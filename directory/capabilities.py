"""Capabilities of directory: codename -> role kinds.

Registered from the app's ``AppConfig.ready()``; views ask with ``@permission_required``,
services and templates with ``can`` (see ``accounts.permissions``)."""

from __future__ import annotations

from accounts.models import Role
from accounts.permissions import ANY_STAFF, SECRETARIAT

CAPABILITIES: dict[str, frozenset[str]] = {
    # the staff list of services
    "directory.view_services": ANY_STAFF,
    # propose a new service or a change (member staff: their organisation's)
    "directory.propose_service": SECRETARIAT | {Role.MEMBER_STAFF},
    # edit services directly, without review
    "directory.edit_service": SECRETARIAT,
    # review proposed service changes
    "directory.review_changes": SECRETARIAT,
    # the 情報交換・共有シート upload
    "directory.upload_sheet": SECRETARIAT,
    # サポートリスト settings
    "directory.edit_support_list": SECRETARIAT,
}
