"""The outcomes pages and the annual report in English: no Japanese-only units, labels or dates."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import translation
from django_scopes import scope
from time_machine import travel

from accounts.models import Role
from outcomes import annual
from outcomes.models import CostLine, Kpi, TrialProject
from outcomes.tests.test_dashboard import NIGHT, consultations
from tsunagari.lib.testing import BaseTestCase


@travel(NIGHT, tick=False)
@override_settings(LANGUAGE_CODE="ja")
class EnglishOutcomesTestCase(BaseTestCase):
    def setUp(self) -> None:
        consultations(self.platform, [datetime.date(2026, 5, 1)] * 12 + [datetime.date(2025, 6, 1)] * 3)
        with scope(platform=self.platform):
            self.project = TrialProject.objects.create(
                platform=self.platform, name="チラシ配布", fiscal_year=2026, budget=500_000
            )
            CostLine.objects.create(
                platform=self.platform, project=self.project, payee="印刷", amount=480_000
            )
            Kpi.objects.create(
                platform=self.platform,
                project=self.project,
                name="チャット相談の件数",
                stage=Kpi.Stage.OUTCOME,
                unit="件",
                target=Decimal(10),
                source=Kpi.Source.CONSULTATIONS,
                starts_on=datetime.date(2026, 4, 1),
            )
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def test_a_viewer_sees_small_counts_suppressed_in_english_and_the_csv_keeps_them_hidden(self) -> None:
        self.login(self.users[Role.VIEWER])
        page = self.client.get(self.url("outcomes:dashboard")).content.decode()
        self.assertRegex(
            page,
            r"Consultations \(started in the period\)</td><td class=\"num\">&lt;5</td>"
            r"<td class=\"num\">12 cases</td>",
        )
        self.assertNotIn("5未満", page)
        self.assertNotIn("12件", page)
        csv = self.client.get(self.url("outcomes:dashboard_csv")).content.decode("utf-8-sig")
        figures = csv.split("# KPI")[0]
        self.assertIn("Consultations (started in the period),<5,12,cases", figures)
        self.assertNotIn(",3,", figures)

    def test_the_project_page_reads_in_english(self) -> None:
        self.login(self.admin)
        page = self.client.get(self.url("outcomes:project", self.project.uuid)).content.decode()
        self.assertIn("<h2>Cost</h2>", page)
        self.assertIn("（FY2026）", page)
        self.assertIn(">Delete</a>", page)
        for japanese_or_wrong in ("Fees", "Removed", "Fiscal year）", "費用", "年度"):
            self.assertNotIn(japanese_or_wrong, page)

    def test_the_annual_report_is_printed_in_english(self) -> None:
        with translation.override("en"), scope(platform=self.platform):
            html = render_to_string("outcomes/print/annual.html", annual.context(self.platform, 2026, None))
        self.assertIn('<html lang="en">', html)
        self.assertIn("1. Introduction", html)
        self.assertIn("Period: 1 April 2026 – 31 March 2027", html)
        self.assertIn("(not written yet)", html)
        self.assertIn("Annual report<br><small>FY2026", html)
        for japanese in ("はじめに", "主な数字", "未記入", "対象期間", "令和8年4月1日", "実証事業"):
            self.assertNotIn(japanese, html)
        with translation.override("ja"), scope(platform=self.platform):
            html = render_to_string("outcomes/print/annual.html", annual.context(self.platform, 2026, None))
        self.assertIn("対象期間　令和8年4月1日〜令和9年3月31日", html)
        self.assertIn("1. はじめに", html)
