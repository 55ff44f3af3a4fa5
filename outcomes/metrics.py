"""CTR and CPC computed from a medium's own counts, and the checks of what an agency stated.

A stated figure is compared at the precision it was written in: "4.64%" is right when the
computed CTR rounds to 4.64 % at two decimals (half a unit of the last digit), "¥94" when the
computed CPC rounds to 94 yen. Totals are checked against the sum of their rows.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def clean_number_text(text: str) -> str:
    """Full-width to half-width, without ¥ 円 , % and spaces ("￥１，０６３" -> "1063")."""
    text = unicodedata.normalize("NFKC", str(text)).strip()
    for junk in ("¥", "\\", "円", ",", "%", " ", "/クリック"):
        text = text.replace(junk, "")
    return text


def parse_stated(text: str, *, percent: bool) -> Decimal | None:
    """A stated CTR ("4.64%" -> 0.0464, keeping its 4 decimals) or CPC ("¥94" -> 94); None if blank."""
    raw = unicodedata.normalize("NFKC", str(text or "")).strip()
    if not raw:
        return None
    try:
        value = Decimal(clean_number_text(raw))
    except InvalidOperation:
        return None
    if percent and ("%" in raw or value >= 1):
        value = value.scaleb(-2)
    return value


def ratio(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def _disagrees(computed: Decimal | None, stated: Decimal | None) -> bool:
    if computed is None or stated is None:
        return False
    exponent = stated.as_tuple().exponent
    places = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
    return computed.quantize(places, rounding=ROUND_HALF_UP) != stated


def percent(value: Decimal | None) -> str:
    return "" if value is None else f"{value * 100:.2f}%"


def yen(value: Decimal | None) -> str:
    return "" if value is None else f"¥{value.quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"


@dataclass
class Figures:
    name: str
    impressions: int
    clicks: int
    cost: int
    stated_ctr: str = ""
    stated_cpc: str = ""
    flags: list[str] = field(default_factory=list)

    @property
    def ctr(self) -> Decimal | None:
        return ratio(self.clicks, self.impressions)

    @property
    def cpc(self) -> Decimal | None:
        return ratio(self.cost, self.clicks)

    def check(self) -> Figures:
        """Flag a stated CTR or CPC that its own counts do not give (beyond rounding)."""
        ctr, cpc = parse_stated(self.stated_ctr, percent=True), parse_stated(self.stated_cpc, percent=False)
        if _disagrees(self.ctr, ctr):
            self.flags.append(
                _("クリック率: 報告値 %(stated)s、クリック÷表示回数では %(computed)s")
                % {"stated": self.stated_ctr, "computed": percent(self.ctr)}
            )
        if _disagrees(self.cpc, cpc):
            self.flags.append(
                _("クリック単価: 報告値 %(stated)s、費用÷クリックでは %(computed)s")
                % {"stated": self.stated_cpc, "computed": yen(self.cpc)}
            )
        return self

    def as_json(self) -> dict[str, object]:
        def num(value: Decimal | None, places: int) -> float | None:
            return None if value is None else round(float(value), places)

        return {
            "name": self.name,
            "impressions": self.impressions,
            "clicks": self.clicks,
            "cost": self.cost,
            "ctr": num(self.ctr, 6),
            "cpc": num(self.cpc, 2),
            "stated_ctr": num(parse_stated(self.stated_ctr, percent=True), 6),
            "stated_cpc": num(parse_stated(self.stated_cpc, percent=False), 2),
            "flags": list(self.flags),
        }


@dataclass
class StatedTotal:
    impressions: int | None = None
    clicks: int | None = None
    cost: int | None = None
    ctr: str = ""
    cpc: str = ""


def report(rows: list[Figures], stated: StatedTotal | None) -> tuple[list[Figures], Figures]:
    """Every row checked, and the total of the rows checked against the stated total."""
    for row in rows:
        row.flags.clear()
        row.check()
    total = Figures(
        _("合計"),
        sum(r.impressions for r in rows),
        sum(r.clicks for r in rows),
        sum(r.cost for r in rows),
        stated.ctr if stated else "",
        stated.cpc if stated else "",
    ).check()
    if stated is not None:
        for label, mine, theirs in (
            (_("表示回数"), total.impressions, stated.impressions),
            (_("クリック"), total.clicks, stated.clicks),
            (pgettext("money spent", "費用"), total.cost, stated.cost),
        ):
            if theirs is not None and theirs != mine:
                total.flags.append(
                    _("合計の%(what)s: 報告値 %(stated)s、各行の和は %(sum)s")
                    % {"what": label, "stated": f"{theirs:,}", "sum": f"{mine:,}"}
                )
    return rows, total
