"""Keyword grouping of free-text answers with SudachiPy (normalised forms, content words only)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sudachipy import SplitMode

from tsunagari.lib.japanese import tokenizer

# Parts of speech that carry content; 非自立可能 verbs (いる, ある, する, なる…) are left out.
CONTENT = {"名詞", "動詞", "形容詞"}
SKIP_SUBCLASSES = {"非自立可能", "数詞", "代名詞"}
STOPWORDS = {"こと", "もの", "ため", "よう", "方", "時", "人", "思う", "特に", "ない"}


def keywords_of(text: str) -> set[str]:
    """The distinct content words of ``text`` in Sudachi's normalised form (寂しい, 淋しい → 寂しい)."""
    words = set()
    for morpheme in tokenizer().tokenize(text, SplitMode.C):
        pos = morpheme.part_of_speech()
        if pos[0] not in CONTENT or pos[1] in SKIP_SUBCLASSES:
            continue
        word = morpheme.normalized_form()
        if len(word) < 2 and pos[0] == "名詞" or word in STOPWORDS:
            continue
        words.add(word)
    return words


@dataclass(frozen=True)
class KeywordGroup:
    keyword: str
    answers: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.answers)


def group_answers(
    answers: Iterable[str], *, top: int = 12, min_count: int = 2
) -> tuple[list[KeywordGroup], list[str]]:
    """Group answers under their most frequent keywords; returns the groups and the answers left over.

    An answer is listed under every top keyword it contains; keywords found in fewer than
    ``min_count`` answers are not groups.
    """
    texts = [a.strip() for a in answers if a and a.strip()]
    found = [keywords_of(text) for text in texts]
    frequency = Counter(word for words in found for word in words)
    chosen = [w for w, n in sorted(frequency.items(), key=lambda kv: (-kv[1], kv[0])) if n >= min_count][:top]
    groups = [
        KeywordGroup(word, tuple(text for text, words in zip(texts, found, strict=True) if word in words))
        for word in chosen
    ]
    grouped = set(chosen)
    rest = [text for text, words in zip(texts, found, strict=True) if not words & grouped]
    return groups, rest
