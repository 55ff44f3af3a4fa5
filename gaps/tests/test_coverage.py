"""棚卸し・ギャップ分析: /p/<slug>/staff/directory/coverage/ and its CSV/Excel exports."""

from __future__ import annotations

import csv
import io

from django_scopes import scope
from openpyxl import load_workbook

from accounts.models import Role
from audit.models import AuditEntry
from directory.tests.support_data import make_entry, term
from gaps import queries
from partnership.models import OrgType
from tsunagari.lib.testing import BaseTestCase, make_member

GIFU_CITY, OGAKI, GIFU_PREF = "212016", "212024", "210005"


class CoverageTestCase(BaseTestCase):
    """Platform alpha is a prefecture (岐阜県 210005): its areas are the municipalities in the data."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        p = cls.platform
        make_entry(p, "本人の生活相談", target_groups=["self"], areas=[(GIFU_CITY, "岐阜市")])
        make_entry(p, "家族の生活相談", target_groups=["family"], areas=[(GIFU_PREF, "岐阜県全域")])
        make_entry(p, "仕事の相談", categories=("cat-work",), target_groups=[], areas=[(OGAKI, "大垣市")])
        make_entry(p, "全国の電話", target_groups=["self", "family"], is_national=True)
        make_entry(p, "非公開の相談", categories=("cat-school",), target_groups=["self"], is_published=False)
        make_entry(
            cls.other_platform, "ベータ市の相談", target_groups=["supporter"], areas=[(GIFU_CITY, "岐阜市")]
        )

    def setUp(self) -> None:
        self.login(self.users[Role.SECRETARIAT_STAFF])

    def matrix(self, **options: object) -> dict[str, dict[str, int]]:
        with scope(platform=self.platform):
            m = queries.coverage(self.platform, queries.Options(**options))  # type: ignore[arg-type]
        return {row.term.name: {col.label: n for col, n in row.cells} for row in m.rows}

    def test_it_counts_services_by_category_and_target_group(self) -> None:
        m = self.matrix()
        self.assertEqual(
            m["お金・住まい"],
            {"本人（当事者）": 1, "家族": 1, "支援者・関係機関": 0, "対象者の指定なし": 0},
        )
        self.assertEqual(m["仕事"]["対象者の指定なし"], 1)
        self.assertEqual(m["学校・教育"]["本人（当事者）"], 0)  # unpublished is not counted
        self.assertEqual(len(m), 8)

    def test_it_spreads_prefecture_wide_and_national_services_over_municipalities_when_asked(self) -> None:
        self.assertEqual(self.matrix(dimension="area")["お金・住まい"], {"岐阜市": 2, "大垣市": 1})
        self.assertEqual(
            self.matrix(dimension="area", include_wide=False)["お金・住まい"], {"岐阜市": 1, "大垣市": 0}
        )
        self.assertEqual(
            self.matrix(dimension="area", include_national=True)["お金・住まい"], {"岐阜市": 3, "大垣市": 2}
        )
        self.assertEqual(self.matrix(dimension="area")["仕事"], {"岐阜市": 0, "大垣市": 1})

    def test_it_gives_member_municipalities_a_column_even_without_services(self) -> None:
        make_member(self.platform, "各務原市", org_type=OrgType.MUNICIPALITY, municipality_code="212130")
        self.assertEqual(
            self.matrix(dimension="area")["お金・住まい"], {"岐阜市": 2, "大垣市": 1, "各務原市": 1}
        )
        self.assertEqual(self.matrix(dimension="area", include_wide=False)["お金・住まい"]["各務原市"], 0)

    def test_it_filters_by_area_target_and_publication(self) -> None:
        self.assertEqual(self.matrix(area=OGAKI)["お金・住まい"]["家族"], 1)
        self.assertEqual(self.matrix(area=OGAKI)["お金・住まい"]["本人（当事者）"], 0)
        self.assertEqual(
            self.matrix(dimension="area", target="self")["お金・住まい"], {"岐阜市": 1, "大垣市": 0}
        )
        self.assertEqual(self.matrix(published_only=False)["学校・教育"]["本人（当事者）"], 1)
        self.assertIn("孤独・孤立", self.matrix(terms=queries.TOPICS))

    def test_it_marks_empty_cells_in_words_not_only_colour(self) -> None:
        response = self.client.get(self.url("gaps:coverage"), {"dimension": "area", "include_wide": "on"})
        self.assertEqual(response.status_code, 200)
        matrix = response.context["matrix"]
        self.assertEqual(matrix.cell_count, 16)
        self.assertEqual(matrix.gap_count, 16 - 3)
        self.assertContains(
            response,
            '<td class="cell gap"><span aria-hidden="true">✕</span> 0 <span class="gap-label">空白</span></td>',
            count=13,
        )
        self.assertContains(response, "空白のセル 13 / 16")
        self.assertNotContains(response, "ベータ市の相談")

    def test_it_lists_the_services_counted_in_a_cell(self) -> None:
        money = term("cat-money").uuid.hex
        url = self.url("gaps:coverage")
        response = self.client.get(
            url, {"dimension": "area", "include_wide": "on", "cell": f"{money}:{GIFU_CITY}"}
        )
        row, column, services = response.context["cell"]
        self.assertEqual((row.term.name, column.label), ("お金・住まい", "岐阜市"))
        self.assertEqual(sorted(s.name for s in services), ["家族の生活相談", "本人の生活相談"])
        self.assertContains(response, "お金・住まい × 岐阜市")
        first = min(services, key=lambda s: s.name)
        self.assertContains(
            response, f'<a href="{self.url("directory:service", first.uuid)}">{first.name}</a>'
        )
        self.assertContains(response, f"cell={money}:{OGAKI}#cell")  # the count links to its list
        unknown = self.client.get(url, {"cell": "nonsense"})
        self.assertIsNone(unknown.context["cell"])

    def test_it_takes_the_defaults_on_a_first_visit_and_on_bad_filters(self) -> None:
        first = self.client.get(self.url("gaps:coverage"))
        self.assertTrue(first.context["options"].include_wide)
        bad = self.client.get(self.url("gaps:coverage"), {"dimension": "colour", "area": "999999"})
        self.assertEqual(bad.status_code, 200)
        self.assertEqual(bad.context["options"].dimension, "target")
        self.assertContains(bad, "既定の条件で集計しています")

    def test_it_exports_the_matrix_as_csv(self) -> None:
        response = self.client.get(self.url("gaps:coverage_csv"), {"dimension": "area", "include_wide": "on"})
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0], ["分類体系", "分類", "岐阜市", "大垣市", "合計（窓口数）"])
        self.assertEqual(rows[1], ["サポートリストの分類", "お金・住まい", "2", "1", "2"])
        self.assertTrue(AuditEntry.objects.filter(action=AuditEntry.EXPORT, data__what="coverage").exists())

    def test_it_exports_the_matrix_to_excel_with_gaps_filled_and_named(self) -> None:
        response = self.client.get(
            self.url("gaps:coverage_xlsx"), {"dimension": "area", "include_wide": "on"}
        )
        book = load_workbook(io.BytesIO(response.content))
        sheet = book["ギャップ分析"]
        self.assertEqual([c.value for c in sheet[1]][:4], ["分類体系", "分類", "岐阜市", "大垣市"])
        work = next(row for row in sheet.iter_rows(min_row=2) if row[1].value == "仕事")
        self.assertEqual(work[2].value, 0)
        self.assertEqual(work[2].fill.fgColor.rgb, "00FDE2E1")
        self.assertEqual(work[5].value, "岐阜市")  # the 空白 column names the gaps
        conditions = {r[0].value: r[1].value for r in book["条件"].iter_rows()}
        self.assertEqual(conditions["列"], "地域（市区町村）")
        self.assertEqual(conditions["県域の窓口を各市町村に含める"], "はい")

    def test_it_lets_viewers_read_and_keeps_member_staff_out(self) -> None:
        self.login(self.users[Role.VIEWER])
        self.assertEqual(self.client.get(self.url("gaps:coverage")).status_code, 200)
        self.login(self.users[Role.MEMBER_STAFF])
        self.assertEqual(self.client.get(self.url("gaps:coverage")).status_code, 403)
        self.assertEqual(self.client.get(self.url("gaps:coverage_csv")).status_code, 403)
