"""Every CSV/Excel cell that a spreadsheet would run as a formula is written as text."""

from __future__ import annotations

import csv
import io

from django.test import SimpleTestCase
from django.urls import reverse
from openpyxl import Workbook

from audit.models import AuditEntry
from tsunagari.lib.downloads import csv_writer, safe_cell, xlsx_value
from tsunagari.lib.testing import BaseTestCase

PAYLOADS = [
    '=HYPERLINK("http://evil.example/","クリック")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1",
    "\r=1",
]


class SafeCellTestCase(SimpleTestCase):
    def test_it_prefixes_every_formula_start(self) -> None:
        for payload in PAYLOADS:
            with self.subTest(payload=payload):
                self.assertEqual(safe_cell(payload), "'" + payload)

    def test_it_leaves_ordinary_values_alone(self) -> None:
        for value in ("特定非営利活動法人 ひだまりの会", "058-272-1111", 42, None, "", "a=b"):
            with self.subTest(value=value):
                self.assertEqual(safe_cell(value), value)

    def test_the_csv_writer_writes_text(self) -> None:
        out = io.StringIO()
        csv_writer(out).writerows([PAYLOADS])
        row = next(csv.reader(io.StringIO(out.getvalue())))
        self.assertTrue(all(cell.startswith("'") for cell in row))

    def test_an_excel_cell_is_text_not_a_formula(self) -> None:
        sheet = Workbook().active
        cell = xlsx_value(sheet.cell(row=1, column=1), PAYLOADS[0])
        self.assertEqual(cell.data_type, "s")


class AuditExportTestCase(BaseTestCase):
    def test_it_neutralises_a_value_from_the_anonymous_join_form(self) -> None:
        # The probe that found it: an applicant's name written raw into the audit-log CSV.
        AuditEntry.objects.create(
            action="application.submitted",
            platform=self.platform,
            actor_label=PAYLOADS[0],
            object_label=PAYLOADS[0],
        )
        self.login(self.admin)
        response = self.client.get(reverse("audit:export", args=["alpha"]))
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        self.assertNotIn(",=HYPERLINK", text)
        self.assertNotIn('"=HYPERLINK', text)
        self.assertIn("'=HYPERLINK", text)
