"""Checks that apps above partnership register on its membership decisions.

Partnership must not import the apps that build on it, so a capability app that governs a
membership decision (governance: expulsion only by the body's resolution, Gifu 規約第8条)
registers a check here in its AppConfig.ready(); so does a change into or out of a tier that
the bylaws fill by election (Gifu 第10条第2号: 幹事団体 are chosen by the プラットフォーム会議).
A check returns a Japanese refusal (the decision may not be taken yet) or None.
"""

from __future__ import annotations

from collections.abc import Callable

from partnership.models import Expulsion, MemberOrganisation, MemberTier

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


TierCheck = Callable[[MemberOrganisation, MemberTier], str | None]

_tier_checks: list[TierCheck] = []


def register_tier_check(check: TierCheck) -> None:
    if check not in _tier_checks:
        _tier_checks.append(check)


def tier_change_refusal(member: MemberOrganisation, tier: MemberTier) -> str | None:
    """The first refusal of a registered check, or None when ``member`` may move to ``tier``."""
    for check in _tier_checks:
        refusal = check(member, tier)
        if refusal:
            return refusal
    return None
