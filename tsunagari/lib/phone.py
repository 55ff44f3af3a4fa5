"""Japanese telephone numbers, checked the same way everywhere (forms, Excel sheet, HSDS import).

Accepted, after folding full-width characters (０５９６－２１－５５５６ → 0596-21-5556) and the
usual dash look-alikes (ー － ‐ − –) to "-":

- a number with its area code: 0 followed by 9 or 10 digits (固定電話 10 digits; 携帯・IP and
  0800 numbers 11),
  separated by hyphens, spaces or parentheses: 0596-21-5556, (0596)21-5556, 090 1234 5678;
  toll-free and navi-dial numbers have the same shape: 0120-279-338, 0800-100-1234, 0570-064-556;
- a 3-digit national short number: 110, 119, 189 (児童相談所虐待対応ダイヤル), 188 …;
- a #-number: #7110, #8000, #9110 (# and 4 digits).

Refused with a message that says why: letters (「TEL」「内線」), no area code (21-5556), the wrong
number of digits (0596-12). ``check_phone()`` returns the normalised number or raises
``ValidationError``; ``phone_problem()`` returns the message instead (for imports that warn).
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DASHES = str.maketrans({c: "-" for c in "ー－‐‑‒–—―−ｰ"})
_ALLOWED = re.compile(r"^[0-9\-() ]+$")
_HASH = re.compile(r"^#\d{4}$")
_SHORT = re.compile(r"^1\d{2}$")
# Only mobile, IP, M2M and 0800 numbers have 11 digits; a fixed line (0596-21-5556) has 10.
ELEVEN_DIGIT_PREFIXES = ("020", "050", "060", "070", "080", "090", "0800")


def normalise_phone(value: str) -> str:
    """Full-width digits and brackets to ASCII, dash look-alikes to "-", spaces trimmed."""
    folded = unicodedata.normalize("NFKC", value or "").translate(DASHES)
    return re.sub(r"\s+", " ", folded).strip()


def phone_problem(value: str) -> str:
    """Why ``value`` is not a Japanese phone number ("" when it is one)."""
    number = normalise_phone(value)
    if not number:
        return ""
    if _HASH.match(number) or _SHORT.match(number):
        return ""
    if not _ALLOWED.match(number):
        return _(
            "電話番号「%(value)s」に数字以外の文字が含まれています。数字とハイフンで入力してください（例: 0596-21-5556、#7110）。"
        ) % {"value": value}
    digits = re.sub(r"\D", "", number)
    if not digits.startswith("0"):
        return _("電話番号「%(value)s」は市外局番から入力してください（例: 0596-21-5556）。") % {
            "value": value
        }
    if len(digits) not in (10, 11) or (len(digits) == 11 and not digits.startswith(ELEVEN_DIGIT_PREFIXES)):
        return _("電話番号「%(value)s」の桁数が違います（市外局番から10桁または11桁。今は%(n)d桁です）。") % {
            "value": value,
            "n": len(digits),
        }
    return ""


def check_phone(value: str) -> str:
    """The normalised number, or ``ValidationError`` with the reason."""
    problem = phone_problem(value)
    if problem:
        raise ValidationError(problem, code="phone")
    return normalise_phone(value)


def validate_phone(value: str) -> None:
    """A Django field validator."""
    check_phone(value)
