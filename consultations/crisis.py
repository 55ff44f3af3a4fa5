"""Crisis words (希死念慮・自傷) in a message, whatever the width, kana or spacing.

A message that contains one is answered at once, day or night, with 24-hour crisis lines
and flagged urgent for counsellors. Matching is deliberately broad: a false alarm costs a
counsellor a look, a miss can cost a life.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import jaconv

from platforms.models import Platform

CRISIS_WORDS = [
    "死にたい",
    "しにたい",
    "死んでしまいたい",
    "死のう",
    "死ぬしかない",
    "消えたい",
    "きえたい",
    "いなくなりたい",
    "自殺",
    "じさつ",
    "生きていたくない",
    "生きているのがつらい",
    "生きるのがつらい",
    "生きる意味がない",
    "自傷",
    "リストカット",
    "リスカ",
    "首をつ",
    "首吊",
    "飛び降り",
    "とびおり",
    "オーバードーズ",
    "楽になりたい",
]

_SEPARATORS = re.compile(r"[\s\u3000・.,、。…‥~〜ー\-_*!！?？「」『』()（）]+")


def normalise(text: str) -> str:
    """NFKC (full-width ASCII and half-width kana), katakana → hiragana, no spaces or marks."""
    text = unicodedata.normalize("NFKC", jaconv.h2z(text, kana=True, ascii=False, digit=False))
    text = jaconv.kata2hira(text).lower()
    return _SEPARATORS.sub("", text)


_NORMALISED = sorted({normalise(word) for word in CRISIS_WORDS}, key=len, reverse=True)


def crisis_words_in(text: str) -> list[str]:
    body = normalise(text)
    return [word for word in _NORMALISED if word in body]


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
