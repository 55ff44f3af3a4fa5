"""Municipal boundaries shipped with the app (outcomes/data/boundaries/, one JSON file per prefecture).

The shapes are the Japan Meteorological Agency's municipal areas as the ``reversejp`` package
(PyPI, MIT) carries them; ``outcomes/data/boundaries/README.md`` says where they come from, under
which terms, and how ``scripts/municipal_boundaries.py`` rebuilds them. Nothing is fetched at run
time. Municipalities are keyed by their 5-digit 団体コード (the 6-digit code without its check
digit): 岐阜市 is ``21201`` (212016).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "boundaries"
SCALE = 10_000

Ring = list[tuple[float, float]]  # (longitude, latitude)


@dataclass(frozen=True)
class Municipality:
    code: str  # 5 digits
    name: str
    rings: tuple[Ring, ...]  # outer rings and holes alike (drawn with the even-odd rule)


def key(code: str) -> str:
    """The 5-digit key of a 団体コード, with or without its check digit."""
    return code[:5]


def _decode(numbers: list[int]) -> Ring:
    ring: Ring = []
    x = y = 0
    for i in range(0, len(numbers) - 1, 2):
        x, y = (numbers[i], numbers[i + 1]) if i == 0 else (x + numbers[i], y + numbers[i + 1])
        ring.append((x / SCALE, y / SCALE))
    return ring


@functools.lru_cache(maxsize=8)
def prefecture(code: str) -> dict[str, Municipality]:
    """The municipalities of a prefecture (its code's first two digits), {} without data."""
    number = code[:2]
    path = DATA / f"{number}.json"
    if not (number.isdigit() and path.is_file()):
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {
        five: Municipality(five, name, tuple(_decode(ring) for ring in rings))
        for five, (name, rings) in raw.items()
    }
