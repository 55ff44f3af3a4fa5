"""Template helpers for questionnaires: texts in plain or やさしい日本語, answer lookups."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def qtext(obj: Any, easy: bool, field: str = "text") -> str:
    """``obj.<field>_easy`` when easy Japanese is on and present, else ``obj.<field>`` (works for dicts)."""
    get = obj.get if isinstance(obj, dict) else lambda k, d="": getattr(obj, k, d)
    plain = get(field, "") or get("label", "")
    return (get(f"{field}_easy", "") or plain) if easy else plain


@register.simple_tag
def optlabel(option: dict[str, Any], easy: bool) -> str:
    return str((option.get("label_easy") if easy else "") or option.get("label", ""))


@register.simple_tag
def checked(answers: dict[str, Any], code: str, value: Any) -> str:
    current = answers.get(code)
    if isinstance(current, list):
        hit = any(str(v) == str(value) for v in current)
    else:
        hit = current is not None and str(current) == str(value)
    return "checked" if hit else ""


@register.filter
def answer(answers: dict[str, Any], code: str) -> Any:
    value = answers.get(code)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return "" if value is None else value


@register.filter
def messages_for(errors: list[tuple[str, str]], code: str) -> list[str]:
    return [m for c, m in errors if c == code]


@register.filter
def scale_values(question: Any) -> list[int]:
    low, high = int(question.min_value or 0), int(question.max_value or 0)
    return list(range(low, high + 1))


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, "")
