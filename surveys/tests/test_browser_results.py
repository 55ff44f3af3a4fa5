"""The results and weighting pages in Debian's Chromium, at phone and desktop sizes (screenshots)."""

from __future__ import annotations

import pytest
from django_scopes import scope

from surveys.generate import national_answers, to_csv
from surveys.services.imports import do_import_responses
from surveys.services.questionnaire import do_create_survey, do_open_survey
from tsunagari.lib.browser import BrowserTestCase

REGIONS = ["中央", "西部", "東部", "北部", "秩父"]


@pytest.mark.browser
class ResultsBrowserTestCase(BrowserTestCase):
    def test_it_shows_results_with_chart_and_tables_on_phone_and_desktop(self) -> None:
        with scope(platform=self.platform):
            survey = do_create_survey(
                self.platform,
                slug="kodoku",
                title="孤独・孤立に関する実態調査",
                template="national",
                regions=REGIONS,
            )
            do_open_survey(survey)
            frame = national_answers(
                1500,
                seed=3,
                regions=REGIONS,
                region_p=[0.35, 0.25, 0.2, 0.15, 0.05],
                population={
                    "中央": 520_000,
                    "西部": 310_000,
                    "東部": 280_000,
                    "北部": 150_000,
                    "秩父": 40_000,
                },
            )
            do_import_responses(survey, to_csv(frame), "kodoku.csv")
        url = self.live_url("surveys:results", "alpha", survey.uuid)
        for viewport in ("mobile", "desktop"):
            page = self.new_page(viewport, user=self.admin)  # type: ignore[arg-type]
            page.goto(url)
            self.assertEqual(page.locator("h1").inner_text(), "集計結果: 孤独・孤立に関する実態調査")
            chart = page.locator("svg[role=img]")
            self.assertEqual(chart.count(), 1)
            self.assertIn("全国 4.8%", chart.locator("desc").text_content() or "")
            box = chart.bounding_box()
            assert box is not None
            self.assertLessEqual(box["width"], 640)
            self.assertEqual(page.locator("h3", has_text="地域別").count(), 1)
            self.screenshot(page, f"survey-results-{viewport}")
        page = self.new_page("desktop", user=self.admin)
        page.goto(self.live_url("surveys:crosstab", "alpha", survey.uuid) + "?row=ucla_score&col=region")
        self.assertEqual(page.locator("table.crosstab tbody tr").count(), len(REGIONS))
        self.screenshot(page, "survey-crosstab-desktop")
        page.goto(self.live_url("surveys:weighting", "alpha", survey.uuid))
        page.fill("#id_t-text", "sex,population\n男性,600000\n女性,680000\nその他・答えたくない,20000\n")
        page.get_by_role("button", name="表を保存する").click()
        self.assertIn("母集団の表（sex）を保存しました。", page.locator(".messages").inner_text())
        page.select_option("#id_s-method", "rake")
        page.get_by_role("button", name="設定を保存する").click()
        self.assertIn(
            "レーキング", page.locator("section[aria-labelledby=weighting-summary] dl").inner_text()
        )
        self.screenshot(page, "survey-weighting-desktop")
