"""Tokushima's 試行事業一覧 (seed 004) imported from Excel and Shift_JIS CSV, or refused whole."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope
from openpyxl import Workbook, load_workbook

from audit.models import AuditEntry
from outcomes.models import CostLine, TrialProject
from tsunagari.lib.testing import BaseTestCase

HEADER = ["事業名称", "事業内容", "期待される効果", "実施時期", "発注先 (予算配分)", "実施後の反響"]
# The seed's rows as the prefecture wrote them: payees and amounts in one cell.
ROWS = [
    [
        "自殺予防セミナーの開催",
        "セミナーを開催する",
        "PF設立の告知",
        "2022/11/11、18",
        "徳島県医師会館 (144,000)",
        "-",
    ],
    [
        "市町村個別セミナー・ワークショップの開催",
        "7回実施",
        "市町村への伴走支援",
        "2022.11～2023.2",
        "NTTデータ経営研究所 (6,269,560)",
        "A市では参加者がお互いの活動を知らないという気づきを得た",
    ],
    [
        "孤独・孤立対策シンポジウムの開催",
        "情報を提供する",
        "啓発",
        "2022.12.26",
        "丸井工文社 (70,000) 講師 (45,200)",
        "アンケート回答者の9割がPFに関心を示した",
    ],
    [
        "プラットフォーム募集チラシポスター",
        "750か所想定",
        "周知",
        "2022.12",
        "丸井工文社 (125,600)",
        "PFに90団体が参加",
    ],
    [
        "アンケート調査",
        "アンケート",
        "地域資源を把握",
        "2022.12.26",
        "NTTデータ経営研究所 (900,000) 郵送費 (22,756)",
        "54団体が回答",
    ],
    [
        "孤独・孤立対策グッズの作成・調達",
        "ノベルティグッズ",
        "普及啓発",
        "2022.12～",
        "社会福祉法人 徳島県手をつなぐ育成会 スカイピア (618,182) (追加発注：372,728)",
        "55団体等に配布予定",
    ],
    [
        "連携PFオープニングセレモニーの開催",
        "セレモニー",
        "機運醸成",
        "2023.2.20",
        "徳島県医師会館 (38,400) アスティとくしま (42,519) 手話通訳 (12,674) 講師 (50,445)",
        "つなぐ場所として機能",
    ],
]
TOTAL = ["", "", "", "計", "(8,712,064)", ""]


def workbook(rows: list[list[str]], total: list[str], *, with_year: bool = False) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["徳島県 試行事業一覧"])
    sheet.merge_cells("A1:F1")
    sheet.append([])
    sheet.append([*HEADER, "年度"] if with_year else HEADER)
    for index, row in enumerate(rows):
        if index == 3:
            sheet.append([])  # an empty row in the middle
        sheet.append([*row, "令和４年度"] if with_year else row)
    sheet.append(total)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class ProjectImportTestCase(BaseTestCase):
    def post(self, content: bytes, name: str, year: str = "2022"):  # type: ignore[no-untyped-def]
        upload = SimpleUploadedFile(name, content)
        return self.client.post(
            self.url("outcomes:projects_import"), {"file": upload, "fiscal_year": year}, follow=True
        )

    def test_it_imports_tokushimas_table_with_every_payee_and_the_total(self) -> None:
        self.login(self.admin)
        response = self.post(workbook(ROWS, TOTAL, with_year=True), "試行事業.xlsx", year="")
        self.assertContains(response, "取り込みました")
        self.assertContains(response, "8,712,064")
        with scope(platform=self.platform):
            self.assertEqual(TrialProject.objects.count(), 7)
            self.assertEqual(set(TrialProject.objects.values_list("fiscal_year", flat=True)), {2022})
            goods = TrialProject.objects.get(name="孤独・孤立対策グッズの作成・調達")
            self.assertEqual(
                list(CostLine.objects.filter(project=goods).values_list("amount", "note")),
                [(618_182, ""), (372_728, "追加発注")],
            )
            self.assertEqual(CostLine.objects.count(), 13)
        self.assertTrue(AuditEntry.objects.filter(action="outcomes.projects_imported").exists())
        # and back out as the seed's table
        book = load_workbook(io.BytesIO(self.client.get(self.url("outcomes:projects_xlsx")).content))
        sheet = book.active
        self.assertEqual(sheet["H9"].value, 8_712_064)
        self.assertIn("丸井工文社 (70,000) 講師 (45,200)", [c.value for c in sheet["F"]])
        # the same table again is refused (no duplicates), naming the row
        again = self.post(workbook(ROWS, TOTAL, with_year=True), "試行事業.xlsx", year="")
        self.assertContains(again, "すでに登録されています")
        with scope(platform=self.platform):
            self.assertEqual(TrialProject.objects.count(), 7)

    def test_it_reads_a_shift_jis_csv(self) -> None:
        self.login(self.admin)
        lines = [HEADER, *ROWS, TOTAL]
        content = "\r\n".join(",".join(f'"{c}"' for c in line) for line in lines).encode("cp932")
        self.assertContains(self.post(content, "jigyo.csv"), "取り込みました")
        with scope(platform=self.platform):
            self.assertEqual(sum(CostLine.objects.values_list("amount", flat=True)), 8_712_064)

    def test_a_wrong_total_or_an_unreadable_amount_is_refused_whole_with_the_cell_named(self) -> None:
        self.login(self.admin)
        wrong_total = self.post(workbook(ROWS, ["", "", "", "計", "(8,712,000)", ""]), "a.xlsx")
        self.assertContains(wrong_total, "8,712,000")
        bad = [row[:] for row in ROWS]
        bad[4][4] = "NTTデータ経営研究所 (九十万)"
        refused = self.post(workbook(bad, TOTAL), "b.xlsx")
        self.assertContains(refused, "E9")  # title, blank, header, 3 rows, a blank row, then the 4th and 5th
        no_amount = [row[:] for row in ROWS]
        no_amount[0][4] = "徳島県医師会館"
        self.assertContains(self.post(workbook(no_amount, TOTAL), "c.xlsx"), "E4")
        with scope(platform=self.platform):
            self.assertFalse(TrialProject.objects.exists())
            self.assertFalse(CostLine.objects.exists())

    def test_a_viewer_cannot_import(self) -> None:
        from accounts.models import Role

        self.login(self.users[Role.VIEWER])
        self.assertEqual(self.client.get(self.url("outcomes:projects_import")).status_code, 403)
