"""Capabilities of accounts, and of the audit and platforms pages: codename -> role kinds.

audit and platforms sit below accounts (they do not know the roles), so accounts, which owns
the roles, grants their pages.

Registered from the app's ``AppConfig.ready()``; views ask with ``@permission_required``,
services and templates with ``can`` (see ``accounts.permissions``)."""

from __future__ import annotations

from accounts.permissions import ANY_STAFF, SECRETARIAT, SECRETARIAT_ADMIN

CAPABILITIES: dict[str, frozenset[str]] = {
    # grant, change and revoke staff roles (利用者管理)
    "accounts.manage_staff": SECRETARIAT_ADMIN,
    # read and export the audit log
    "audit.view_log": SECRETARIAT,
    # the mail outbox: what was sent, what failed, and sending a failed mail again
    "audit.manage_outbox": SECRETARIAT,
    # the platform's own staff pages (platforms/views/)
    # the staff dashboard
    "platforms.view_dashboard": ANY_STAFF,
    # platform settings and membership rules
    "platforms.change_settings": SECRETARIAT_ADMIN,
}
