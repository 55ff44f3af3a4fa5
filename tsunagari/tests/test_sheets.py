"""Uploaded workbooks are read by their data: a sheet that declares the whole grid, a value
beyond the row limit, an archive that unpacks too large, a part larger than its entry says."""

from __future__ import annotations

import io

import openpyxl
from django.test import SimpleTestCase

from tsunagari.lib import sheets
from tsunagari.lib.testing import understated_part, whole_sheet_declared


def _xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rows(content: bytes, max_rows: int = 1000) -> list[tuple[object, ...]]:
    book = sheets.open_workbook(content)
    try:
        return list(sheets.data_rows(book.worksheets[0], max_rows=max_rows))
    finally:
        book.close()


class SheetsTest(SimpleTestCase):
    def test_it_reads_a_sheet_that_declares_the_whole_grid_by_its_data(self) -> None:
        content = whole_sheet_declared(_xlsx([["Q1", "Q2"], [1, 2], [], [3, None]]))
        raw = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        self.assertEqual((raw.max_row, raw.max_column), (1_048_576, 16_384))  # what it claims
        self.assertEqual(_rows(content), [("Q1", "Q2"), (1, 2), (), (3,)])

    def test_it_refuses_a_value_beyond_the_row_limit_naming_the_row(self) -> None:
        content = _xlsx([["Q1"], *([[n] for n in range(1, 12)])])
        self.assertEqual(len(_rows(content, max_rows=12)), 12)
        with self.assertRaisesMessage(sheets.SheetRefused, "12 行目に値があります。読み込めるのは 11 行まで"):
            _rows(content, max_rows=11)

    def test_it_refuses_an_archive_that_unpacks_beyond_the_limit_from_its_directory(self) -> None:
        content = _xlsx([["Q1"], ["x" * 5000]])
        with self.assertRaisesMessage(sheets.SheetRefused, "上限の 0 MB を超えます"):
            sheets.open_workbook(content, max_unpacked=1000)

    def test_it_refuses_a_part_larger_than_its_entry_says(self) -> None:
        content = understated_part(
            _xlsx([["Q1"], *([["あいうえお"] for _n in range(300)])]), "xl/worksheets/sheet1.xml"
        )
        with self.assertRaisesMessage(sheets.SheetRefused, "読めません"):
            _rows(content)

    def test_it_refuses_what_is_not_a_workbook(self) -> None:
        for content in (b"", b"not a zip", b"PK\x03\x04broken"):
            with self.assertRaisesMessage(sheets.SheetRefused, "Excelファイル（.xlsx）として読めません"):
                sheets.open_workbook(content)
