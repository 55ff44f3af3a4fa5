"""The one SudachiPy dictionary of the process, and the width/kana folding every Japanese text
goes through first.

SudachiDict-core takes ~70 MB and a few hundred milliseconds to load: search (directory),
crisis recognition (consultations) and free-text keywords (surveys) share this one
``Dictionary``; each thread gets its own tokenizer (Sudachi tokenizers are not thread-safe).
"""

from __future__ import annotations

import functools
import threading
import unicodedata

import jaconv
from sudachipy import Dictionary

_local = threading.local()


@functools.cache
def dictionary() -> Dictionary:
    return Dictionary(dict="core")


def tokenizer():
    """This thread's tokenizer on the shared dictionary."""
    found = getattr(_local, "tokenizer", None)
    if found is None:
        found = _local.tokenizer = dictionary().tokenizer()
    return found


def normalise(text: str) -> str:
    """Width-fold and lower-case (NFKC: ｿｳﾀﾞﾝ → ソウダン, ＬＩＮＥ → line): the form every other
    step starts from."""
    return jaconv.normalize(unicodedata.normalize("NFKC", text or "")).lower()
