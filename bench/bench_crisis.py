"""Benchmark: what crisis recognition by meaning costs per message.

Every LINE and web-chat message (and every survey's free text) goes through
``consultations.crisis_rules.recognise_text``. Measured in one run, on the labelled corpus
(consultations/tests/data/crisis_corpus.tsv, short chat messages), against baselines:

  baseline   the substring matcher it replaced (fixed word list, NFKC + kana folding)
  tokenize   SudachiPy alone: split mode C over each message (the floor of any Sudachi reading)
  rules      recognise_text(): readings, sentences, Sudachi and the rules
  +50 words  the same with 50 platform words (folded substring and normalised-form runs)
  5,000 ch.  one message of the web chat's maximum length (CONSULTATION_MAX_TEXT_CHARS)
  cold       the first call in the process (loads SudachiDict-core once; search and surveys
             share it)

Run: make bench BENCH=bench_crisis   (ROUNDS=… passes over the corpus, default 20)
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagari.settings")

import django  # noqa: E402

django.setup()

import jaconv  # noqa: E402
from sudachipy import SplitMode  # noqa: E402

from consultations.crisis import read_corpus  # noqa: E402
from consultations.crisis_rules import platform_word, recognise_text  # noqa: E402
from tsunagari.lib.japanese import normalise, tokenizer  # noqa: E402

ROUNDS = int(os.environ.get("ROUNDS", "20"))
CORPUS = ROOT / "consultations" / "tests" / "data" / "crisis_corpus.tsv"

# The substring matcher of consultations/crisis.py before recognition by meaning (baseline).
OLD_WORDS = [
    "死にたい", "しにたい", "死んでしまいたい", "死のう", "死ぬしかない", "消えたい", "きえたい",
    "いなくなりたい", "自殺", "じさつ", "生きていたくない", "生きているのがつらい", "生きるのがつらい",
    "生きる意味がない", "自傷", "リストカット", "リスカ", "首をつ", "首吊", "飛び降り", "とびおり",
    "オーバードーズ", "楽になりたい",
]  # fmt: skip
_SEPARATORS = re.compile(r"[\s\u3000・.,、。…‥~〜ー\-_*!！?？「」『』()（）]+")


def old_normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", jaconv.h2z(text, kana=True, ascii=False, digit=False))
    return _SEPARATORS.sub("", jaconv.kata2hira(text).lower())


OLD_NORMALISED = sorted({old_normalise(w) for w in OLD_WORDS}, key=len, reverse=True)


def old_crisis_words_in(text: str) -> list[str]:
    body = old_normalise(text)
    return [w for w in OLD_NORMALISED if w in body]


def sudachi_only(text: str) -> int:
    return len(tokenizer().tokenize(normalise(text), SplitMode.C))


def per_message(fn, messages: list[str], rounds: int = ROUNDS) -> float:
    """Median over rounds of the mean time per message, in microseconds."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for text in messages:
            fn(text)
        samples.append((time.perf_counter() - start) / len(messages) * 1e6)
    return statistics.median(samples)


def main() -> None:
    rows = read_corpus(CORPUS.read_text(encoding="utf-8"))
    messages = [text for _label, text in rows]
    start = time.perf_counter()
    recognise_text("もう消えてしまいたい")
    cold_ms = (time.perf_counter() - start) * 1e3

    words = [platform_word(f"地域の語{i}") for i in range(49)] + [platform_word("ブロン")]
    long_text = ("今日は仕事のことで相談したいです。職場の人間関係がうまくいかず、毎晩眠れません。" * 120)[
        :5000
    ]

    baseline = per_message(old_crisis_words_in, messages)
    tokenize = per_message(sudachi_only, messages)
    rules = per_message(recognise_text, messages)
    with_words = per_message(lambda text: recognise_text(text, words), messages)
    long_us = per_message(recognise_text, [long_text], rounds=max(5, ROUNDS // 2))

    print(f"corpus: {len(messages)} messages, {ROUNDS} rounds, median of per-message means")
    print(f"{'':12}{'µs/message':>12}{'× baseline':>12}{'× tokenize':>12}")
    for name, value in (
        ("baseline", baseline),
        ("tokenize", tokenize),
        ("rules", rules),
        ("+50 words", with_words),
        ("5,000 ch.", long_us),
    ):
        print(f"{name:12}{value:12.1f}{value / baseline:12.1f}{value / tokenize:12.2f}")
    print(f"cold first call (dictionary load): {cold_ms:.0f} ms")


if __name__ == "__main__":
    main()
