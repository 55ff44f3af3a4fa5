"""Ise's ad report read from CSV and Excel: every stated CTR/CPC checked; bad sheets refused by cell."""

from __future__ import annotations

import json
import tempfile
from io import StringIO
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import SimpleTestCase
from django_scopes import scope

from outcomes.importing import parse_file, parse_rows
from outcomes.metrics import report
from outcomes.models import Campaign
from outcomes.tests.helpers import HEADER, ISE_ROWS, ise_csv, ise_xlsx
from tsunagari.lib.testing import BaseTestCase

# Ise's rows whose stated figures their own counts do not give (at the precision they were written)
ISE_CTR_WRONG = {
    "Google (リスティング)",
    "Yahoo (リスティング)",
    "Google (ディスプレイ)",
    "LINE (AdsPlatform)",
    "Youtubeインストリーム広告",
    "twiier (プロツイート)",
    "Facebook",
}
ISE_CPC_WRONG = {
    "Google (ディスプレイ)",
    "LINE (AdsPlatform)",
    "Youtubeインストリーム広告",
    "twiier (プロツイート)",
    "Facebook",
}


def flagged(rows, word: str) -> set[str]:
    return {r.name for r in rows if any(f.startswith(word) for f in r.flags)}


class ParseTestCase(SimpleTestCase):
    def test_it_flags_every_disagreement_of_ise_csv(self) -> None:
        sheet = parse_file(ise_csv(), "ise.csv")
        rows, total = report(sheet.rows, sheet.total)
        self.assertEqual(len(rows), 8)
        self.assertEqual((total.impressions, total.clicks, total.cost), (4_287_161, 20_857, 805_927))
        self.assertEqual(flagged(rows, "クリック率"), ISE_CTR_WRONG)
        self.assertEqual(flagged(rows, "クリック単価"), ISE_CPC_WRONG)
        self.assertEqual(rows[3].flags, [])  # Yahoo (ディスプレイ): 5,373 / 2,070,907 = 0.26 %, ¥18.74 -> ¥19
        # the total's rows add up; its stated 0.53 % and ¥63 do not follow from them (0.49 %, ¥39)
        self.assertEqual(len(total.flags), 2)
        self.assertIn("0.49%", total.flags[0])
        self.assertIn("¥39", total.flags[1])

    def test_it_reads_the_same_from_excel_with_a_merged_title_and_an_empty_row(self) -> None:
        from_csv = parse_file(ise_csv(), "ise.csv")
        from_xlsx = parse_file(ise_xlsx(), "ise.xlsx")
        self.assertEqual(
            [(r.name, r.impressions, r.clicks, r.cost, r.stated_ctr) for r in from_xlsx.rows],
            [(r.name, r.impressions, r.clicks, r.cost, r.stated_ctr) for r in from_csv.rows],
        )
        rows, _total = report(from_xlsx.rows, from_xlsx.total)
        self.assertEqual(flagged(rows, "クリック率"), ISE_CTR_WRONG)

    def test_it_reads_full_width_digits_and_yen_and_flags_a_total_that_is_not_the_sum(self) -> None:
        sheet = parse_rows(
            [
                HEADER,
                ["チラシ", "１，０００", "１０", "1.00%", "１００円", "￥1,000"],
                ["計", "999", "10", "", "", "1000"],
            ]
        )
        self.assertEqual((sheet.rows[0].impressions, sheet.rows[0].cost), (1000, 1000))
        rows, total = report(sheet.rows, sheet.total)
        self.assertEqual(rows[0].flags, [])
        self.assertEqual(total.flags, ["合計の表示回数: 報告値 999、各行の和は 1,000"])

    def test_it_refuses_the_whole_sheet_naming_the_cell(self) -> None:
        bad = [list(r) for r in ISE_ROWS]
        bad[2][2] = "約3,700"
        with self.assertRaisesMessage(ValidationError, "C5（クリック）が数値として読めません: 「約3,700」"):
            parse_file(ise_csv(bad), "ise.csv")
        with self.assertRaisesMessage(ValidationError, "見出し行"):
            parse_rows([["a", "b"], ["1", "2"]])
        with self.assertRaisesMessage(ValidationError, "二度あります"):
            parse_rows([HEADER, ["X", "1", "1", "", "", "1"], ["X", "1", "1", "", "", "1"]])


class CommandTestCase(BaseTestCase):
    def test_it_prints_json_and_stores_the_campaign(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "ise.xlsx"
            path.write_bytes(ise_xlsx())
            out = StringIO()
            call_command(
                "campaign_import", "alpha", str(path), "--campaign", "啓発動画", "--json", stdout=out
            )
            data = json.loads(out.getvalue())
            self.assertEqual(len(data["media"]), 8)
            google = data["media"][0]
            self.assertEqual(google["stated_ctr"], 0.0464)
            self.assertAlmostEqual(google["ctr"], 1063 / 23032, places=6)
            self.assertEqual(google["cpc"], round(100301 / 1063, 2))
            self.assertEqual(data["total"]["cost"], 805_927)
            self.assertEqual(len(data["total"]["flags"]), 2)
            with scope(platform=self.platform):
                campaign = Campaign.objects.get(name="啓発動画")
                self.assertEqual(campaign.media.count(), 8)
                self.assertEqual(campaign.stated_ctr, "0.53%")
            # a second import of the same report replaces, it does not add
            call_command("campaign_import", "alpha", str(path), "--campaign", "啓発動画", stdout=StringIO())
            with scope(platform=self.platform):
                self.assertEqual(Campaign.objects.get(name="啓発動画").media.count(), 8)
            bad = Path(tmp) / "bad.csv"
            rows = [list(r) for r in ISE_ROWS]
            rows[0][5] = "十万"
            bad.write_bytes(ise_csv(rows))
            with self.assertRaisesMessage(CommandError, "F3（費用）"):
                call_command("campaign_import", "alpha", str(bad), "--campaign", "別", stdout=StringIO())
            with scope(platform=self.platform):
                self.assertFalse(Campaign.objects.filter(name="別").exists())
