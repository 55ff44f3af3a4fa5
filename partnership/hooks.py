"""Checks that apps above partnership register on its membership decisions.

Partnership must not import the apps that build on it, so a capability app that governs a
membership decision (governance: expulsion only by the body's resolution, Gifu 規約第8条)
registers a check here in its AppConfig.ready(). A check returns a Japanese refusal (the
decision may not be taken yet) or None.
"""

from __future__ import annotations

from collections.abc import Callable

from partnership.models import Expulsion

ExpulsionCheck = Callable[[Expulsion], str | None]

_expulsion_checks: list[ExpulsionCheck] = []


def register_expulsion_check(check: ExpulsionCheck) -> None:
    if check not in _expulsion_checks:
        _expulsion_checks.append(check)


def expulsion_refusal(expulsion: Expulsion) -> str | None:
    """The first refusal of a registered check, or None when the expulsion may be decided."""
    for check in _expulsion_checks:
        refusal = check(expulsion)
        if refusal:
            return refusal
    return None
