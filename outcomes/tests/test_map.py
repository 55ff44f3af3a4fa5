"""The prefecture's comparison map: municipal boundaries drawn as SVG paths, shaded by value."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from unittest import mock

from django.test import SimpleTestCase, override_settings
from django.utils import translation
from time_machine import travel

from accounts.models import Role
from outcomes import boundaries, charts
from outcomes.tests.test_dashboard import NIGHT, consultations
from platforms.services.creation import do_create_platform
from tsunagari.lib import jiscode
from tsunagari.lib.testing import BaseTestCase

DATA = Path(boundaries.__file__).resolve().parent / "data" / "boundaries"


def paths(svg: str) -> dict[str, str]:
    """{5-digit code: class} of every municipality's path."""
    return dict(
        (code, css) for css, code in re.findall(r'<path d="M[^"]*" class="([^"]+)" data-code="(\d{5})"', svg)
    )


class BoundaryDataTests(SimpleTestCase):
    def test_every_prefecture_ships_with_its_municipalities_and_the_licence(self) -> None:
        licence = (DATA / "LICENSE").read_text(encoding="utf-8")
        readme = (DATA / "README.md").read_text(encoding="utf-8")
        for text in (licence, readme):
            self.assertIn("気象庁", text)
            self.assertIn("reversejp", text)
            self.assertIn("加工", text)
        self.assertIn("MIT License", licence)
        total = 0
        for number in range(1, 48):
            raw = json.loads((DATA / f"{number:02d}.json").read_text(encoding="utf-8"))
            self.assertTrue(all(re.fullmatch(rf"{number:02d}\d{{3}}", code) for code in raw), number)
            total += len(raw)
        self.assertEqual(total, 1741)  # 1,718 municipalities and Tokyo's 23 special wards (2024)
        gifu = boundaries.prefecture("210005")
        self.assertEqual(len(gifu), 42)
        self.assertEqual(gifu["21201"].name, "岐阜市")
        self.assertEqual(len(boundaries.prefecture("110001")), 63)
        self.assertEqual(boundaries.prefecture("261009").get("26100").name, "京都市")  # wards joined
        # 岐阜市役所 (136.76E 35.42N) is inside the bounds of 岐阜市's outline
        ring = max(gifu["21201"].rings, key=len)
        self.assertTrue(min(p[0] for p in ring) < 136.76 < max(p[0] for p in ring))
        self.assertTrue(min(p[1] for p in ring) < 35.42 < max(p[1] for p in ring))


@override_settings(LANGUAGE_CODE="ja")
class MunicipalMapTests(SimpleTestCase):
    def test_one_path_per_municipality_with_the_class_of_its_value(self) -> None:
        cells = [
            charts.MapCell("212016", "岐阜市", 41, "41人"),
            charts.MapCell("212024", "大垣市", None, "5未満"),
            charts.MapCell("212041", "多治見市", 5, "5人"),
            charts.MapCell("212059", "関市", 23, "23人"),
            charts.MapCell("212067", "中津川市", 14, "14人"),
            charts.MapCell("212075", "美濃市", 32, "32人"),
        ]
        drawn = charts.municipal_map("210005", cells, title="相談者数", unit="人")
        self.assertTrue(drawn.drawn)
        self.assertEqual(drawn.missing, [])
        found = paths(drawn.svg)
        self.assertEqual(len(found), 42)
        self.assertEqual(set(found), set(boundaries.prefecture("21")))
        # 5 to 41 in five equal classes (bounds 12.2, 19.4, 26.6, 33.8, 41)
        self.assertEqual(found["21201"], "c4")
        self.assertEqual(found["21204"], "c0")
        self.assertEqual(found["21206"], "c1")
        self.assertEqual(found["21205"], "c2")
        self.assertEqual(found["21207"], "c3")
        self.assertIn(f'class="c4" data-code="21201" fill="{charts.CLASSES[4]}"', drawn.svg)
        self.assertIn(f'class="c0" data-code="21204" fill="{charts.CLASSES[0]}"', drawn.svg)
        self.assertEqual(found["21202"], "hidden")  # suppressed: hatched grey
        self.assertEqual(found["21203"], "absent")  # 高山市 has no platform
        self.assertEqual(list(found.values()).count("absent"), 36)
        self.assertIn("<title>岐阜市: 41人</title>", drawn.svg)
        self.assertIn("<title>大垣市: 5未満</title>", drawn.svg)
        self.assertIn("<title>高山市: プラットフォームなし</title>", drawn.svg)
        self.assertIn('fill="url(#none', drawn.svg)
        for legend in ("5〜12人", "13〜19人", "34〜41人", "非公表・未測定", "プラットフォームなし"):
            self.assertIn(legend, drawn.svg)
        self.assertIn("大垣市（212024）: 5未満", drawn.svg)  # the description read aloud
        self.assertNotIn("<rect x=", drawn.svg.split("</defs>")[1].split("<text")[0])  # no tiles

    def test_the_legend_reads_in_english(self) -> None:
        cells = [
            charts.MapCell("112020", "Kumagaya", 53, "53 cases"),
            charts.MapCell("112089", "x", 22, "22"),
        ]
        with translation.override("en"):
            drawn = charts.municipal_map("110001", cells, title="Consultations", unit="cases")
        self.assertEqual(len(paths(drawn.svg)), 63)
        for legend in ("22–37 cases", "38–53 cases", "Not shown or not measured", "No platform"):
            self.assertIn(legend, drawn.svg)

    def test_a_code_without_boundary_falls_back_to_a_tile(self) -> None:
        unknown = jiscode.with_check_digit("21999")
        cells = [charts.MapCell("212016", "岐阜市", 41, "41人"), charts.MapCell(unknown, "新町", 7, "7人")]
        drawn = charts.municipal_map("210005", cells, title="相談者数")
        self.assertTrue(drawn.drawn)
        self.assertEqual([c.name for c in drawn.missing], ["新町"])
        self.assertNotIn("21999", paths(drawn.svg))
        self.assertIn("新町", drawn.tiles)
        self.assertIn("7人", drawn.tiles)

    def test_a_prefecture_without_boundary_data_gets_the_tile_grid(self) -> None:
        cells = [charts.MapCell("212016", "岐阜市", 41, "41人")]
        with mock.patch.object(boundaries, "prefecture", return_value={}):
            drawn = charts.municipal_map("210005", cells, title="相談者数")
        self.assertFalse(drawn.drawn)
        self.assertEqual(paths(drawn.svg), {})
        self.assertIn("岐阜市", drawn.svg)
        self.assertIn("<rect", drawn.svg)


@travel(NIGHT, tick=False)
@override_settings(LANGUAGE_CODE="ja")
class ComparisonMapPageTests(BaseTestCase):
    def setUp(self) -> None:
        # beta (岐阜市, 212016): 3 conversations this year, 「5未満」; 大垣市: 7, shown
        consultations(self.other_platform, [datetime.date(2026, 7, 7)] * 3)
        self.ogaki = do_create_platform(slug="ogaki", code="212024", name="大垣市PF", owner_name="大垣市")
        consultations(self.ogaki, [datetime.date(2026, 8, 1)] * 7, prefix="o")

    def test_the_secretariat_sees_the_map_with_small_counts_hatched(self) -> None:
        self.login(self.users[Role.SECRETARIAT_STAFF])
        page = self.client.get(self.url("outcomes:comparison") + "?map=consultations").content.decode()
        found = paths(page)
        self.assertEqual(len(found), 42)
        self.assertEqual(found["21201"], "hidden")
        self.assertEqual(found["21202"], "c0")  # the only value shown: one class
        self.assertIn("<title>大垣市: 7件</title>", page)
        self.assertNotIn(": 3件", page)
        self.assertIn("県内の市町村を境界線で示しています", page)
        self.assertIn("気象庁ホームページ", page)  # the attribution the data's terms ask for
        self.assertNotIn("境界データにない市町村", page)

    def test_a_platform_whose_code_has_no_boundary_is_a_tile_and_the_page_says_so(self) -> None:
        do_create_platform(
            slug="shin", code=jiscode.with_check_digit("21999"), name="新町PF", owner_name="新町"
        )
        self.login(self.users[Role.SECRETARIAT_STAFF])
        page = self.client.get(self.url("outcomes:comparison")).content.decode()
        self.assertIn("境界データにない市町村（新町）は、地図の下にタイルで示しています。", page)
        self.assertEqual(len(paths(page)), 42)
        with mock.patch.object(boundaries, "prefecture", return_value={}):
            page = self.client.get(self.url("outcomes:comparison")).content.decode()
        self.assertIn("この都道府県の境界データがないため", page)
        self.assertEqual(paths(page), {})
