"""Server-rendered SVG charts of the outcomes pages and the annual report (no JavaScript).

Every chart carries ``role="img"``, a ``<title>`` and a ``<desc>`` spelling out each value, and
sits next to a table with the same numbers; colours are the survey charts' (AA on white).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.translation import gettext_lazy as _

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


# --- a choropleth of a prefecture's municipalities ------------------------------------------------

# Five classes of a sequential blue (lightest to darkest) and the two states without a value.
CLASSES = ("#c3d6ee", "#93b6e0", "#6391cc", "#3b6fb3", "#1d4f91")
NO_PLATFORM = "#f3f4f6"
BORDER = "#ffffff"
NO_PLATFORM_TEXT = _("プラットフォームなし")
HIDDEN_TEXT = _("非公表・未測定")
RANGE = _("%(low)s〜%(high)s")  # a class of the legend: 「22〜37件」


@dataclass(frozen=True)
class MapCell:
    code: str  # 団体コード, 6 digits (5 are enough)
    name: str
    value: float | None  # None: suppressed or not measured (hatched grey)
    text: str  # the value as shown


@dataclass
class MunicipalMap:
    svg: str  # the map, or the tile grid when the prefecture has no boundary data
    drawn: bool  # False: the prefecture has no boundary data and ``svg`` is the tile grid
    missing: list[MapCell]  # municipalities without a boundary, shown as ``tiles`` under the map
    tiles: str = ""

    @property
    def missing_names(self) -> str:
        return "、".join(c.name for c in self.missing)


def _classes(values: list[float]) -> list[float]:
    """Upper bounds of up to five equal-interval classes over the values shown."""
    if not values:
        return []
    low, top = min(values), max(values)
    count = min(len(CLASSES), len(set(values)))
    if count <= 1 or top == low:
        return [top]
    step = (top - low) / count
    return [low + step * (i + 1) for i in range(count - 1)] + [top]


def _colour(index: int, count: int) -> str:
    """The colour of class ``index`` of ``count``: spread over the palette, the top class darkest."""
    if count <= 1:
        return CLASSES[-1]
    return CLASSES[round(index * (len(CLASSES) - 1) / (count - 1))]


def _class_of(value: float, bounds: list[float]) -> int:
    for index, bound in enumerate(bounds):
        if value <= bound + 1e-9:
            return index
    return len(bounds) - 1


def _number(value: float, whole: bool) -> str:
    return f"{value:,.0f}" if whole else f"{value:,.1f}"


def municipal_map(
    prefecture_code: str, cells: Sequence[MapCell], *, title: str, unit: str = "", width: int = 560
) -> MunicipalMap:
    """The prefecture's municipalities drawn from their boundaries, those in ``cells`` shaded.

    One ``<path>`` per municipality of the prefecture (``data-code`` is its 5-digit code): the
    municipalities with a value get the class ``c0``…``c4`` of its equal-interval class, a hidden
    or unmeasured value is hatched grey (class ``hidden``), and a municipality without a platform
    is pale (class ``absent``). Each path carries a ``<title>`` with the name and the value; a
    legend follows. Equirectangular projection scaled by cos(latitude), fit to the prefecture.
    A cell whose code has no boundary is listed in ``missing`` and drawn as tiles; without any
    boundary data for the prefecture the whole chart is the tile grid of :func:`choropleth`.
    """
    from outcomes import boundaries  # the data module only loads files; kept out of import time

    shapes = boundaries.prefecture(prefecture_code)
    grid = [(c.code, c.name, c.value, c.text) for c in cells]
    if not shapes:
        return MunicipalMap(choropleth(grid, title=title, columns=3), False, list(cells))
    by_code = {boundaries.key(c.code): c for c in cells}
    missing = [c for c in cells if boundaries.key(c.code) not in shapes]

    points = [p for m in shapes.values() for ring in m.rings for p in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    shrink = math.cos(math.radians((south + north) / 2))
    pad = 6
    scale = (width - 2 * pad) / max((east - west) * shrink, 1e-6)
    map_h = (north - south) * scale
    if map_h > width * 1.1:  # a tall prefecture: fit the height instead
        scale *= width * 1.1 / map_h
        map_h = width * 1.1
    offset = (width - 2 * pad - (east - west) * shrink * scale) / 2

    def xy(point: tuple[float, float]) -> tuple[float, float]:
        return pad + offset + (point[0] - west) * shrink * scale, pad + (north - point[1]) * scale

    values = [c.value for c in cells if c.value is not None and boundaries.key(c.code) in shapes]
    bounds = _classes(values)
    whole = all(float(v).is_integer() for v in values)
    parts = [
        '<defs><pattern id="none" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<rect width="6" height="6" fill="#e6e8eb"/>'
        '<path d="M0 6 L6 0" stroke="#8a8f98" stroke-width="1"/></pattern></defs>'
    ]
    labels: list[str] = []
    described: list[str] = []
    absent = 0
    for code, municipality in sorted(shapes.items()):
        d_parts = []
        for ring in municipality.rings:
            projected = [xy(p) for p in ring]
            path = []
            last = ""
            for x, y in projected:
                here = f"{x:.1f} {y:.1f}"
                if here != last:
                    path.append(here)
                last = here
            if len(path) >= 3:
                d_parts.append("M" + " L".join(path) + "Z")
        cell = by_code.get(code)
        name = (cell.name if cell else "") or municipality.name
        if cell is None:
            css, fill, tip = "absent", NO_PLATFORM, f"{municipality.name}: {NO_PLATFORM_TEXT}"
            absent += 1
        elif cell.value is None:
            css, fill, tip = "hidden", "url(#none)", f"{name}: {cell.text}"
        else:
            index = _class_of(cell.value, bounds)
            css, fill, tip = f"c{index}", _colour(index, len(bounds)), f"{name}: {cell.text}"
        parts.append(
            f'<path d="{"".join(d_parts)}" class="{css}" data-code="{code}" fill="{fill}" '
            f'fill-rule="evenodd" stroke="{BORDER if cell else "#c9cdd3"}" stroke-width="0.6">'
            f"<title>{escape(tip)}</title></path>"
        )
        if cell is not None:
            described.append(f"{name}（{cell.code}）: {cell.text}")
            outer = max(municipality.rings, key=len)
            xs = [xy(p)[0] for p in outer]
            ys = [xy(p)[1] for p in outer]
            cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
            labels.append(
                f'<text x="{cx:.1f}" y="{cy:.1f}" font-size="15" text-anchor="middle" fill="{TEXT}" '
                f'stroke="#ffffff" stroke-width="3" paint-order="stroke" aria-hidden="true">'
                f"{escape(name)}</text>"
            )
    parts += labels

    # the legend, under the map
    y = map_h + 2 * pad + 8
    gap = " " if unit[:1].isascii() and unit[:1].isalpha() else ""  # "81 cases", 「81件」
    entries: list[tuple[str, str]] = []
    low = min(values) if values else 0.0
    for index, bound in enumerate(bounds):
        start = low if index == 0 else bounds[index - 1]
        end = bound
        if whole:  # whole numbers: 22〜24 and 25〜27, not 22〜24.5 and 24.5〜27
            start = start if index == 0 else math.floor(start) + 1
            end = math.floor(end)
            if start > end:
                continue
        label = (
            f"{_number(start, whole)}{gap}{unit}"
            if start == end
            else str(RANGE % {"low": _number(start, whole), "high": _number(end, whole)}) + f"{gap}{unit}"
        )
        entries.append((_colour(index, len(bounds)), label))
    entries.append(("url(#none)", str(HIDDEN_TEXT)))
    entries.append((NO_PLATFORM, str(NO_PLATFORM_TEXT)))
    column_w = (width - 2 * pad) / 2
    for i, (fill, label) in enumerate(entries):
        lx = pad + (i % 2) * column_w
        ly = y + (i // 2) * 26
        parts.append(
            f'<rect x="{lx:.1f}" y="{ly:.1f}" width="20" height="16" fill="{fill}" stroke="#8a8f98" '
            f'stroke-width="0.5"/><text x="{lx + 26:.1f}" y="{ly + 14:.1f}" font-size="16" '
            f'fill="{TEXT}">{escape(label)}</text>'
        )
    height = int(y + ((len(entries) + 1) // 2) * 26 + pad)
    if absent:
        described.append(f"{NO_PLATFORM_TEXT}: {absent}")
    svg = _svg(width, height, title, "、".join(described), "".join(parts))
    tiles = choropleth([(c.code, c.name, c.value, c.text) for c in missing], title=title) if missing else ""
    return MunicipalMap(svg, True, missing, tiles)
