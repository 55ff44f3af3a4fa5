"""Paper questionnaires keyed twice: what two keyings of one sheet differ in (no database)."""

from __future__ import annotations

from typing import Any

from surveys.models import PaperEntry

META_FIELDS = ("invitation_code", "stratum")


def differences(first: PaperEntry, second: PaperEntry) -> list[tuple[str, Any, Any]]:
    out = []
    for field in META_FIELDS:
        if getattr(first, field) != getattr(second, field):
            out.append((field, getattr(first, field), getattr(second, field)))
    for code in sorted(set(first.answers) | set(second.answers)):
        a, b = first.answers.get(code), second.answers.get(code)
        if a != b:
            out.append((code, a, b))
    return out
