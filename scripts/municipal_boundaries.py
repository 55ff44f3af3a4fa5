"""Rebuild outcomes/data/boundaries/ from the reversejp wheel (PyPI) — run by hand, not at run time.

The wheel ``reversejp`` (MIT) embeds the Japan Meteorological Agency's municipal boundaries (the
areas of its 土砂災害警戒情報, ``landslides_0.json`` … ``landslides_9.json``: one area per
municipality, a few large municipalities split into parts) as zip members inside its compiled
module. This script reads those members, joins the parts of each municipality under its 5-digit
団体コード (the 6-digit code without its check digit), and writes one JSON file per prefecture::

    {"21201": ["岐阜市", [[x0, y0, dx1, dy1, ...], ...]], ...}

with every ring as integers (longitude and latitude × 10,000, as the source rounds them), the
first point absolute and the others as differences from the one before; consecutive duplicate
points are dropped. Nothing else is changed: no point is moved or removed otherwise.

    pip download --no-deps -d /tmp/rj reversejp==0.1.1
    python scripts/municipal_boundaries.py /tmp/rj/reversejp-0.1.1-*.whl
"""

from __future__ import annotations

import io
import json
import re
import struct
import sys
import zipfile
import zlib
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "outcomes" / "data" / "boundaries"
SCALE = 10_000
KINDS = "市町村区"


def members(blob: bytes) -> dict[str, bytes]:
    """The ``landslides_N.json`` zip members embedded in the compiled module."""
    found: dict[str, bytes] = {}
    for match in re.finditer(rb"PK\x03\x04", blob):
        at = match.start()
        _v, _f, method, _t, _d, _crc, size, _usize, name_len, extra_len = struct.unpack(
            "<HHHHHIIIHH", blob[at + 4 : at + 30]
        )
        try:
            name = blob[at + 30 : at + 30 + name_len].decode()
        except UnicodeDecodeError:
            continue
        if not re.fullmatch(r"landslides_\d\.json", name):
            continue
        start = at + 30 + name_len + extra_len
        data = blob[start : start + size]
        found[name] = zlib.decompress(data, -15) if method == 8 else data
    return found


def common_name(names: list[str]) -> str:
    """「釧路市釧路」「釧路市阿寒」 → 「釧路市」: the shared start, cut after its last 市・町・村・区."""
    if len(names) == 1:
        return names[0]
    prefix = names[0]
    for name in names[1:]:
        while not name.startswith(prefix):
            prefix = prefix[:-1]
    cut = max(prefix.rfind(kind) for kind in KINDS)
    return prefix[: cut + 1] if cut >= 0 else prefix


def wards_into_cities(parts: dict[str, list[dict]]) -> None:
    """京都市 and 広島市 come as their wards (26101…, 34101…): join them under the city's code.

    Every other 政令指定都市 comes whole (札幌市 01100, さいたま市 11100, …). A platform is set up
    by the city, never by a ward, so the wards' areas are put together as the city's (the lines
    between wards stay drawn inside it).
    """
    by_city: dict[str, list[str]] = defaultdict(list)
    for code, group in parts.items():
        name = group[0]["properties"]["name"]
        ward = re.fullmatch(r"(.+?市).+区", name)
        if code[2] == "1" and code[3:] != "00" and ward:
            by_city[code[:2] + "|" + ward.group(1)].append(code)
    for key, codes in by_city.items():
        prefecture = key[:2]
        cities = [k for k in by_city if k.startswith(prefecture)]
        city = prefecture + "100"
        if len(cities) != 1 or city in parts:
            raise SystemExit(f"cannot tell which city the wards {codes} belong to")
        parts[city] = [feature for code in sorted(codes) for feature in parts.pop(code)]


def encode(ring: list[list[float]]) -> list[int]:
    out: list[int] = []
    last: tuple[int, int] | None = None
    for lon, lat in ring:
        point = (round(lon * SCALE), round(lat * SCALE))
        if point == last:
            continue
        if last is None:
            out += point
        else:
            out += [point[0] - last[0], point[1] - last[1]]
        last = point
    return out


def main(wheel: str) -> None:
    with zipfile.ZipFile(wheel) as archive:
        module = next(n for n in archive.namelist() if n.endswith((".so", ".pyd")))
        blob = archive.read(module)
    features = []
    for _name, raw in sorted(members(blob).items()):
        features += json.load(io.BytesIO(raw))["features"]
    parts: dict[str, list[dict]] = defaultdict(list)
    for feature in features:
        code = feature["properties"]["code"]
        if re.fullmatch(r"\d{7}", code):  # "hoppo" (北方領土, no 団体コード in use) is left out
            parts[code[:5]].append(feature)
    wards_into_cities(parts)
    by_prefecture: dict[str, dict[str, list]] = defaultdict(dict)
    for code, group in sorted(parts.items()):
        rings = []
        for feature in group:
            geometry = feature["geometry"]
            polygons = (
                geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
            )
            rings += [encode(ring) for polygon in polygons for ring in polygon]
        name = common_name([f["properties"]["name"] for f in group])
        by_prefecture[code[:2]][code] = [name, [r for r in rings if len(r) >= 6]]
    OUT.mkdir(parents=True, exist_ok=True)
    for prefecture, municipalities in sorted(by_prefecture.items()):
        text = json.dumps(municipalities, ensure_ascii=False, separators=(",", ":"))
        (OUT / f"{prefecture}.json").write_text(text + "\n", encoding="utf-8")
    print(f"{sum(len(m) for m in by_prefecture.values())} municipalities in {len(by_prefecture)} files")


if __name__ == "__main__":
    main(sys.argv[1])
