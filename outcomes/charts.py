"""Server-rendered SVG charts of the outcomes pages and the annual report (no JavaScript).

Every chart carries ``role="img"``, a ``<title>`` and a ``<desc>`` spelling out each value, and
sits next to a table with the same numbers; colours are the survey charts' (AA on white).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from surveys.charts import LOCAL, NATIONAL, TEXT

TARGET = "#b3261e"


@dataclass(frozen=True)
class BarRow:
    label: str
    value: float | None  # None: suppressed or not measured (drawn as an empty row with its text)
    text: str  # the value as shown ("1,234件", "5未満")
    second: float | None = None  # a thinner grey bar (the previous year, the national figure)
    second_text: str = ""


def _svg(width: int, height: int, title: str, desc: str, body: str) -> str:
    key = uuid.uuid4().hex[:8]  # ids unique on a page with several charts
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="t{key} d{key}" class="chart">'
        f'<title id="t{key}">{escape(title)}</title><desc id="d{key}">{escape(desc)}</desc>'
        + body.replace("#none)", f"#none{key})").replace('id="none"', f'id="none{key}"')
        + "</svg>"
    )


def bars(
    rows: Sequence[BarRow], *, title: str, second_label: str = "", first_label: str = "", width: int = 360
) -> str:
    """Horizontal bars, the label above each (long Japanese labels fit a phone)."""
    text_w = 86
    plot = width - text_w - 4
    has_second = any(r.second is not None for r in rows)
    label_h, bar_h, second_h, gap = 16, 14, 9 if has_second else 0, 10
    row_h = label_h + bar_h + second_h + gap
    legend_h = 22 if has_second else 0
    height = 4 + legend_h + row_h * max(len(rows), 1)
    top = max([r.value or 0 for r in rows] + [r.second or 0 for r in rows] + [1])
    parts: list[str] = []
    if has_second:
        parts.append(
            f'<rect x="0" y="6" width="12" height="10" fill="{LOCAL}"/>'
            f'<text x="16" y="15" font-size="11" fill="{TEXT}">{escape(first_label)}</text>'
            f'<rect x="110" y="8" width="12" height="6" fill="{NATIONAL}"/>'
            f'<text x="126" y="15" font-size="11" fill="{TEXT}">{escape(second_label)}</text>'
        )
    described = []
    for i, row in enumerate(rows):
        y = 4 + legend_h + i * row_h
        parts.append(f'<text x="0" y="{y + 12}" font-size="12" fill="{TEXT}">{escape(row.label)}</text>')
        if row.value is not None:
            w = max(plot * row.value / top, 1 if row.value else 0)
            parts.append(f'<rect x="0" y="{y + label_h}" width="{w:.1f}" height="{bar_h}" fill="{LOCAL}"/>')
        parts.append(
            f'<text x="{width}" y="{y + label_h + 11}" font-size="12" text-anchor="end" '
            f'fill="{TEXT}">{escape(row.text)}</text>'
        )
        if row.second is not None:
            w2 = max(plot * row.second / top, 1 if row.second else 0)
            parts.append(
                f'<rect x="0" y="{y + label_h + bar_h + 1}" width="{w2:.1f}" height="{second_h - 2}" '
                f'fill="{NATIONAL}"/>'
            )
        described.append(
            f"{row.label}: {row.text}"
            + (f"（{second_label} {row.second_text}）" if row.second is not None else "")
        )
    return _svg(width, height, title, "、".join(described), "".join(parts))


def trend(
    values: Sequence[tuple[str, float]], *, title: str, target: float | None = None, width: int = 160
) -> str:
    """A small line of measured values over time, with the target as a red dashed line."""
    height, pad = 40, 4
    if not values:
        return ""
    numbers = [v for _label, v in values]
    top = max([*numbers, target or 0, 1])
    low = min([*numbers, 0])
    span = (top - low) or 1

    def y(v: float) -> float:
        return height - pad - (height - 2 * pad) * (v - low) / span

    step = (width - 2 * pad) / max(len(values) - 1, 1)
    points = " ".join(f"{pad + i * step:.1f},{y(v):.1f}" for i, (_l, v) in enumerate(values))
    parts = []
    if target is not None:
        parts.append(
            f'<line x1="0" x2="{width}" y1="{y(target):.1f}" y2="{y(target):.1f}" stroke="{TARGET}" '
            f'stroke-dasharray="4 3" stroke-width="1"/>'
        )
    if len(values) > 1:
        parts.append(f'<polyline points="{points}" fill="none" stroke="{LOCAL}" stroke-width="2"/>')
    for i, (_l, v) in enumerate(values):
        parts.append(f'<circle cx="{pad + i * step:.1f}" cy="{y(v):.1f}" r="2.5" fill="{LOCAL}"/>')
    desc = "、".join(f"{label}: {v:,g}" for label, v in values)
    if target is not None:
        desc += f"（目標 {target:,g}）"
    return _svg(width, height, title, desc, "".join(parts))


def choropleth(
    cells: Sequence[tuple[str, str, float | None, str]], *, title: str, columns: int = 4, width: int = 360
) -> str:
    """A tile map of municipalities (code, name, value, text), one square per municipality.

    Without boundary data in the repository the municipalities are tiles in 団体コード order (a
    tile grid map), shaded by value; a suppressed or unmeasured value is hatched grey.
    """
    gap, size_h = 4, 54
    size_w = (width - gap * (columns - 1)) / columns
    rows = (len(cells) + columns - 1) // columns or 1
    height = rows * (size_h + gap)
    values = [v for _c, _n, v, _t in cells if v is not None]
    low, top = (min(values), max(values)) if values else (0.0, 1.0)
    span = (top - low) or 1
    parts = [
        '<defs><pattern id="none" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<path d="M0 6 L6 0" stroke="#b0b4ba" stroke-width="1"/></pattern></defs>'
    ]
    described = []
    for i, (code, name, value, text) in enumerate(cells):
        x = (i % columns) * (size_w + gap)
        y = (i // columns) * (size_h + gap)
        if value is None:
            fill, ink = "url(#none)", TEXT
        else:
            share = 0.25 + 0.75 * (value - low) / span
            fill = f"rgba(29,79,145,{share:.2f})"
            ink = "#ffffff" if share > 0.6 else TEXT
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="{size_w:.1f}" height="{size_h}" fill="{fill}" stroke="#ffffff"/>'
            f'<text x="{x + 6:.1f}" y="{y + 18}" font-size="12" fill="{ink}">{escape(name)}</text>'
            f'<text x="{x + 6:.1f}" y="{y + 40}" font-size="14" font-weight="bold" fill="{ink}">{escape(text)}</text>'
        )
        described.append(f"{name}（{code}）: {text}")
    return _svg(width, height, title, "、".join(described), "".join(parts))
