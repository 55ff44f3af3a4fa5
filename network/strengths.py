"""A member's 得意分野 typed as one line of words (no database): the profile form reads it."""

from __future__ import annotations

import re
import unicodedata

_SPLIT = re.compile(r"[,、，;；/／\s]+")


def parse_strengths(text: str) -> list[str]:
    """「見守り、食支援 居場所」 → ['見守り', '食支援', '居場所'] (NFKC, duplicates dropped)."""
    found: list[str] = []
    for word in _SPLIT.split(unicodedata.normalize("NFKC", text or "")):
        word = word.strip()
        if word and word not in found:
            found.append(word)
    return found
