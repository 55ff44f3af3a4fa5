"""Japanese text analysis shared by the index and the query side of search.

Both sides go through ``analyse()``, so whatever a resident types is reduced to the same
tokens as the services' texts:

- width and compatibility forms: ``jaconv.normalize`` (NFKC: ｿｳﾀﾞﾝ → ソウダン, ＬＩＮＥ → LINE);
- words: SudachiPy morphemes in split modes C (long units: 相談窓口) and A (short units:
  相談, 窓口), as their *normalised form* (old kanji → new: 國 → 国; spelling variants:
  ひきこもり / 引きこもり → 引き籠もり; inflection: 死に → 死ぬ; こどく → 孤独);
- readings: each morpheme's reading in katakana (相談 → ソウダン), so kana input finds kanji;
- synonyms: SudachiDict synonym-group ids of each morpheme plus the groups in synonyms.py;
- romaji of the readings and their trigrams, for typo tolerance (こどこ ~ こどく).

Particles, auxiliaries, symbols and blanks carry no meaning for matching and are dropped
from the index terms (they are kept for recognising crisis phrases such as 消えたい).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import jaconv
from sudachipy import SplitMode

from directory.search import synonyms
from tsunagari.lib.japanese import normalise
from tsunagari.lib.japanese import tokenizer as _tokenizer

_SKIP_POS = frozenset({"補助記号", "空白", "助詞", "助動詞"})
_NON_TOKEN = re.compile(r"[^\w]+")
_KATAKANA = re.compile(r"^[\u30a0-\u30ffー]+$")


def token(text: str) -> str:
    """A term that every backend keeps as exactly one token (letters and digits only)."""
    return _NON_TOKEN.sub("", text).replace("_", "")


@dataclass(frozen=True)
class Analysis:
    words: tuple[str, ...]
    synonyms: tuple[str, ...]
    readings: tuple[str, ...]
    romaji: tuple[str, ...]
    lemmas: tuple[str, ...]  # every normalised form in order, particles included
    spoken: str = ""  # romaji of the whole text as read (first line), short words included
    # A query's typed words, each read as a whole (いばしょ → イバショ, while Sudachi cuts the
    # short query into 居る + ば + しょ): what a service's name must contain to rank first.
    typed_readings: tuple[str, ...] = ()

    @property
    def pieces(self) -> tuple[str, ...]:
        """What the typo-tolerant step compares: the whole text as read, and each word."""
        return _unique([self.spoken, *self.romaji])

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.readings)

    @property
    def crisis(self) -> bool:
        return any(_contains_in_order(self.lemmas, pattern) for pattern in _crisis_patterns())


def _contains_in_order(sequence: tuple[str, ...], pattern: tuple[str, ...]) -> bool:
    it = iter(sequence)
    return all(any(item == wanted for item in it) for wanted in pattern)


@functools.cache
def _crisis_patterns() -> tuple[tuple[str, ...], ...]:
    # Pattern words as Sudachi splits them (希死念慮 → 希死 + 念慮), all lemmas kept.
    patterns = []
    for pattern in synonyms.CRISIS_PATTERNS:
        lemmas: list[str] = []
        for word in pattern:
            lemmas.extend(
                m.normalized_form().lower() for m in _tokenizer().tokenize(normalise(word), SplitMode.C)
            )
        patterns.append(tuple(lemmas))
    return tuple(patterns)


def content_lemmas(text: str) -> list[str]:
    """Normalised forms of the meaningful morphemes of ``text`` (split mode C)."""
    return [
        m.normalized_form().lower()
        for m in _tokenizer().tokenize(normalise(text), SplitMode.C)
        if m.part_of_speech()[0] not in _SKIP_POS
    ]


def synonym_tags(lemmas: list[str]) -> list[str]:
    """Group tags for a sequence of normalised forms (one chunk of text, in order).

    A group word that Sudachi splits into several morphemes (子供食堂 → 子供 + 食堂) matches
    when its morphemes occur together; ``split`` tells how each word is split.
    """
    tags: list[str] = []
    by_first = _split_by_first()
    for i, lemma in enumerate(lemmas):
        for _word, parts, word_tags in by_first.get(lemma, ()):
            if tuple(lemmas[i : i + len(parts)]) == parts:
                tags.extend(word_tags)
    return tags


_split_cache: list[tuple[str, tuple[str, ...], list[str]]] = []
_split_first: dict[str, list[tuple[str, tuple[str, ...], list[str]]]] = {}


def _split_words() -> list[tuple[str, tuple[str, ...], list[str]]]:
    if not _split_cache:
        by_word: dict[str, list[str]] = {}
        for tag, words in synonyms.GROUPS.items():
            for word in words:
                by_word.setdefault(word, []).append(f"sx{tag}")
        _split_cache.extend((word, tuple(content_lemmas(word)), tags) for word, tags in by_word.items())
    return _split_cache


def _split_by_first() -> dict[str, list[tuple[str, tuple[str, ...], list[str]]]]:
    """The group words by their first morpheme, in the order of ``_split_words`` (a lemma is
    compared with the few words it can start instead of every word of every group)."""
    if not _split_first:
        found: dict[str, list[tuple[str, tuple[str, ...], list[str]]]] = {}
        for entry in _split_words():
            if entry[1]:
                found.setdefault(entry[1][0], []).append(entry)
        _split_first.update(found)
    return _split_first


@functools.lru_cache(maxsize=50_000)
def romaji(reading: str) -> str:
    """A katakana reading in lower-case romaji, as a token (readings repeat: jaconv is slow)."""
    return token(jaconv.kata2alphabet(reading)).lower()


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for item in items if item))


def analyse(text: str, *, query: bool = False) -> Analysis:
    """Terms of ``text``. A query written all in katakana (ｼﾆﾀｲ, ソウダン) is also read as
    hiragana, which Sudachi resolves to words (しにたい → 死ぬ + たい, そうだん → 相談)."""
    text = normalise(text)
    if query and _KATAKANA.match(text.replace(" ", "")):
        text = f"{text}\n{jaconv.kata2hira(text)}"
    words: list[str] = []
    syns: list[str] = []
    readings: list[str] = []
    romajis: list[str] = []
    lemmas: list[str] = []
    spoken: list[str] = []
    typed_readings: list[str] = []
    tokenizer = _tokenizer()
    spoken_done = False
    # Sudachi limits its input size; services' texts are split at line breaks.
    for chunk in text.splitlines() or [""]:
        if not chunk.strip():
            continue
        chunk_lemmas: list[str] = []
        for mode in (SplitMode.C, SplitMode.A):
            for m in tokenizer.tokenize(chunk, mode):
                lemma = m.normalized_form().lower()
                if mode is SplitMode.C:
                    lemmas.append(lemma)
                    if not spoken_done and m.part_of_speech()[0] not in ("補助記号", "空白"):
                        spoken.append(m.reading_form())
                pos = m.part_of_speech()[0]
                if pos in _SKIP_POS or (mode is SplitMode.A and pos == "接頭辞"):
                    continue
                if mode is SplitMode.C:
                    chunk_lemmas.append(lemma)
                words.append(token(lemma))
                surface = token(m.surface())
                if surface != words[-1] and not _KATAKANA.match(surface):
                    # Keep the written form too (a word Sudachi does not know is its own lemma).
                    words.append(surface)
                syns.extend(f"sg{gid}" for gid in m.synonym_group_ids())
                reading = token(m.reading_form())
                if len(reading) > 1 and _KATAKANA.match(reading):
                    readings.append(reading)
                    romajis.append(romaji(reading))
        syns.extend(synonym_tags(chunk_lemmas))
        spoken_done = True
    if query:
        # Each typed word also as a whole, written and read: Sudachi may cut a short query
        # where the indexed text was cut otherwise (よりそい → より + そい, but
        # よりそいホットライン → よりそい + ホットライン).
        for part in text.splitlines()[0].split() if text.strip() else []:
            words.append(token(part))
            reading = "".join(
                m.reading_form()
                for m in tokenizer.tokenize(part, SplitMode.C)
                if m.part_of_speech()[0] not in ("補助記号", "空白")
            )
            if len(reading) > 1 and _KATAKANA.match(reading):
                readings.append(token(reading))
                typed_readings.append(token(reading))
    return Analysis(
        words=_unique(words),
        synonyms=_unique(syns),
        readings=_unique(readings),
        romaji=_unique(romajis),
        lemmas=tuple(lemmas),
        spoken=romaji("".join(spoken)) if _KATAKANA.match("".join(spoken)) else "",
        typed_readings=_unique(typed_readings),
    )


@functools.lru_cache(maxsize=4096)
def analyse_query(text: str) -> Analysis:
    """``analyse`` for short query strings, cached (queries repeat)."""
    return analyse(text[:200], query=True)


def trigrams(romaji_words: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Character trigrams of each romaji word, padded at the start like pg_trgm ("  k", " ko")."""
    grams: list[str] = []
    for word in romaji_words:
        padded = f"__{word}_"
        grams.extend(padded[i : i + 3] for i in range(len(padded) - 2))
    return _unique([g.replace("_", "0") for g in grams])


def similarity(query: Analysis, document_grams: set[str]) -> float:
    """Share of the query's trigrams that the document has (0..1), best over the query's pieces.

    Like pg_trgm's word_similarity: the whole query as read, or one of its words, is compared
    with the trigrams of every word of the document.
    """
    best = 0.0
    for piece in query.pieces:
        wanted = set(trigrams((piece,)))
        if wanted:
            best = max(best, len(wanted & document_grams) / len(wanted))
    return best
