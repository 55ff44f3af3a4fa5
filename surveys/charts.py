"""Server-rendered SVG bar charts with confidence-interval whiskers and a benchmark bar beside.

Horizontal bars (long Japanese labels read left to right on a phone); no JavaScript. The SVG
carries ``role="img"``, a ``<title>`` and a ``<desc>`` that spells every value out for screen
readers, and uses only the page's colours (local: dark blue, national: grey, both AA on white).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

LOCAL = "#1d4f91"
NATIONAL = "#8a8f98"
WHISKER = "#111111"
TEXT = "#1a1a1a"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: suppressed
    ci_low: float | None = None
    ci_high: float | None = None
    benchmark: float | None = None
    n: int | None = None


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def _number(value: float, percent: bool) -> str:
    return _pct(value) if percent else f"{value:.2f}"


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    percent: bool = True,
    maximum: float | None = None,
    benchmark_label: str | None = None,
    width: int = 640,
) -> str:
    """An SVG string; ``maximum`` is the axis end (default: the largest value or CI bound)."""
    label_width = 168
    value_width = 64
    plot = width - label_width - value_width - 8
    has_benchmark = any(b.benchmark is not None for b in bars)
    bar_h = 14
    row_h = bar_h * (2 if has_benchmark else 1) + 14
    legend_h = 24 if has_benchmark else 0
    height = 8 + legend_h + row_h * len(bars) + 24
    top = max(
        [b.ci_high or 0 for b in bars]
        + [b.value or 0 for b in bars]
        + [b.benchmark or 0 for b in bars]
        + [1e-9]
    )
    axis_max = maximum if maximum is not None else top
    scale = plot / axis_max

    def x(value: float) -> float:
        return label_width + max(0.0, min(value, axis_max)) * scale

    desc = []
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px" class="chart" aria-labelledby="t d">',
        f'<title id="t">{escape(title)}</title>',
    ]
    y = 8
    if has_benchmark:
        parts.append(f'<rect x="{label_width}" y="{y}" width="12" height="12" fill="{LOCAL}"/>')
        parts.append(
            f'<text x="{label_width + 16}" y="{y + 11}" font-size="12" fill="{TEXT}">{escape(_("本調査"))}</text>'
        )
        parts.append(f'<rect x="{label_width + 96}" y="{y}" width="12" height="12" fill="{NATIONAL}"/>')
        parts.append(
            f'<text x="{label_width + 112}" y="{y + 11}" font-size="12" fill="{TEXT}">'
            f"{escape(benchmark_label or _('全国'))}</text>"
        )
        y += legend_h
    for bar in bars:
        label = escape(bar.label)
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar_h - 2}" font-size="12" text-anchor="end" fill="{TEXT}">{label}</text>'
        )
        if bar.value is None:
            parts.append(
                f'<text x="{label_width + 4}" y="{y + bar_h - 2}" font-size="12" fill="{TEXT}">{escape(_("非表示（少数）"))}</text>'
            )
            desc.append(f"{bar.label}: {_('非表示（少数）')}")
        else:
            parts.append(
                f'<rect x="{label_width}" y="{y}" width="{x(bar.value) - label_width:.1f}" height="{bar_h}" fill="{LOCAL}"/>'
            )
            text = _number(bar.value, percent)
            if bar.ci_low is not None and bar.ci_high is not None:
                lo, hi, mid = x(bar.ci_low), x(bar.ci_high), y + bar_h / 2
                parts.append(
                    f'<path d="M{lo:.1f} {mid}H{hi:.1f}M{lo:.1f} {y + 2}V{y + bar_h - 2}M{hi:.1f} {y + 2}V{y + bar_h - 2}" '
                    f'stroke="{WHISKER}" stroke-width="1.5" fill="none"/>'
                )
                text_ci = f"{text} ({_number(bar.ci_low, percent)}–{_number(bar.ci_high, percent)})"
            else:
                text_ci = text
            parts.append(
                f'<text x="{width - 4}" y="{y + bar_h - 2}" font-size="12" text-anchor="end" fill="{TEXT}">{escape(text)}</text>'
            )
            desc.append(f"{bar.label}: {text_ci}")
        if bar.benchmark is not None:
            by = y + bar_h
            parts.append(
                f'<rect x="{label_width}" y="{by}" width="{x(bar.benchmark) - label_width:.1f}" height="{bar_h - 2}" '
                f'fill="{NATIONAL}"/>'
            )
            parts.append(
                f'<text x="{width - 4}" y="{by + bar_h - 3}" font-size="11" text-anchor="end" fill="{TEXT}">'
                f"{escape(_number(bar.benchmark, percent))}</text>"
            )
            desc[-1] += f" / {benchmark_label or _('全国')} {_number(bar.benchmark, percent)}"
        y += row_h
    parts.append(f'<path d="M{label_width} 4V{y}" stroke="{TEXT}" stroke-width="1"/>')
    parts.append(
        f'<text x="{label_width}" y="{y + 14}" font-size="11" fill="{TEXT}">0</text>'
        f'<text x="{label_width + plot}" y="{y + 14}" font-size="11" text-anchor="end" fill="{TEXT}">'
        f"{escape(_number(axis_max, percent))}</text>"
    )
    parts.insert(2, f'<desc id="d">{escape("; ".join(desc))}</desc>')
    parts.append("</svg>")
    return "".join(parts)
