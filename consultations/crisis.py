"""Crisis expressions (希死念慮・自傷) in a message, and the 24-hour lines to answer them with.

A message that carries one is answered at once, day or night, with 24-hour crisis lines and
flagged urgent for counsellors. Recognition is by meaning (``consultations.crisis_rules``:
SudachiPy's normalised forms and patterns over them, so 消えてしまいたい, 死にたくなる,
死ねたらいいのに, ｼﾆﾀｲ and 生まれてこなければよかった are found) plus the words the platform's
secretariat added (``CrisisWord``). It stays deliberately broad: a false alarm costs a
counsellor a look, a miss can cost a life.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from consultations.crisis_rules import (
    CATEGORY_LABELS,
    SUICIDAL,
    Match,
    PlatformWord,
    fold,
    platform_word,
    recognise_text,
)
from consultations.models import CrisisWord
from platforms.models import Platform

logger = logging.getLogger(__name__)

# Should recognition itself ever fail, a message is still checked against these words (folded
# like platform words): the crisis answer must go out whatever happens.
FALLBACK_WORDS = ("死にたい", "しにたい", "消えたい", "きえたい", "自殺", "死のう", "リスカ", "自傷", "遺書")

# The category stored in clear on an urgent consultation; the matched words are encrypted.
URGENT_REASON = "希死念慮・自傷の表現"


@dataclass(frozen=True)
class Recognition:
    matches: tuple[Match, ...]

    @property
    def crisis(self) -> bool:
        return bool(self.matches)

    @property
    def matched(self) -> list[str]:
        return list(dict.fromkeys(match.text for match in self.matches))

    @property
    def categories(self) -> list[str]:
        return list(dict.fromkeys(CATEGORY_LABELS[match.category] for match in self.matches))


def platform_words(platform: Platform | None) -> list[PlatformWord]:
    """The platform's own words (the caller is inside the platform's scope)."""
    if platform is None:
        return []
    return [
        platform_word(word)
        for word in CrisisWord.objects.filter(platform=platform).values_list("word", flat=True)
    ]


def recognise(
    text: str, platform: Platform | None = None, *, words: list[PlatformWord] | None = None
) -> Recognition:
    """Crisis expressions in ``text``: the built-in rules and ``platform``'s own words
    (pass ``words`` from ``platform_words`` to read them once for many messages)."""
    if not text or not text.strip():
        return Recognition(())
    extra = words if words is not None else platform_words(platform)
    try:
        return Recognition(tuple(recognise_text(text, extra)))
    except Exception:  # never let the recogniser keep a message or its crisis answer back
        logger.exception("crisis recognition failed; falling back to the word list")
        folded = fold(text)
        found = [Match(SUICIDAL, w, "fallback") for w in FALLBACK_WORDS if fold(w) in folded]
        found += [Match(SUICIDAL, w.word, "fallback") for w in extra if w.folded and w.folded in folded]
        return Recognition(tuple(found))


def crisis_words_in(text: str, platform: Platform | None = None) -> list[str]:
    """The crisis expressions of ``text`` as written (empty: no crisis)."""
    return recognise(text, platform).matched


@dataclass(frozen=True)
class CrisisLine:
    name: str
    phone: str
    hours: str


SUICIDAL_TOPIC = "topic-suicidal"
CHILDREN_CATEGORY = "cat-children"

# Shipped fallback when the platform's directory lists no 24-hour crisis line.
NATIONAL_CRISIS_LINES = [
    CrisisLine("よりそいホットライン", "0120-279-338", "24時間・通話無料"),
    CrisisLine("救急（命の危険があるとき）", "119", "24時間"),
]


def crisis_lines(platform: Platform) -> list[CrisisLine]:
    """The platform's 24-hour crisis lines from its directory, else the shipped national list."""
    from directory.models import Service

    services = (
        Service.objects.crisis_lines().filter(platform=platform, is_24h=True).prefetch_related("phones")
    )
    # Lines for suicidal thoughts first and lines only for children last (most people who write
    # are adults: Yamagata's 10代 were 5 of 85), otherwise in the directory's order.
    suicidal = set(services.in_category(SUICIDAL_TOPIC).values_list("pk", flat=True))
    children = set(services.in_category(CHILDREN_CATEGORY).values_list("pk", flat=True))
    found = []
    for service in sorted(services, key=lambda s: (s.pk in children, s.pk not in suicidal)):
        phones = list(service.phones.all())
        if phones:
            found.append(CrisisLine(service.name, phones[0].number, "24時間"))
    return found[:3] or NATIONAL_CRISIS_LINES


def crisis_reply(platform: Platform) -> str:
    lines = "\n".join(f"・{line.name} {line.phone}（{line.hours}）" for line in crisis_lines(platform))
    return (
        "メッセージを受け取りました。つらい気持ちを伝えてくださってありがとうございます。\n"
        "今すぐ誰かと話したいときは、次の窓口に24時間つながります。\n"
        f"{lines}\n"
        "このチャットの相談員も、できるだけ早くお返事します。"
    )


@dataclass(frozen=True)
class Evaluation:
    crisis_total: int
    ordinary_total: int
    found: int
    misses: list[str]
    false_alarms: list[tuple[str, list[str]]]

    @property
    def recall(self) -> float:
        return self.found / self.crisis_total if self.crisis_total else 1.0

    @property
    def false_alarm_rate(self) -> float:
        return len(self.false_alarms) / self.ordinary_total if self.ordinary_total else 0.0


LABELS = ("crisis", "ordinary")


def read_corpus(content: str) -> list[tuple[str, str]]:
    """``label<TAB>text`` lines (``#`` comments and blank lines skipped) as (label, text)."""
    rows = []
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        label, tab, text = line.partition("\t")
        if not tab or label not in LABELS or not text.strip():
            raise ValueError(
                f"line {number}: expected 'crisis<TAB>text' or 'ordinary<TAB>text', got {line!r}"
            )
        rows.append((label, text))
    return rows


def evaluate(rows: list[tuple[str, str]], *, words: list[PlatformWord] | None = None) -> Evaluation:
    misses: list[str] = []
    false_alarms: list[tuple[str, list[str]]] = []
    crisis_total = found = 0
    for label, text in rows:
        result = recognise(text, words=words or [])
        if label == "crisis":
            crisis_total += 1
            found += result.crisis
            if not result.crisis:
                misses.append(text)
        elif result.crisis:
            false_alarms.append((text, result.matched))
    return Evaluation(crisis_total, len(rows) - crisis_total, found, misses, false_alarms)
