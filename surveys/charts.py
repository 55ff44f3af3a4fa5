"""Server-rendered SVG bar charts with confidence-interval whiskers and a benchmark bar beside.

Horizontal bars with the label above each bar (long Japanese labels fit a phone); no JavaScript. The SVG
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
    width: int = 360,
) -> str:
    """An SVG string; ``maximum`` is the axis end (default: the largest value or CI bound).

    Each row is the label on its own line, then this survey's bar with its CI whisker and value,
    then the benchmark's thinner grey bar: narrow enough (360 units) to read on a phone unscaled.
    """
    value_width = 58
    plot = width - value_width - 4
    has_benchmark = any(b.benchmark is not None for b in bars)
    label_h, bar_h, bench_h, gap = 16, 14, 9 if has_benchmark else 0, 10
    row_h = label_h + bar_h + bench_h + gap
    legend_h = 22 if has_benchmark else 0
    height = 4 + legend_h + row_h * len(bars) + 16
    top = max(
        [b.ci_high or 0 for b in bars]
        + [b.value or 0 for b in bars]
        + [b.benchmark or 0 for b in bars]
        + [1e-9]
    )
    axis_max = maximum if maximum is not None else top
    scale = plot / axis_max

    def x(value: float) -> float:
        return max(0.0, min(value, axis_max)) * scale

    desc = []
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" class="chart" aria-labelledby="t d">',
        f'<title id="t">{escape(title)}</title>',
    ]
    y = 4
    if has_benchmark:
        # outside the f-strings, where makemessages finds them
        local_label, national_label = escape(_("本調査")), escape(benchmark_label or _("全国"))
        parts.append(f'<rect x="0" y="{y}" width="12" height="12" fill="{LOCAL}"/>')
        parts.append(f'<text x="16" y="{y + 11}" font-size="12" fill="{TEXT}">{local_label}</text>')
        parts.append(f'<rect x="96" y="{y}" width="12" height="12" fill="{NATIONAL}"/>')
        parts.append(f'<text x="112" y="{y + 11}" font-size="12" fill="{TEXT}">{national_label}</text>')
        y += legend_h
    for bar in bars:
        parts.append(f'<text x="0" y="{y + 12}" font-size="13" fill="{TEXT}">{escape(bar.label)}</text>')
        by = y + label_h
        if bar.value is None:
            parts.append(
                f'<text x="0" y="{by + 11}" font-size="12" fill="{TEXT}">{escape(_("非表示（少数）"))}</text>'
            )
            desc.append(f"{bar.label}: {_('非表示（少数）')}")
        else:
            parts.append(f'<rect x="0" y="{by}" width="{x(bar.value):.1f}" height="{bar_h}" fill="{LOCAL}"/>')
            text = _number(bar.value, percent)
            if bar.ci_low is not None and bar.ci_high is not None:
                lo, hi, mid = x(bar.ci_low), x(bar.ci_high), by + bar_h / 2
                parts.append(
                    f'<path d="M{lo:.1f} {mid}H{hi:.1f}M{lo:.1f} {by + 2}V{by + bar_h - 2}M{hi:.1f} {by + 2}V{by + bar_h - 2}" '
                    f'stroke="{WHISKER}" stroke-width="1.5" fill="none"/>'
                )
                text_ci = f"{text} ({_number(bar.ci_low, percent)}–{_number(bar.ci_high, percent)})"
            else:
                text_ci = text
            parts.append(
                f'<text x="{width}" y="{by + 11}" font-size="13" font-weight="bold" text-anchor="end" fill="{TEXT}">'
                f"{escape(text)}</text>"
            )
            desc.append(f"{bar.label}: {text_ci}")
        if bar.benchmark is not None:
            ny = by + bar_h
            parts.append(
                f'<rect x="0" y="{ny}" width="{x(bar.benchmark):.1f}" height="{bench_h - 1}" fill="{NATIONAL}"/>'
            )
            parts.append(
                f'<text x="{width}" y="{ny + 9}" font-size="11" text-anchor="end" fill="{TEXT}">'
                f"{escape(_number(bar.benchmark, percent))}</text>"
            )
            desc[-1] += f" / {benchmark_label or _('全国')} {_number(bar.benchmark, percent)}"
        y += row_h
    parts.append(f'<path d="M0 {4 + legend_h}V{y}M0 {y}H{plot}" stroke="{TEXT}" stroke-width="1"/>')
    parts.append(
        f'<text x="0" y="{y + 13}" font-size="11" fill="{TEXT}">0</text>'
        f'<text x="{plot}" y="{y + 13}" font-size="11" text-anchor="end" fill="{TEXT}">'
        f"{escape(_number(axis_max, percent))}</text>"
    )
    parts.insert(2, f'<desc id="d">{escape("; ".join(desc))}</desc>')
    parts.append("</svg>")
    return "".join(parts)
