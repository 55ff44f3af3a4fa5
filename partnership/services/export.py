"""The staff member register as CSV (UTF-8 with BOM, for Excel) and as an Excel workbook.

Every export is audited (AuditEntry.EXPORT with the row count). Cell values
that a spreadsheet would run as a formula are written as plain text.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from accounts.permissions import Actor
from audit.models import AuditEntry
from audit.services import log_action
from partnership.models import PUBLISHABLE_FIELDS, MemberOrganisation
from platforms.models import Platform
from tsunagari.lib.downloads import csv_writer, safe_cell

_PUBLISHABLE_LABELS = dict(PUBLISHABLE_FIELDS)


def _fields(m: MemberOrganisation) -> str:
    return "、".join(f.name for f in m.fields.all())


def _published(m: MemberOrganisation) -> str:
    return "、".join(str(_PUBLISHABLE_LABELS.get(k, k)) for k in m.published_fields or [])


def columns(platform: Platform) -> list[tuple[str, Callable[[MemberOrganisation], Any], int]]:
    """(header, value of a member, Excel column width) for every column of the staff register."""
    return [
        (_("団体名"), lambda m: m.name, 32),
        (_("ふりがな"), lambda m: m.name_kana, 28),
        (_("団体の種別"), lambda m: m.get_org_type_display(), 18),
        (_("会員区分"), lambda m: m.tier.name if m.tier else "", 12),
        (_("状態"), lambda m: m.get_status_display(), 8),
        (_("代表者"), lambda m: m.representative, 18),
        (_("郵便番号"), lambda m: m.postal_code, 10),
        (_("所在地"), lambda m: m.address, 36),
        (_("電話番号"), lambda m: m.phone, 16),
        (_("メールアドレス"), lambda m: m.email, 28),
        (_("担当者"), lambda m: m.contact_person, 16),
        (_("ホームページ"), lambda m: m.website, 30),
        (_("活動分野"), _fields, 36),
        (_("その他の分野"), lambda m: m.other_field, 18),
        (_("活動地域"), lambda m: m.area, 20),
        (_("活動内容"), lambda m: m.description, 50),
        (_("公開に同意した項目"), _published, 36),
        (_("団体コード"), lambda m: m.municipality_code, 10),
        (_("入会日"), lambda m: m.joined_on, 12),
        (_("入会年度"), lambda m: platform.fiscal_year_of(m.joined_on), 9),
        (_("退会・除名日"), lambda m: m.left_on, 12),
        (_("再入会禁止期限"), lambda m: m.rejoin_banned_until, 14),
        (_("管理ID"), lambda m: str(m.uuid), 38),
    ]


def _rows(members: Iterable[MemberOrganisation], platform: Platform) -> Iterable[list[Any]]:
    getters = [getter for _h, getter, _w in columns(platform)]
    for member in members:
        yield [getter(member) for getter in getters]


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(safe_cell(str(value)))


def _filename(platform: Platform, ext: str) -> str:
    return f"members-{platform.slug}-{timezone.localdate():%Y%m%d}.{ext}"


def _log(actor: Actor, fmt: str, count: int, filters: dict[str, Any]) -> None:
    log_action(
        AuditEntry.EXPORT,
        by=actor,
        data={"what": "members", "format": fmt, "rows": count, "filters": filters},
    )


def _export_queryset(members: QuerySet[MemberOrganisation]) -> list[MemberOrganisation]:
    return list(members.select_related("tier").prefetch_related("fields"))


def do_export_csv(
    members: QuerySet[MemberOrganisation],
    platform: Platform,
    *,
    filters: dict[str, Any],
    actor: Actor,
) -> tuple[bytes, str]:
    """(UTF-8 CSV with BOM, file name); logs the export with its row count."""
    rows = _export_queryset(members)
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow([header for header, _g, _w in columns(platform)])
    for row in _rows(rows, platform):
        writer.writerow([_csv_text(v) for v in row])
    _log(actor, "csv", len(rows), filters)
    return ("\ufeff" + out.getvalue()).encode("utf-8"), _filename(platform, "csv")


def do_export_xlsx(
    members: QuerySet[MemberOrganisation],
    platform: Platform,
    *,
    filters: dict[str, Any],
    actor: Actor,
) -> tuple[bytes, str]:
    """(Excel workbook, file name): bold frozen header, column widths, dates as dates."""
    rows = _export_queryset(members)
    book = Workbook()
    sheet = book.active
    sheet.title = _("会員名簿")
    bold = Font(bold=True)
    for col, (header, _getter, width) in enumerate(columns(platform), start=1):
        cell = sheet.cell(row=1, column=col, value=header)
        cell.font = bold
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A2"
    for r, row in enumerate(_rows(rows, platform), start=2):
        for col, value in enumerate(row, start=1):
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell = sheet.cell(row=r, column=col, value=value)
            if isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text, never a formula
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    _log(actor, "xlsx", len(rows), filters)
    return out.getvalue(), _filename(platform, "xlsx")
