"""Japanese text normalisation used for matching names (duplicates, rejoin bans)."""

from __future__ import annotations

import re
import unicodedata

# Legal-entity words that do not distinguish one organisation from another.
_ENTITY_WORDS = (
    "特定非営利活動法人",
    "認定特定非営利活動法人",
    "認定NPO法人",
    "NPO法人",
    "社会福祉法人",
    "一般社団法人",
    "公益社団法人",
    "一般財団法人",
    "公益財団法人",
    "株式会社",
    "有限会社",
    "合同会社",
    "(株)",
    "(有)",
)
_SPACES = re.compile(r"[\s\u3000・･]+")


def normalise_name(name: str) -> str:
    """NFKC, no spaces, no legal-entity prefix, lower case: for equality checks."""
    text = unicodedata.normalize("NFKC", name or "")
    text = _SPACES.sub("", text)
    for word in _ENTITY_WORDS:
        text = text.replace(unicodedata.normalize("NFKC", word), "")
    return text.lower()
