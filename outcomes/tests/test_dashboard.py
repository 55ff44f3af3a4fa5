"""The outcomes dashboard, the KPI source registry, the prefecture's comparison and the exports."""

from __future__ import annotations

import datetime
import io
import zoneinfo
from decimal import Decimal

from django.test import override_settings
from django_scopes import scope
from openpyxl import load_workbook
from time_machine import travel

from accounts.models import Role
from consultations.crypto import blind_index
from consultations.models import Consulter, Conversation, ConversationState
from consultations.services.channels import web_channel
from outcomes import sources
from outcomes.models import CostLine, Kpi, Measurement, TrialProject
from platforms.models import Platform
from tsunagari.lib.testing import BaseTestCase

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
# A Sunday night in the year-end holidays, in FY2026 (令和8年度).
NIGHT = datetime.datetime(2026, 12, 27, 23, 30, tzinfo=TOKYO)


def consultations(platform: Platform, days: list[datetime.date], prefix: str = "p") -> None:
    """One person and one conversation per day given (counts only, no message)."""
    with scope(platform=platform):
        channel = web_channel(platform)
        for index, day in enumerate(days):
            at = datetime.datetime.combine(day, datetime.time(20), tzinfo=TOKYO)
            person = Consulter.objects.create(
                platform=platform,
                channel=channel,
                identity_hash=blind_index(f"{platform.slug}-{prefix}-{index}", "web"),
                label=f"{prefix}{index}",
                first_contact_at=at,
            )
            Conversation.objects.create(
                platform=platform,
                consulter=person,
                channel=channel,
                state=ConversationState.CLOSED,
                opened_at=at,
            )


@travel(NIGHT, tick=False)
@override_settings(LANGUAGE_CODE="ja")
class DashboardTestCase(BaseTestCase):
    def setUp(self) -> None:
        # alpha (210005) is a prefecture; beta (212016) is a town in it.
        consultations(self.platform, [datetime.date(2026, 5, 1)] * 12 + [datetime.date(2025, 6, 1)] * 3)
        consultations(self.other_platform, [datetime.date(2026, 7, 7)] * 3)
        with scope(platform=self.platform):
            self.project = TrialProject.objects.create(
                platform=self.platform,
                name='=HYPERLINK("http://x")チラシ配布',
                fiscal_year=2026,
                budget=500_000,
            )
            CostLine.objects.create(
                platform=self.platform, project=self.project, payee="印刷", amount=480_000
            )
            kpi = Kpi.objects.create(
                platform=self.platform,
                project=self.project,
                name="チャット相談の件数",
                stage=Kpi.Stage.OUTCOME,
                unit="件",
                target=Decimal(10),
                source=Kpi.Source.CONSULTATIONS,
                starts_on=datetime.date(2026, 4, 1),
            )
            for day, value in ((datetime.date(2026, 6, 30), 8), (datetime.date(2026, 9, 30), 12)):
                Measurement.objects.create(
                    platform=self.platform, kpi=kpi, measured_on=day, value=Decimal(value)
                )

    def test_it_shows_the_years_figures_kpis_and_cost_per_outcome_with_charts(self) -> None:
        self.login(self.admin)
        page = self.client.get(self.url("outcomes:dashboard")).content.decode()
        self.assertIn("令和8年度", page)
        self.assertIn("<svg", page)
        self.assertIn('role="img"', page)
        # 12 conversations this fiscal year, 3 the year before (shown in full to the secretariat)
        self.assertRegex(
            page, r"相談件数（期間内に始まった相談）</td><td class=\"num\">3件</td><td class=\"num\">12件"
        )
        self.assertIn("120%", page)  # 12 of a target of 10
        self.assertIn("40,000円", page)  # 480,000 yen / 12 consultations

    def test_a_viewer_sees_small_counts_suppressed(self) -> None:
        self.login(self.users[Role.VIEWER])
        page = self.client.get(self.url("outcomes:dashboard")).content.decode()
        self.assertRegex(
            page, r"相談件数（期間内に始まった相談）</td><td class=\"num\">5未満</td><td class=\"num\">12件"
        )
        csv = self.client.get(self.url("outcomes:dashboard_csv")).content.decode("utf-8-sig")
        self.assertIn("5未満", csv)
        self.assertNotIn(",3,", csv.split("# KPI")[0])

    def test_it_exports_csv_and_excel_with_formulas_kept_as_text(self) -> None:
        self.login(self.admin)
        response = self.client.get(self.url("outcomes:dashboard_csv") + "?year=2026")
        self.assertIn("filename*=utf-8''", response["Content-Disposition"])
        text = response.content.decode("utf-8-sig")
        self.assertIn("'=HYPERLINK", text)
        self.assertIn("計,,,,480000", text)
        book = load_workbook(io.BytesIO(self.client.get(self.url("outcomes:dashboard_xlsx")).content))
        self.assertEqual(book.sheetnames[:4], ["主な数字", "KPI", "実証事業", "広報キャンペーン"])
        cell = book["実証事業"]["A2"]
        self.assertEqual(cell.data_type, "s")
        self.assertTrue(str(cell.value).startswith("=HYPERLINK"))

    def test_another_app_registers_a_source_that_the_dashboard_and_comparison_show(self) -> None:
        def attendance(
            platform: Platform, start: datetime.date, end: datetime.date, parameter: str
        ) -> Decimal:
            return Decimal(len(platform.slug) * 10)

        sources.register(
            sources.Source("events.test_attendance", "イベント参加者数（テスト）", attendance, "人")
        )
        try:
            self.login(self.admin)
            page = self.client.get(self.url("outcomes:dashboard")).content.decode()
            self.assertIn(
                'イベント参加者数（テスト）</td><td class="num">50人</td><td class="num">50人', page
            )
            compared = self.client.get(self.url("outcomes:comparison")).content.decode()
            self.assertIn("40人", compared)  # "beta"
            with self.assertRaises(ValueError):
                sources.register(sources.Source("", "x", attendance))
        finally:
            sources._REGISTRY.pop("events.test_attendance")

    def test_the_prefecture_compares_its_towns_with_small_counts_hidden_and_sorts(self) -> None:
        self.login(self.users[Role.SECRETARIAT_STAFF])
        page = self.client.get(
            self.url("outcomes:comparison") + "?sort=consultations&order=desc"
        ).content.decode()
        self.assertIn("ベータ市PF".replace("PF", ""), page.replace("PF", ""))
        self.assertIn("212016", page)
        # beta has 3 conversations this year: hidden even from the prefecture's secretariat
        row = page[page.index("212016") :]
        self.assertIn("5未満", row[: row.index("</tr>")])
        self.assertIn('aria-sort="descending"', page)
        self.assertIn("<svg", page)
        csv = self.client.get(self.url("outcomes:comparison_csv")).content.decode("utf-8-sig")
        self.assertIn("212016", csv)
        self.assertNotIn(",3件", csv)
        # a town's own platform has no comparison (and never sees the prefecture's figures)
        self.login(self.outsider)
        page = self.client.get(self.url("outcomes:comparison", platform=self.other_platform)).content.decode()
        self.assertIn("都道府県のプラットフォームで使えます", page)

    def test_roles_outside_the_capability_are_refused_and_other_platforms_get_404(self) -> None:
        self.login(self.users[Role.MEMBER_STAFF])
        self.assertEqual(self.client.get(self.url("outcomes:dashboard")).status_code, 403)
        self.login(self.users[Role.COUNSELLOR])
        self.assertEqual(self.client.get(self.url("outcomes:comparison")).status_code, 403)
        self.login(self.outsider)
        for name in (
            "outcomes:dashboard",
            "outcomes:dashboard_csv",
            "outcomes:comparison",
            "outcomes:report",
        ):
            self.assertEqual(self.client.get(self.url(name)).status_code, 404, name)
