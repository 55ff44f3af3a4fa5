"""Answers as given: the pages a web respondent sees, the questions keyed from a paper sheet."""

from __future__ import annotations

from typing import Any

from surveys import logic
from surveys.models import Response, Section, Survey


def pages(response: Response) -> list[Section]:
    """Sections that have at least one question to show given the answers so far."""
    out = []
    for section, items in logic.outline(response.version):
        if any(logic.is_visible(i.question, response.answers) for i in items):
            out.append(section)
    return out


def parse_sheet(survey: Survey, data: Any) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Every question of the fielded version as keyed from the paper (no required check, no skipping:
    the paper is keyed as written)."""
    version = survey.fielded_version() or survey.current_version()
    answers: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    for question in version.questions.all():
        values, problems = logic.parse_question(question, data)
        answers.update(values)
        errors.extend((question.code, p) for p in problems)
    return answers, errors
