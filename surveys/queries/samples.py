"""A sample's mail-merge list: the invitation codes with the names and addresses kept for the letters."""

from __future__ import annotations

import io
from typing import Any

from surveys.models import Invitation, Sample
from tsunagari.lib.downloads import csv_writer, safe_cell


def mail_merge_rows(sample: Sample, survey_url: str) -> tuple[list[str], list[list[Any]]]:
    invitations = list(Invitation.objects.filter(sample=sample).order_by("id"))
    fields: list[str] = list(sample.columns)
    for invitation in invitations:
        for key in invitation.address:
            if key not in fields:
                fields.append(key)
    present = {key for invitation in invitations for key in invitation.address}
    fields = [f for f in fields if f in present]
    header = ["招待コード", "層", *fields, "回答URL", "回答済み"]
    rows = [
        [
            i.code,
            i.stratum,
            *[i.address.get(f, "") for f in fields],
            f"{survey_url}?code={i.code}",
            "○" if i.used_at else "",
        ]
        for i in invitations
    ]
    return header, rows


def mail_merge_csv(sample: Sample, survey_url: str) -> bytes:

    header, rows = mail_merge_rows(sample, survey_url)
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    # UTF-8 with BOM so that Excel opens Japanese text correctly.
    return buffer.getvalue().encode("utf-8-sig")


def mail_merge_xlsx(sample: Sample, survey_url: str) -> bytes:
    import openpyxl

    header, rows = mail_merge_rows(sample, survey_url)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "差し込み"
    sheet.append(header)
    for row in rows:
        sheet.append([_safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas in frame values (tsunagari.lib.downloads.safe_cell)."""
    return safe_cell(value)
