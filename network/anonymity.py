"""The check before a case study is shared: no personal detail may remain.

Flags, on the width-folded text: phone numbers, postal codes, mail addresses, calendar dates
(西暦・和暦・月日), street addresses (丁目・番地・1-2-3), and by SudachiPy's tags: people's names
(固有名詞・人名; a single letter such as 「Aさん」 is the accepted placeholder) and place names
finer than a municipality (「阿南市見能林町」; 「阿南市」「神山町」 alone are allowed).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sudachipy import SplitMode

from tsunagari.lib.japanese import tokenizer

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("電話番号", re.compile(r"(?<!\d)0\d{1,4}[-(）)]?\d{1,4}[-)]?\d{3,4}(?!\d)")),
    ("郵便番号", re.compile(r"〒?\s?(?<!\d)\d{3}-\d{4}(?!\d)")),
    ("メールアドレス", re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")),
    ("日付", re.compile(r"(\d{4}|(令和|平成|昭和)(\d{1,2}|元))年\s?\d{1,2}月(\s?\d{1,2}日)?")),
    ("日付", re.compile(r"(?<![\d年])\d{1,2}月\d{1,2}日")),
    ("日付", re.compile(r"(?<!\d)\d{4}[/.-]\d{1,2}[/.-]\d{1,2}(?!\d)")),
    ("住所", re.compile(r"\d+丁目|\d+番地|(?<!\d)\d{1,4}-\d{1,4}-\d{1,4}(?!\d)")),
]
_PLACEHOLDER = re.compile(r"^[A-Za-z]$")
_FINE_PLACE = re.compile(r"^.+?[都道府県市区郡].+")


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str


def findings(text: str) -> list[Finding]:
    """Every personal detail found in ``text``, in order, each once."""
    folded = unicodedata.normalize("NFKC", text or "")
    found: list[Finding] = []
    for kind, pattern in PATTERNS:
        found.extend(Finding(kind, m.group(0).strip()) for m in pattern.finditer(folded))
    for morpheme in tokenizer().tokenize(folded, SplitMode.C):
        pos = morpheme.part_of_speech()
        if pos[1] != "固有名詞":
            continue
        surface = morpheme.surface()
        if pos[2] == "人名" and not _PLACEHOLDER.match(surface):
            found.append(Finding("人名", surface))
        elif pos[2] == "地名" and _FINE_PLACE.match(surface):
            found.append(Finding("詳しい地名", surface))
    unique: list[Finding] = []
    for finding in found:
        if finding not in unique:
            unique.append(finding)
    return unique
