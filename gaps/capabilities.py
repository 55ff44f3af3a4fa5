"""Capabilities of gaps: codename -> role kinds.

Registered from the app's ``AppConfig.ready()``; views ask with ``@permission_required``,
services and templates with ``can`` (see ``accounts.permissions``)."""

from __future__ import annotations

from accounts.permissions import SECRETARIAT, SECRETARIAT_OR_VIEWER

CAPABILITIES: dict[str, frozenset[str]] = {
    # coverage and touch-point matrices and their exports
    "gaps.view_analysis": SECRETARIAT_OR_VIEWER,
    # edit touch points, departments and signals
    "gaps.edit_analysis": SECRETARIAT,
}
