"""Questionnaire logic shared by web answering, paper entry, preview and print: numbering,
display conditions (skip logic, evaluated on the server) and parsing/validating form answers.

Form field names: ``q_<answer code>`` (one per answer code; a multiple answer posts several values).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from surveys.models import Question, QuestionnaireVersion, QuestionType, Section

TEXT_LIMIT = 4000


@dataclass
class Numbered:
    number: int
    question: Question


def outline(version: QuestionnaireVersion) -> list[tuple[Section, list[Numbered]]]:
    """Sections with their questions numbered 問1, 問2 … through the whole questionnaire.

    The web, the preview and the printed paper version all use this numbering.
    """
    sections = list(version.sections.order_by("order", "id"))
    questions = list(version.questions.order_by("section__order", "section_id", "order", "id"))
    out = []
    number = 0
    for section in sections:
        items = []
        for q in questions:
            if q.section_id == section.pk:
                number += 1
                items.append(Numbered(number, q))
        out.append((section, items))
    return out


def number_of(version: QuestionnaireVersion) -> dict[str, int]:
    """Answer code -> question number (matrix rows share their question's number)."""
    out: dict[str, int] = {}
    for _section, items in outline(version):
        for item in items:
            out[item.question.code] = item.number
            for code in item.question.answer_codes():
                out[code] = item.number
    return out


def condition_holds(condition: dict[str, Any], answers: dict[str, Any]) -> bool:
    value = answers.get(condition.get("code", ""))
    op = condition.get("op", "in")
    wanted = condition.get("values") or []
    if op == "answered":
        return value not in (None, "", [])
    if value in (None, "", []):
        return False
    values = value if isinstance(value, list) else [value]
    if op == "in":
        return any(v in wanted for v in values)
    if op == "not_in":
        return all(v not in wanted for v in values)
    if op in ("gte", "lte") and wanted:
        try:
            number = float(values[0])
        except (TypeError, ValueError):
            return False
        return number >= float(wanted[0]) if op == "gte" else number <= float(wanted[0])
    return False


def is_visible(question: Question, answers: dict[str, Any]) -> bool:
    return all(condition_holds(c, answers) for c in question.conditions)


def describe_conditions(question: Question, numbers: dict[str, int]) -> str:
    """A respondent-facing instruction, e.g. 「問3で 5, 6, 7, 8 と答えた方」."""
    parts = []
    for c in question.conditions:
        number = numbers.get(c.get("code", ""))
        ref = _("問%(n)d") % {"n": number} if number else c.get("code", "")
        values = ", ".join(str(v) for v in c.get("values") or [])
        op = c.get("op", "in")
        if op == "in":
            parts.append(_("%(ref)sで「%(values)s」と答えた方") % {"ref": ref, "values": values})
        elif op == "not_in":
            parts.append(_("%(ref)sで「%(values)s」以外と答えた方") % {"ref": ref, "values": values})
        elif op == "answered":
            parts.append(_("%(ref)sに答えた方") % {"ref": ref})
        elif op == "gte":
            parts.append(_("%(ref)sが%(values)s以上の方") % {"ref": ref, "values": values})
        elif op == "lte":
            parts.append(_("%(ref)sが%(values)s以下の方") % {"ref": ref, "values": values})
    return _("、かつ").join(parts)


def parse_condition_lines(text: str) -> list[dict[str, Any]]:
    """Staff syntax, one per line: ``outing_freq in 5,6,7,8`` / ``q not_in 1`` / ``q answered`` /
    ``age_band >= 3`` / ``age_band <= 2`` / ``yc_cares = 1``. Raises ValueError with a message."""
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = line.replace("＝", "=").split(None, 2)
        if len(parts) == 2 and parts[1] == "answered":
            out.append({"code": parts[0], "op": "answered", "values": []})
            continue
        if len(parts) != 3:
            raise ValueError(
                _("%(n)d行目「%(line)s」: 「コード 演算子 値」の形で書いてください。")
                % {"n": number, "line": line}
            )
        code, op, values = parts
        op = {"=": "in", ">=": "gte", "<=": "lte", "!=": "not_in"}.get(op, op)
        if op not in ("in", "not_in", "gte", "lte"):
            raise ValueError(
                _("%(n)d行目: 演算子「%(op)s」は使えません（in, not_in, =, !=, >=, <=, answered）。")
                % {"n": number, "op": op}
            )
        try:
            numbers = [int(v) for v in values.replace("、", ",").split(",") if v.strip()]
        except ValueError:
            raise ValueError(
                _("%(n)d行目: 値は選択肢の番号（整数）をカンマで区切って書いてください。") % {"n": number}
            ) from None
        condition: dict[str, Any] = {"code": code, "op": op, "values": numbers}
        out.append(condition)
    return out


def format_condition_lines(conditions: list[dict[str, Any]]) -> str:
    ops = {"in": "in", "not_in": "not_in", "gte": ">=", "lte": "<="}
    lines = []
    for c in conditions:
        if c.get("op") == "answered":
            lines.append(f"{c['code']} answered")
        else:
            lines.append(
                f"{c['code']} {ops.get(c.get('op', 'in'), 'in')} {','.join(str(v) for v in c.get('values', []))}"
            )
    return "\n".join(lines)


def _int_in(raw: str, allowed: list[int]) -> int | None:
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if value in allowed else None


def parse_question(question: Question, data: QueryDict) -> tuple[dict[str, Any], list[str]]:
    """Answers of one question from a POST: ({code: value}, [error messages]). Empty = no key."""
    values: dict[str, Any] = {}
    errors: list[str] = []
    qtype = question.type
    if qtype == QuestionType.MATRIX:
        allowed = question.option_codes()
        for row in question.rows:
            raw = (data.get(f"q_{row['code']}") or "").strip()
            if raw:
                value = _int_in(raw, allowed)
                if value is None:
                    errors.append(_("「%(row)s」の選択が正しくありません。") % {"row": row["label"]})
                else:
                    values[row["code"]] = value
        return values, errors
    name = f"q_{question.code}"
    if qtype == QuestionType.MULTIPLE:
        allowed = question.option_codes()
        chosen = []
        for raw in data.getlist(name):
            value = _int_in(raw.strip(), allowed)
            if value is None:
                errors.append(_("選択が正しくありません。"))
            elif value not in chosen:
                chosen.append(value)
        exclusive = [int(o["code"]) for o in question.options if o.get("exclusive")]
        if len(chosen) > 1 and any(c in exclusive for c in chosen):
            labels = "、".join(question.option_label(c) for c in exclusive)
            errors.append(_("「%(labels)s」はほかの選択肢と同時に選べません。") % {"labels": labels})
        if question.max_choices and len(chosen) > question.max_choices:
            errors.append(_("選べるのは%(n)d個までです。") % {"n": question.max_choices})
        if chosen:
            values[question.code] = sorted(chosen)
        return values, errors
    raw = (data.get(name) or "").strip()
    if not raw:
        return values, errors
    if qtype in (QuestionType.SINGLE, QuestionType.SCALE):
        allowed = (
            list(range(int(question.min_value or 0), int(question.max_value or 0) + 1))
            if qtype == QuestionType.SCALE
            else question.option_codes()
        )
        value = _int_in(raw, allowed)
        if value is None:
            errors.append(_("選択が正しくありません。"))
        else:
            values[question.code] = value
    elif qtype == QuestionType.NUMBER:
        try:
            number = Decimal(
                raw.replace(",", "").translate(str.maketrans("０１２３４５６７８９．－", "0123456789.-"))
            )
        except InvalidOperation:
            errors.append(_("数字で入力してください。"))
        else:
            if not number.is_finite():
                errors.append(_("数字で入力してください。"))
            elif question.min_value is not None and number < question.min_value:
                errors.append(_("%(min)s以上の数を入力してください。") % {"min": f"{question.min_value:g}"})
            elif question.max_value is not None and number > question.max_value:
                errors.append(_("%(max)s以下の数を入力してください。") % {"max": f"{question.max_value:g}"})
            else:
                values[question.code] = float(number)
    elif qtype == QuestionType.DATE:
        try:
            values[question.code] = datetime.date.fromisoformat(raw.replace("/", "-")).isoformat()
        except ValueError:
            errors.append(_("日付を「2025-04-01」の形で入力してください。"))
    else:
        if len(raw) > TEXT_LIMIT:
            errors.append(_("%(n)d文字以内で入力してください。") % {"n": TEXT_LIMIT})
        else:
            values[question.code] = raw
    return values, errors


def missing_required(question: Question, values: dict[str, Any]) -> bool:
    if not question.required:
        return False
    return any(code not in values for code in question.answer_codes())


def visible_questions(version: QuestionnaireVersion, answers: dict[str, Any]) -> list[Question]:
    return [
        q for _s, items in outline(version) for q in [i.question for i in items] if is_visible(q, answers)
    ]


def prune_hidden(version: QuestionnaireVersion, answers: dict[str, Any]) -> dict[str, Any]:
    """Drop answers to questions that the other answers now hide (skip logic on the server)."""
    kept = dict(answers)
    for _section, items in outline(version):
        for item in items:
            if not is_visible(item.question, kept):
                for code in item.question.answer_codes():
                    kept.pop(code, None)
    return kept
