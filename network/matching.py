"""Needs ↔ offers: the score of a pairing and its explanation, in Japanese, item by item.

kind must be the same (a need for volunteers is not met by money); then
- area (団体コード): the same municipality 30, a neighbour 20, the same prefecture 10;
- period overlap: 25 × the share of the need's period the offer covers;
- quantity: 25 × the share of the need's quantity the offer covers;
- past success: 4 per earlier match of the offering organisation that reached 「お礼済み」, up to 20;
- strengths: 10 when one of the offering organisation's 得意分野 (its profile) is named in the
  need's title or description (width and case folded), the first such strength named.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tsunagari.lib.japanese import normalise
from tsunagari.lib.jiscode import prefecture_of

if TYPE_CHECKING:
    from network.models import Listing

# Neighbouring municipalities (隣接市町村), by 団体コード; Tokushima's, as far as the demo uses them.
_BORDERS = [
    ("362018", "362026"),  # 徳島市 – 鳴門市
    ("362018", "362034"),  # 徳島市 – 小松島市
    ("362018", "363413"),  # 徳島市 – 佐那河内村
    ("362034", "362042"),  # 小松島市 – 阿南市
    ("362034", "363014"),  # 小松島市 – 勝浦町
    ("363413", "363421"),  # 佐那河内村 – 神山町
]
NEIGHBOURS: frozenset[frozenset[str]] = frozenset(frozenset(pair) for pair in _BORDERS)


def _neighbours(a: str, b: str) -> bool:
    return frozenset((a, b)) in NEIGHBOURS


@dataclass(frozen=True)
class Side:
    kind: str
    municipality_code: str
    starts_on: datetime.date
    ends_on: datetime.date
    quantity: int
    text: str = ""  # title and description (of a need: what strengths are looked for in)


def side_of(listing: Listing) -> Side:
    """A need's or an offer's values as the score reads them."""
    return Side(
        kind=listing.kind,
        municipality_code=listing.municipality_code,
        starts_on=listing.starts_on,
        ends_on=listing.ends_on,
        quantity=listing.quantity,
        text=f"{listing.title} {listing.description}",
    )


@dataclass(frozen=True)
class Score:
    total: int
    parts: list[tuple[str, int]]  # (explanation, points)


def score(
    need: Side, offer: Side, past_thanked: int = 0, strengths: tuple[str, ...] | list[str] = ()
) -> Score | None:
    """The score of ``offer`` for ``need``; None when they cannot match (kind, no overlap)."""
    if need.kind != offer.kind:
        return None
    start = max(need.starts_on, offer.starts_on)
    end = min(need.ends_on, offer.ends_on)
    if end < start:
        return None
    parts: list[tuple[str, int]] = []
    if need.municipality_code == offer.municipality_code:
        parts.append(("同じ市町村", 30))
    elif _neighbours(need.municipality_code, offer.municipality_code):
        parts.append(("隣接する市町村", 20))
    elif prefecture_of(need.municipality_code) == prefecture_of(offer.municipality_code):
        parts.append(("同じ都道府県", 10))
    else:
        parts.append(("地域が離れている", 0))
    need_days = (need.ends_on - need.starts_on).days + 1
    covered = (end - start).days + 1
    period = round(25 * min(covered, need_days) / need_days)
    parts.append((f"期間の{round(100 * min(covered, need_days) / need_days)}%が重なる", period))
    share = min(offer.quantity, need.quantity) / need.quantity if need.quantity else 0
    parts.append((f"必要数の{round(100 * share)}%を満たす", round(25 * share)))
    past = min(20, 4 * past_thanked)
    if past_thanked:
        parts.append((f"過去のマッチング実績 {past_thanked}件", past))
    wanted = normalise(need.text)
    for strength in strengths:
        if normalise(strength) and normalise(strength) in wanted:
            parts.append((f"提供団体の得意分野「{strength}」", 10))
            break
    return Score(total=sum(p for _t, p in parts), parts=parts)
