"""全国地方公共団体コード (local government code): 6 digits, the last a check digit.

The check digit is computed from the first five digits: multiply them by
6, 5, 4, 3, 2, sum, take the remainder modulo 11, subtract it from 11 and
keep the last digit (総務省 「全国地方公共団体コード」).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS = (6, 5, 4, 3, 2)


def check_digit(first_five: str) -> int:
    total = sum(int(d) * w for d, w in zip(first_five, WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def with_check_digit(first_five: str) -> str:
    return f"{first_five}{check_digit(first_five)}"


def is_valid(code: str) -> bool:
    return (
        len(code) == 6
        and code.isascii()
        and code.isdigit()
        and 1 <= int(code[:2]) <= 47
        and check_digit(code[:5]) == int(code[5])
    )


def is_prefecture(code: str) -> bool:
    """Prefecture codes are PP0000 + check digit."""
    return code[2:5] == "000"


def prefecture_of(code: str) -> str:
    return with_check_digit(code[:2] + "000")


def validate_code(value: str) -> None:
    if not (len(value) == 6 and value.isascii() and value.isdigit()):
        raise ValidationError(_("全国地方公共団体コードは半角数字6桁で入力してください。"), code="format")
    if not 1 <= int(value[:2]) <= 47:
        raise ValidationError(
            _("全国地方公共団体コードの先頭2桁（都道府県）が01〜47ではありません。"),
            code="prefecture",
        )
    if check_digit(value[:5]) != int(value[5]):
        raise ValidationError(
            _("全国地方公共団体コードの検査数字が正しくありません（正しくは %(code)s）。"),
            code="check_digit",
            params={"code": with_check_digit(value[:5])},
        )
