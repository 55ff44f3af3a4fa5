from __future__ import annotations

import io
import tempfile
from pathlib import Path
from unittest import mock

import openpyxl
from django.core.management import CommandError, call_command
from django_scopes import scope

from surveys.data import responses_frame
from surveys.models import ImportBatch, Invitation, Response
from surveys.services.imports import do_import_responses
from surveys.tables import ImportRejected
from surveys.tests.helpers import SurveyTestCase
from tsunagari.lib.testing import understated_part, whole_sheet_declared

GOOD = (
    "loneliness_direct,ucla_1,ucla_2,ucla_3,outing_freq,outing_duration,social_participation,age_band,region,weight,stratum,mode\n"
    "1,4,3,4,7,3,6,2,1,120.5,中央,mail\n"
    "4,1,1,1,1,,1;2,5,2,98,西部,web\n"
    ",2,2,,5,1,,8,3,101.25,東部,\n"
)


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class ImportTestCase(SurveyTestCase):
    def _import(self, content: bytes | str, name: str = "data.csv") -> ImportBatch:
        raw = content.encode() if isinstance(content, str) else content
        with scope(platform=self.platform):
            return do_import_responses(self.survey, raw, name)

    def _rejected(self, content: bytes | str, name: str = "data.csv") -> list[str]:
        with self.assertRaises(ImportRejected) as ctx:
            self._import(content, name)
        with scope(platform=self.platform):
            self.assertEqual(Response.objects.count(), 0)
        return [str(p) for p in ctx.exception.problems]

    def test_it_imports_typed_answers_and_reads_them_back_as_a_frame(self) -> None:
        batch = self._import(GOOD)
        self.assertEqual(batch.rows, 3)
        with scope(platform=self.platform):
            frame = responses_frame(
                self.survey, ["loneliness_direct", "ucla_score", "social_participation", "hikikomori_broad"]
            )
            self.assertEqual(frame["loneliness_direct"].to_list(), [1, 4, None])
            self.assertEqual(frame["ucla_score"].to_list(), [11, 3, None])
            self.assertEqual(frame["social_participation"].to_list(), [[6], [1, 2], None])
            # 7 自室からは出るが家からは出ない for 1-3 years -> broad hikikomori; 1 -> not; 5 for < 6 months -> not.
            self.assertEqual(frame["hikikomori_broad"].to_list(), [1, 0, 0])
            self.assertEqual(frame["weight"].to_list(), [120.5, 98.0, 101.25])
            self.assertEqual(frame["stratum"].to_list(), ["中央", "西部", "東部"])
            self.assertEqual(frame["mode"].to_list(), ["mail", "web", "mail"])
            # The snapshot written by the import equals a rebuild from the database.
            from surveys.data import build_frame

            rebuilt = build_frame(self.survey).select(frame.columns[:5]).sort("response")
            self.assertTrue(
                rebuilt.equals(responses_frame(self.survey).select(frame.columns[:5]).sort("response"))
            )

    def test_it_refuses_the_same_file_twice(self) -> None:
        self._import(GOOD)
        with self.assertRaises(ImportRejected) as ctx:
            self._import(GOOD)
        self.assertIn("すでに取り込まれています", str(ctx.exception))
        with scope(platform=self.platform):
            self.assertEqual(Response.objects.count(), 3)

    def test_it_reports_unknown_codes_out_of_range_answers_and_bad_weights_by_row_and_column(self) -> None:
        problems = self._rejected(
            "loneliness_direct,ucla_1,ucla_score,colour,social_participation,weight\n"
            "1,4,,,1,10\n"
            "6,0,,,6;1,0\n"
            "x,2,,,9,-3\n"
            "2,2,,,2,\n"
        )
        text = "\n".join(problems)
        self.assertIn("列「colour」: この調査票にない設問コードです。", text)
        self.assertIn(
            "列「ucla_score」: この調査票にない設問コードです。（ucla_score は回答から計算される値", text
        )
        self.assertIn("3行目 列「loneliness_direct」: 「6」は範囲外です。選択肢の番号（1, 2, 3, 4, 5）", text)
        self.assertIn("4行目 列「loneliness_direct」: 「x」は範囲外です。", text)
        self.assertIn("3行目 列「ucla_1」: 「0」は範囲外です。選択肢の番号（1, 2, 3, 4）", text)
        self.assertIn(
            "3行目 列「social_participation」: 「6;1」: 「特に参加していない」はほかの選択肢と同時に選べません。",
            text,
        )
        self.assertIn("4行目 列「social_participation」: 「9」は範囲外です。", text)
        self.assertIn("3行目 列「weight」: ウェイト「0」は0以下です。", text)
        self.assertIn("4行目 列「weight」: ウェイト「-3」は0以下です。", text)
        self.assertIn("5行目 列「weight」: ウェイトが空です。", text)

    def test_it_rejects_duplicated_unknown_and_used_invitation_codes(self) -> None:
        with scope(platform=self.platform):
            a = Invitation.objects.create(platform=self.platform, survey=self.survey, code="AAAA-BBBB")
            Invitation.objects.create(
                platform=self.platform, survey=self.survey, code="CCCC-DDDD", used_at="2025-01-01T00:00Z"
            )
        problems = "\n".join(
            self._rejected(
                "loneliness_direct,invitation\n1,AAAA-BBBB\n2,aaaa-bbbb\n3,CCCC-DDDD\n4,ZZZZ-ZZZZ\n"
            )
        )
        self.assertIn(
            "3行目 列「invitation」: 招待コード「AAAA-BBBB」が重複しています（2行目と同じ）。", problems
        )
        self.assertIn(
            "4行目 列「invitation」: 招待コード「CCCC-DDDD」はすでに回答に使われています。", problems
        )
        self.assertIn("5行目 列「invitation」: 招待コード「ZZZZ-ZZZZ」はこの調査にありません。", problems)
        with scope(platform=self.platform):
            a.refresh_from_db()
            self.assertIsNone(a.used_at)

    def test_it_marks_invitations_used(self) -> None:
        with scope(platform=self.platform):
            Invitation.objects.create(platform=self.platform, survey=self.survey, code="AAAA-BBBB")
        self._import("loneliness_direct,invitation\n1,AAAA-BBBB\n")
        with scope(platform=self.platform):
            self.assertIsNotNone(Invitation.objects.get(code="AAAA-BBBB").used_at)

    def test_it_imports_an_excel_table(self) -> None:
        content = _xlsx(
            [["loneliness_direct", "age_band", "weight"], [2, 3, 1.5], [5, 8, 2], [None, None, None]]
        )
        batch = self._import(content, "data.xlsx")
        self.assertEqual(batch.rows, 2)
        with scope(platform=self.platform):
            self.assertEqual(responses_frame(self.survey, ["age_band"])["age_band"].to_list(), [3, 8])

    def test_it_explains_an_excel_sheet_that_is_not_a_table(self) -> None:
        title_row = _xlsx(
            [["令和5年度 実態調査 集計表"], [], ["loneliness_direct", "", "age_band"], [1, 2, 3]]
        )
        problems = "\n".join(self._rejected(title_row, "report.xlsx"))
        self.assertIn("1行目 列「A」: 1行目が列名ではなく表題のようです。", problems)
        self.assertIn("3行目 列「C」: 見出しのない列に値があります。", problems)
        empty_header = _xlsx([["loneliness_direct", None, "age_band"], [1, 5, 3]])
        problems = "\n".join(self._rejected(empty_header, "report.xlsx"))
        self.assertIn("1行目 列「B」: シート「Sheet」 見出しが空です。", problems)
        outside = _xlsx([["loneliness_direct"], [1, None, 7]])
        self.assertIn(
            "2行目 列「C」: 見出しのない列に値があります。", "\n".join(self._rejected(outside, "x.xlsx"))
        )
        self.assertIn(
            "Excelファイル（.xlsx）として読めません。", "\n".join(self._rejected(b"not a zip", "x.xlsx"))
        )
        self.assertIn("CSV（.csv）またはExcel（.xlsx）", "\n".join(self._rejected(b"a", "x.txt")))

    def test_it_reads_an_excel_sheet_that_declares_the_whole_grid_by_its_data(self) -> None:
        # Excel saves a sheet whose whole columns are formatted as A1:XFD1048576 with a formatted
        # row at the bottom; read by what it declares, three answers took a minute to import.
        content = whole_sheet_declared(_xlsx([["loneliness_direct", "age_band"], [1, 2], [4, 5], [3, 8]]))
        batch = self._import(content, "answers.xlsx")
        self.assertEqual(batch.rows, 3)
        with scope(platform=self.platform):
            frame = responses_frame(self.survey, ["loneliness_direct"])
            self.assertEqual(sorted(frame["loneliness_direct"].to_list()), [1, 3, 4])

    def test_it_refuses_an_excel_sheet_beyond_its_row_limit_or_larger_than_it_says(self) -> None:
        with mock.patch("surveys.tables.MAX_XLSX_ROWS", 3):
            problems = "\n".join(self._rejected(_xlsx([["loneliness_direct"], [1], [2], [3]]), "a.xlsx"))
        self.assertIn("4 行目に値があります。読み込めるのは 3 行までです。", problems)
        rows = [["loneliness_direct"], *([[1]] * 400)]
        lying = understated_part(_xlsx(rows), "xl/worksheets/sheet1.xml")
        self.assertIn("読めません", "\n".join(self._rejected(lying, "a.xlsx")))

    def test_it_reads_shift_jis_csv(self) -> None:
        content = "loneliness_direct,stratum\n3,秩父\n".encode("cp932")
        self._import(content)
        with scope(platform=self.platform):
            self.assertEqual(Response.objects.get().stratum, "秩父")

    def test_it_reports_duplicate_column_names(self) -> None:
        problems = "\n".join(self._rejected("loneliness_direct,loneliness_direct\n1,2\n"))
        self.assertIn("列名が重複しています（A列とB列）", problems)

    def test_the_command_imports_and_reports(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            good = Path(tmp) / "good.csv"
            good.write_text(GOOD, encoding="utf-8")
            out = io.StringIO()
            call_command("survey_import", "alpha", "kodoku-2025", str(good), stdout=out)
            self.assertIn("imported 3 responses", out.getvalue())
            bad = Path(tmp) / "bad.csv"
            bad.write_text("loneliness_direct,weight\n1,0\n", encoding="utf-8")
            err = io.StringIO()
            with self.assertRaisesMessage(CommandError, "nothing imported (1 problems)"):
                call_command("survey_import", "alpha", "kodoku-2025", str(bad), stderr=err)
            self.assertIn("2行目 列「weight」: ウェイト「0」は0以下です。", err.getvalue())
