"""Invitation codes: new ones that this survey has not used yet."""

from __future__ import annotations

from surveys.models import Invitation, Survey, new_invitation_code


def unused_codes(survey: Survey, count: int) -> list[str]:
    """``count`` new invitation codes, none already used in this survey (the unique constraint backs this)."""
    taken = set(Invitation.objects.filter(survey=survey).values_list("code", flat=True))
    codes: list[str] = []
    while len(codes) < count:
        code = new_invitation_code()
        if code not in taken:
            taken.add(code)
            codes.append(code)
    return codes
