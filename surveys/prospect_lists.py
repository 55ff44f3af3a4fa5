"""Lists of organisations that are not members (issue 20), with no database: an uploaded list read
row by row, names folded for comparing, the membership form's type guessed from a list's type,
and the signed links of the mails sent to a listed organisation."""

from __future__ import annotations

import csv
import io
import unicodedata
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from partnership.models import OrgType
from surveys.models import Prospect
from tsunagari.lib import sheets

COLUMNS = {"団体名": "name", "種別": "org_type", "地域": "area", "メールアドレス": "email"}
# Optional: an organisation with no e-mail address is invited by a letter sent to its address.
POSTAL_COLUMNS = {"郵便番号": "postal_code", "住所": "address"}
MAX_ROWS = 2000


def fold(name: str) -> str:
    """The name as compared for duplicates: NFKC, no spaces, lower case (株式会社 Ａ = 株式会社A)."""
    return unicodedata.normalize("NFKC", name).replace(" ", "").replace("\u3000", "").lower()[:200]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parse_xlsx(data: bytes) -> list[dict[str, str]]:
    """Rows of the first sheet of an uploaded workbook, its first row naming the columns.

    Read by ``tsunagari.lib.sheets`` (size and DTD checks, the sheet read by its data, not by the
    range it declares); rows with no value at all are skipped.
    """
    try:
        book = sheets.open_workbook(data)
    except sheets.SheetRefused as refused:
        raise ValidationError(str(refused)) from refused
    try:
        sheet = book.worksheets[0]
        rows = list(sheets.data_rows(sheet, max_rows=MAX_ROWS + 1))
    except sheets.SheetRefused as refused:
        raise ValidationError(str(refused)) from refused
    finally:
        book.close()
    if not rows:
        raise ValidationError(_("取り込む行がありません。"))
    header = [_cell(value) for value in rows[0]]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise ValidationError(_("列が足りません: %(cols)s") % {"cols": "、".join(missing)})
    index = {column: header.index(column) for column in {**COLUMNS, **POSTAL_COLUMNS} if column in header}
    parsed = []
    for row in rows[1:]:
        values = [_cell(value) for value in row]
        parsed.append(
            {
                field: values[index[column]] if column in index and index[column] < len(values) else ""
                for column, field in {**COLUMNS, **POSTAL_COLUMNS}.items()
            }
        )
    return parsed


def parse(data: bytes) -> list[dict[str, str]]:
    """Rows of the uploaded list: an Excel workbook (.xlsx), or a CSV (UTF-8 with or without
    BOM, or Shift_JIS from Excel). Row numbers in messages are the file's (the header is row 1)."""
    if data[:4] == b"PK\x03\x04":
        rows = _parse_xlsx(data)
        if len(rows) > MAX_ROWS:
            raise ValidationError(_("一度に取り込めるのは%(n)d行までです。") % {"n": MAX_ROWS})
        return rows
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(_("文字コードを読めません。UTF-8かShift_JISのCSVにしてください。"))
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(_("列が足りません: %(cols)s") % {"cols": "、".join(missing)})
    rows = [
        {field: (row.get(column) or "").strip() for column, field in {**COLUMNS, **POSTAL_COLUMNS}.items()}
        for row in reader
    ]
    if len(rows) > MAX_ROWS:
        raise ValidationError(_("一度に取り込めるのは%(n)d行までです。") % {"n": MAX_ROWS})
    return rows


# --- from respondent to member -------------------------------------------------------------------

ORG_TYPES = {
    "npo": OrgType.NPO,
    "任意団体": OrgType.NPO,
    "市民活動": OrgType.NPO,
    "社会福祉法人": OrgType.MEDICAL_WELFARE,
    "社会福祉協議会": OrgType.SHAKYO,
    "社協": OrgType.SHAKYO,
    "株式会社": OrgType.COMPANY,
    "企業": OrgType.COMPANY,
    "学校": OrgType.EDUCATION,
    "大学": OrgType.EDUCATION,
}


def guess_org_type(text: str) -> str:
    """The membership form's 種別 for a list's free-text type (NPO法人 → npo); "" when unsure."""
    folded = unicodedata.normalize("NFKC", text).lower()
    for value, label in OrgType.choices:
        if folded in (str(label).lower(), value):
            return str(value)
    for word, org_type in ORG_TYPES.items():
        if word in folded:
            return str(org_type)
    return ""


# --- links in the mails --------------------------------------------------------------------------

STOP_SALT = "surveys.prospect.stop"


def stop_token(prospect: Prospect) -> str:
    """The signed id in the 「今後のメールを停止」 link of every mail to a listed organisation."""
    return signing.dumps(str(prospect.uuid), salt=STOP_SALT)


def site_url(name: str, *args: Any) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)
