import io
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope, scopes_disabled
from openpyxl import load_workbook

from directory import queries
from directory.models import Attribute, Phone, Service, SheetUpload
from directory.search.models import SearchEntry
from directory.services import sheet
from platforms.models import Platform
from tsunagari.lib.jobs import runner as jobs
from tsunagari.lib.jobs.models import ImportJob
from tsunagari.lib.testing import BaseTestCase, run_tasks, whole_sheet_declared

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filled(programmes: list[list[str]], npos: list[list[str]] | None = None) -> bytes:
    book = load_workbook(io.BytesIO(sheet.build_template()))
    for title, rows in ((sheet.PROGRAMMES, programmes), (sheet.NPOS, npos or [])):
        for offset, row in enumerate(rows):
            for column, value in enumerate(row, start=1):
                book[title].cell(row=sheet.HEADER_ROW + 1 + offset, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def staged_upload(platform: Platform, content: bytes, **fields: object) -> SheetUpload:
    """An upload whose file is staged on disk, as the upload page leaves it."""
    path, size = jobs.stage(io.BytesIO(content), max_bytes=1 << 30, suffix=".xlsx")
    return SheetUpload.objects.create(
        platform=platform, filename="sheet.xlsx", staged=path, size=size, **fields
    )


ISE_ROWS = [
    [
        "広報いせ 発行事業",
        "広報広聴課",
        "既存",
        "周知・啓発",
        "市民",
        "直営",
        "千巻印刷産業",
        "行政情報や市民活動情報などの発信",
        "",
        "",
    ],
    ["CATV 広報いせ 放送事業", "", "", "", "", "委託", "ZTV", "行政情報や市民活動情報などの発信", "", ""],
    [
        "産前・産後サポート事業",
        "健康課",
        "既存",
        "周知・啓発",
        "市民（産前産後の母親）",
        "直営",
        "—",
        "ママ☆ほっとテラス",
        "子ども・子育て",
        "0596-00-0000",
    ],
]
NPO_ROWS = [
    [
        "NPO法人いせコンビネット",
        "就労支援",
        "生活支援課",
        "委託",
        "就労準備支援",
        "働きづらさを抱えた人の就労準備",
        "仕事",
        "",
    ]
]


class SheetTestCase(BaseTestCase):
    def upload(self, content: bytes, name: str = "sheet.xlsx"):  # type: ignore[no-untyped-def]
        self.login(self.admin)
        response = self.client.post(
            self.url("directory:sheet"), {"file": SimpleUploadedFile(name, content, content_type=XLSX)}
        )
        with scope(platform=self.platform):
            upload = SheetUpload.objects.latest("created_at")
        self.assertRedirects(response, self.url("directory:sheet_preview", upload.uuid))
        run_tasks()  # the worker checks the file
        return upload

    def test_it_offers_the_template_with_iseʼs_columns_and_lists(self) -> None:
        self.login(self.admin)
        response = self.client.get(self.url("directory:sheet_template"))
        self.assertEqual(response["Content-Type"], XLSX)
        book = load_workbook(io.BytesIO(response.content))
        self.assertEqual(book.sheetnames, ["事業", "NPO法人"])
        header = [c.value for c in book["事業"][sheet.HEADER_ROW]][:8]
        self.assertEqual(
            header, ["事業名等", "担当課", "新・既", "種別", "対象者", "形態", "委託先", "事業内容"]
        )
        npo = [c.value for c in book["NPO法人"][sheet.HEADER_ROW]][:6]
        self.assertEqual(npo, ["NPO法人名", "NPO法人の概要", "担当課", "形態", "事業名", "事業内容"])
        formulas = {v.formula1 for v in book["事業"].data_validations.dataValidation}
        self.assertIn('"新規,既存"', formulas)
        self.assertIn('"周知・啓発,社会参加,就労支援,その他"', formulas)

    def test_it_previews_then_applies_every_row_once(self) -> None:
        upload = self.upload(filled(ISE_ROWS, NPO_ROWS))
        preview = self.client.get(self.url("directory:sheet_preview", upload.uuid))
        self.assertContains(preview, "4 行すべて問題ありません")
        self.client.post(self.url("directory:sheet_preview", upload.uuid))
        self.client.post(self.url("directory:sheet_preview", upload.uuid))  # a double submit
        run_tasks()
        with scope(platform=self.platform):
            self.assertEqual(Service.objects.count(), 4)
            catv = Service.objects.get(name="CATV 広報いせ 放送事業")
            self.assertEqual(catv.department, "広報広聴課")  # repeated from the row above
            self.assertEqual(
                catv.inventory, {"新・既": "既存", "種別": "周知・啓発", "形態": "委託", "委託先": "ZTV"}
            )
            self.assertFalse(catv.is_published)
            mama = Service.objects.get(name="産前・産後サポート事業")
            self.assertEqual([t.name for t in mama.terms()], ["子ども・子育て"])
            self.assertEqual(mama.phones.get().number, "0596-00-0000")
            npo = Service.objects.get(name="就労準備支援")
            self.assertEqual(npo.organization.name, "NPO法人いせコンビネット")
        again = self.upload(filled(ISE_ROWS, NPO_ROWS))
        self.client.post(self.url("directory:sheet_preview", again.uuid))
        run_tasks()
        with scope(platform=self.platform):
            self.assertEqual(Service.objects.count(), 4)

    def test_applying_again_changes_only_what_changed_and_keeps_the_search_index_in_step(self) -> None:
        twice = [*ISE_ROWS, [*ISE_ROWS[0][:7], "同じ事業の二度目の行", "", ""]]
        upload = self.upload(filled(twice, NPO_ROWS))
        self.client.post(self.url("directory:sheet_preview", upload.uuid))
        run_tasks()
        with scope(platform=self.platform):
            self.assertEqual(SheetUpload.objects.get(pk=upload.pk).result, {"created": 4, "updated": 1})
            kouhou = Service.objects.get(name="広報いせ 発行事業")  # one service, the later row's values
            self.assertEqual(kouhou.description, "同じ事業の二度目の行")
            self.assertEqual(SearchEntry.objects.filter(service__platform=self.platform).count(), 4)
            self.assertIn("同じ", SearchEntry.objects.get(service=kouhou).words)
            stamps = ("last_modified", "updated_at")
            before = {s.name: (s.last_modified, s.updated_at) for s in Service.objects.only("name", *stamps)}
        changed = [[*ISE_ROWS[0][:7], "紙とウェブで発信", "", ""], *ISE_ROWS[1:]]
        again = self.upload(filled(changed, NPO_ROWS))
        self.client.post(self.url("directory:sheet_preview", again.uuid))
        run_tasks()
        with scope(platform=self.platform):
            self.assertEqual(SheetUpload.objects.get(pk=again.pk).result, {"created": 0, "updated": 4})
            after = {s.name: (s.last_modified, s.updated_at) for s in Service.objects.only("name", *stamps)}
            for old, new in zip(before.pop("広報いせ 発行事業"), after.pop("広報いせ 発行事業"), strict=True):
                self.assertGreater(new, old)
            self.assertEqual(after, before)  # rows that did not change are not rewritten
            entry = SearchEntry.objects.get(service__name="広報いせ 発行事業")
            self.assertIn("ウェブ", entry.words)
            self.assertNotIn("同じ", entry.words)
            self.assertEqual(Phone.objects.count(), 1)
            self.assertEqual(Attribute.objects.count(), 2)

    def test_it_shows_every_row_error_and_applies_nothing(self) -> None:
        rows = [
            ["", "健康課", "既存", "周知・啓発", "", "直営", "", "名前のない事業", "", ""],
            ["相談事業", "福祉課", "たぶん", "相談", "", "外注", "", "", "お金", "でんわ"],
            ISE_ROWS[0],
        ]
        upload = self.upload(filled(rows))
        preview = self.client.get(self.url("directory:sheet_preview", upload.uuid))
        for text in (
            "「事業名等」が空です",
            "「新・既」は",
            "「種別」は",
            "「形態」は",
            "「分類」の「お金」",
            "「電話番号」",
        ):
            self.assertContains(preview, text)
        self.assertNotContains(preview, "すべての行を反映する")
        self.client.post(self.url("directory:sheet_preview", upload.uuid))
        run_tasks()
        with scope(platform=self.platform):
            self.assertEqual(Service.objects.count(), 0)

    def test_it_accepts_the_short_forms_of_new_and_existing_and_checks_phone_numbers(self) -> None:
        rows = [
            [
                "居場所づくり事業",
                "福祉課",
                "新",
                "社会参加",
                "",
                "直営",
                "",
                "居場所",
                "",
                "０５９６－２１－５５５６",
            ],
            ["見守り事業", "福祉課", "既", "社会参加", "", "直営", "", "見守り", "", "189"],
            ["相談窓口事業", "福祉課", "新規", "社会参加", "", "直営", "", "相談", "", "0596-12"],
            ["電話相談事業", "福祉課", "既存", "社会参加", "", "直営", "", "電話", "", "12345"],
        ]
        upload = self.upload(filled(rows))
        preview = self.client.get(self.url("directory:sheet_preview", upload.uuid))
        self.assertNotContains(preview, "「新・既」は")
        self.assertContains(preview, "「電話番号」: 電話番号「0596-12」の桁数が違います")
        self.assertContains(preview, "「電話番号」: 電話番号「12345」は市外局番から入力してください")
        ok = self.upload(filled(rows[:2]))
        self.client.post(self.url("directory:sheet_preview", ok.uuid))
        run_tasks()
        with scope(platform=self.platform):
            made = Service.objects.get(name="居場所づくり事業")
            self.assertEqual(made.inventory["新・既"], "新規")
            self.assertEqual(made.phones.get().number, "0596-21-5556")  # stored half width
            self.assertEqual(Service.objects.get(name="見守り事業").inventory["新・既"], "既存")

    def test_the_upload_is_staged_on_disk_and_checked_by_the_worker_with_its_progress_shown(self) -> None:
        self.login(self.admin)
        page = self.client.get(self.url("directory:sheet"))
        self.assertContains(page, "読み込めるのは各シート 100,000 行まで、ファイルは 30 MB までです。")
        content = filled(ISE_ROWS, NPO_ROWS)
        with mock.patch.object(sheet, "parse", side_effect=AssertionError("parsed in the request")):
            response = self.client.post(
                self.url("directory:sheet"),
                {"file": SimpleUploadedFile("s.xlsx", content, content_type=XLSX)},
            )
            with scope(platform=self.platform):
                upload = SheetUpload.objects.get()
            self.assertRedirects(response, self.url("directory:sheet_preview", upload.uuid))
            waiting = self.client.get(self.url("directory:sheet_preview", upload.uuid))
        self.assertContains(waiting, "順番を待っています")
        self.assertContains(waiting, 'http-equiv="refresh"')
        self.assertNotContains(waiting, "すべての行を反映する")
        with open(upload.staged, "rb") as staged:  # on disk, under var/imports, not in the database
            self.assertEqual(staged.read(), content)
        self.assertEqual((upload.size, "imports"), (len(content), upload.staged.split("/")[-2]))
        with scope(platform=self.platform):
            preview = queries.preview_of(upload)
        with scopes_disabled():
            ImportJob.objects.filter(pk=preview.pk).update(state="running", phase="validate", done=1234)
        reading = self.client.get(self.url("directory:sheet_preview", upload.uuid))
        self.assertContains(reading, "すべての行を確認しています")
        self.assertContains(reading, "1234 行を読みました。")
        with scopes_disabled():
            ImportJob.objects.filter(pk=preview.pk).update(state="queued")
        run_tasks()
        checked = self.client.get(self.url("directory:sheet_preview", upload.uuid))
        self.assertContains(checked, "4 行すべて問題ありません")
        self.assertContains(checked, "NPO法人いせコンビネット")
        self.assertNotContains(checked, 'http-equiv="refresh"')

    def test_the_size_limit_is_counted_on_the_bytes_received(self) -> None:
        self.login(self.admin)
        with mock.patch.object(sheet, "MAX_UPLOAD", 100):
            response = self.client.post(
                self.url("directory:sheet"),
                {"file": SimpleUploadedFile("s.xlsx", filled(ISE_ROWS), content_type=XLSX)},
            )
        self.assertContains(response, "ファイルが大きすぎます", status_code=400)
        with scope(platform=self.platform):
            self.assertFalse(SheetUpload.objects.exists())

    def test_it_reads_a_sheet_that_declares_the_whole_grid_by_its_data(self) -> None:
        # Excel writes A1:XFD1048576 and a formatted last row when whole columns are formatted;
        # read from its staged file as the worker reads it.
        with scope(platform=self.platform):
            upload = staged_upload(self.platform, whole_sheet_declared(filled(ISE_ROWS, NPO_ROWS)))
        parsed = sheet.parse(upload.staged)
        self.assertEqual(parsed.problem, "")
        self.assertEqual(
            [r.values.get("事業名等") or r.values.get("NPO法人名") for r in parsed.rows][:2],
            ["広報いせ 発行事業", "CATV 広報いせ 放送事業"],
        )
        self.assertEqual(len(parsed.rows), 4)
        with mock.patch("directory.services.sheet.MAX_ROWS", 3):  # rows below the header (row 3)
            self.assertEqual(len(sheet.parse(filled(ISE_ROWS)).rows), 3)
        with mock.patch("directory.services.sheet.MAX_ROWS", 1):
            refused = sheet.parse(filled(ISE_ROWS, NPO_ROWS))
        self.assertIn("シート「事業」の 5 行目に値があります。読み込めるのは 4 行までです。", refused.problem)

    def test_it_says_clearly_when_a_file_is_not_the_template(self) -> None:
        upload = self.upload(b"name,phone\n", name="members.csv")
        self.assertContains(
            self.client.get(self.url("directory:sheet_preview", upload.uuid)),
            "Excelファイル（.xlsx）として読めません",
        )
        from openpyxl import Workbook

        other = io.BytesIO()
        Workbook().save(other)
        upload = self.upload(other.getvalue())
        self.assertContains(
            self.client.get(self.url("directory:sheet_preview", upload.uuid)), "シート「事業」がありません"
        )
        book = load_workbook(io.BytesIO(sheet.build_template()))
        book["NPO法人"].cell(row=sheet.HEADER_ROW, column=1, value="団体名")
        changed = io.BytesIO()
        book.save(changed)
        upload = self.upload(changed.getvalue())
        self.assertContains(
            self.client.get(self.url("directory:sheet_preview", upload.uuid)), "3行目が見出し"
        )
