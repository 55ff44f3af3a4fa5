from __future__ import annotations

from decimal import Decimal

from django import template

from outcomes import metrics
from outcomes.dashboard import fiscal_year_label

register = template.Library()


@register.filter
def pct(value: Decimal | None) -> str:
    return metrics.percent(value)


@register.filter
def yen(value: Decimal | None) -> str:
    return metrics.yen(value)


@register.filter
def num(value: int | Decimal | None) -> str:
    """12345 -> "12,345"; a Decimal keeps its significant decimals only (12.50 -> "12.5")."""
    if value is None or value == "":
        return ""
    if isinstance(value, str) or isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, Decimal):
        text = f"{value.normalize():,f}" if value == value.to_integral() else f"{value:,}".rstrip("0")
        return text.split(".")[0] if value == value.to_integral() else text
    return f"{value:,}"


@register.filter
def share(value: float | None) -> str:
    """0.0481 -> "4.8%"."""
    return "-" if value is None else f"{value * 100:.1f}%"


@register.filter
def fiscal_year(value: int) -> str:
    """2026 -> "令和8年度（2026年度）"."""
    return fiscal_year_label(int(value))
