"""The order of the core-partner ranking's table (no database): by 会議体数, 団体名 or 会員かどうか."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from partnership.queries import PartnerRow

SORT_KEYS = ("councils", "name", "member")


def sort_rows(rows: list[PartnerRow], key: str, descending: bool) -> list[PartnerRow]:
    """Sort the ranking by 会議体数, 団体名 or 会員かどうか; ties keep the ranking order."""
    ranked = sorted(rows, key=lambda r: (r.rank, r.normalised_name))
    if key == "name":
        return sorted(ranked, key=lambda r: r.normalised_name, reverse=descending)
    if key == "member":
        return sorted(ranked, key=lambda r: r.is_member, reverse=descending)
    return sorted(ranked, key=lambda r: r.council_count, reverse=descending)
