"""Whether a respondent's answers call for help on the done page.

Strong loneliness — the national direct question answered 「しばしばある・常にある」, or a
UCLA-3 score (ucla_1..3, 1 決してない … 4 常にある) of 10 or more of 12, the band the
national survey reports as 常にある — or a crisis expression in any free-text answer
(recognised as on LINE and in the web chat, with the platform's own words) shows the
24-hour lines and the platform's desk when the survey is done. Nothing is stored: the
answers stay anonymous, only this respondent's browser session remembers to show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from consultations.crisis import recognise
from platforms.models import Platform

LONELINESS_QUESTION = "loneliness_direct"
LONELINESS_OFTEN = 1  # しばしばある・常にある
UCLA_ITEMS = ("ucla_1", "ucla_2", "ucla_3")
UCLA_HIGH = 10


@dataclass(frozen=True)
class HelpSignal:
    loneliness: bool
    crisis: bool

    @property
    def show(self) -> bool:
        return self.loneliness or self.crisis


def _code(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def ucla_score(answers: dict[str, Any]) -> int | None:
    codes = [_code(answers.get(item)) for item in UCLA_ITEMS]
    if any(code is None or not 1 <= code <= 4 for code in codes):
        return None
    return sum(code for code in codes if code is not None)


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    return []


def help_signal(answers: dict[str, Any], platform: Platform) -> HelpSignal:
    """Read inside the platform's scope (its own crisis words apply)."""
    score = ucla_score(answers)
    lonely = _code(answers.get(LONELINESS_QUESTION)) == LONELINESS_OFTEN or (
        score is not None and score >= UCLA_HIGH
    )
    texts = [text for text in _texts(answers) if text.strip()]
    crisis = bool(texts) and recognise("\n".join(texts), platform).crisis
    return HelpSignal(loneliness=lonely, crisis=crisis)
