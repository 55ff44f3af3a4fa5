"""Staff pages of trial projects and campaigns: roles, costs, KPIs measured from tsunagari's data, import."""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from consultations.models import LinkClickDay, TrackedLink
from outcomes import demo
from outcomes.models import Campaign, CostLine, Flyer, Kpi, Measurement, TrialProject
from outcomes.queries import projects
from outcomes.tests.helpers import ISE_ROWS, ise_csv, ise_xlsx
from tsunagari.lib.testing import BaseTestCase


class ProjectPagesTestCase(BaseTestCase):
    def setUp(self) -> None:
        with scope(platform=self.platform):
            self.project = TrialProject.objects.create(
                platform=self.platform,
                name="つながりよりそいチャットの運営",
                fiscal_year=2022,
                budget=3_000_000,
            )
        with scope(platform=self.other_platform):
            self.foreign = TrialProject.objects.create(
                platform=self.other_platform, name="他所の事業", fiscal_year=2022
            )
            self.foreign_campaign = Campaign.objects.create(platform=self.other_platform, name="他所の広報")

    def test_it_creates_a_project_adds_costs_and_shows_the_total(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            self.url("outcomes:project_new"),
            {
                "name": "孤独・孤立WEBアンケート",
                "fiscal_year": "2022",
                "period": "2022/11～12",
                "contractor": "GMOリサーチ",
                "budget": "597000",
            },
        )
        self.assertEqual(response.status_code, 302)
        with scope(platform=self.platform):
            survey = TrialProject.objects.get(name="孤独・孤立WEBアンケート")
        url = self.url("outcomes:project", survey.uuid)
        self.client.post(url, {"action": "cost", "cost-payee": "GMOリサーチ", "cost-amount": "597000"})
        self.client.post(
            self.url("outcomes:project", self.project.uuid),
            {"action": "cost", "cost-payee": "フローレンス", "cost-amount": "2961000"},
        )
        refused = self.client.post(url, {"action": "cost", "cost-payee": "x", "cost-amount": "-5"})
        self.assertEqual(refused.status_code, 200)
        with scope(platform=self.platform):
            rows, total = projects()
            self.assertEqual(total, 597_000 + 2_961_000)
            self.assertEqual(CostLine.objects.count(), 2)
        page = self.client.get(self.url("outcomes:projects")).content.decode()
        self.assertIn("3,558,000", page)
        csv = self.client.get(self.url("outcomes:projects_csv"))
        self.assertIn("%E5%AE%9F%E8%A8%BC%E4%BA%8B%E6%A5%AD.csv", csv["Content-Disposition"])  # 実証事業.csv
        self.assertIn("計,,,,,3558000,", csv.content.decode("utf-8-sig"))

    def test_it_counts_a_kpi_from_tracked_link_clicks_and_records_manual_values(self) -> None:
        with scope(platform=self.platform):
            link = TrackedLink.objects.create(
                platform=self.platform, code="insta2", medium="instagram_ads", label="Instagram 広告"
            )
            for day, clicks in (
                (datetime.date(2023, 2, 10), 40),
                (datetime.date(2023, 2, 16), 100),
                (datetime.date(2023, 3, 5), 7),
            ):
                LinkClickDay.objects.create(platform=self.platform, link=link, day=day, clicks=clicks)
        self.login(self.admin)
        url = self.url("outcomes:project", self.project.uuid)
        response = self.client.post(
            url,
            {
                "action": "kpi",
                "kpi-name": "Instagram 広告からのアクセス",
                "kpi-stage": "output",
                "kpi-unit": "件",
                "kpi-target": "120",
                "kpi-source": "link_clicks",
                "kpi-parameter": str(link.uuid),
                "kpi-starts_on": "2023-02-16",
                "kpi-ends_on": "2023-02-28",
            },
        )
        self.assertEqual(response.status_code, 302)
        with scope(platform=self.platform):
            kpi = Kpi.objects.get()
        for _twice in range(2):
            self.client.post(url, {"action": "measure", "kpi": str(kpi.uuid), "m-measured_on": "2023-03-31"})
        with scope(platform=self.platform):
            self.assertEqual(list(Measurement.objects.values_list("value", flat=True)), [Decimal(100)])
        page = self.client.get(url).content.decode()
        self.assertIn("未達", page)
        # a link-clicks KPI without a link is refused with a message
        self.client.post(
            url, {"action": "kpi", "kpi-name": "x", "kpi-stage": "output", "kpi-source": "link_clicks"}
        )
        with scope(platform=self.platform):
            self.assertEqual(Kpi.objects.count(), 1)

    def test_a_viewer_reads_but_cannot_write_and_member_staff_is_refused(self) -> None:
        self.login(self.users[Role.VIEWER])
        url = self.url("outcomes:project", self.project.uuid)
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(
            self.client.post(url, {"action": "cost", "cost-payee": "x", "cost-amount": "1"}).status_code, 403
        )
        self.login(self.users[Role.MEMBER_STAFF])
        self.assertEqual(self.client.get(self.url("outcomes:projects")).status_code, 403)

    def test_it_answers_404_for_another_platforms_rows(self) -> None:
        self.login(self.admin)
        for name, obj in (
            ("outcomes:project", self.foreign),
            ("outcomes:campaign", self.foreign_campaign),
        ):
            self.assertEqual(self.client.get(self.url(name, obj.uuid)).status_code, 404, name)
            self.assertEqual(self.client.post(self.url(name, obj.uuid)).status_code, 404, name)
        post = self.client.post(self.url("outcomes:project", self.foreign.uuid), {"action": "cost"})
        self.assertEqual(post.status_code, 404)
        self.login(self.outsider)
        for name in (
            "outcomes:projects",
            "outcomes:projects_csv",
            "outcomes:project_new",
            "outcomes:campaigns",
        ):
            self.assertEqual(self.client.get(self.url(name)).status_code, 404, name)
        self.assertEqual(self.client.get(self.url("outcomes:project", self.project.uuid)).status_code, 404)


class CampaignPagesTestCase(BaseTestCase):
    def test_it_imports_ise_report_and_shows_every_flag(self) -> None:
        self.login(self.admin)
        response = self.client.post(self.url("outcomes:campaigns"), {"name": "啓発動画 SNS広告"})
        self.assertEqual(response.status_code, 302)
        with scope(platform=self.platform):
            campaign = Campaign.objects.get()
        upload = SimpleUploadedFile("ise.xlsx", ise_xlsx())
        self.client.post(self.url("outcomes:campaign", campaign.uuid), {"file": upload})
        page = self.client.get(self.url("outcomes:campaign", campaign.uuid)).content.decode()
        self.assertEqual(page.count('class="flagged"'), 8)  # 7 media + the total; Yahoo (ディスプレイ) agrees
        self.assertIn("クリック率: 報告値 3.79%、クリック÷表示回数では 0.70%", page)
        self.assertIn("4,287,161", page)

    def test_a_bad_sheet_is_refused_whole_with_the_cell_named(self) -> None:
        self.login(self.admin)
        with scope(platform=self.platform):
            campaign = Campaign.objects.create(platform=self.platform, name="広報")
        rows = [list(r) for r in ISE_ROWS]
        rows[7][1] = "13万"
        upload = SimpleUploadedFile("ise.csv", ise_csv(rows))
        response = self.client.post(
            self.url("outcomes:campaign", campaign.uuid), {"file": upload}, follow=True
        )
        self.assertContains(response, "B10（表示回数）が数値として読めません")
        with scope(platform=self.platform):
            self.assertEqual(campaign.media.count(), 0)
        big = SimpleUploadedFile("big.csv", b"x" * (5 * 1024 * 1024 + 1))
        response = self.client.post(self.url("outcomes:campaign", campaign.uuid), {"file": big}, follow=True)
        self.assertContains(response, "ファイルが大きすぎます")


class DemoTestCase(BaseTestCase):
    def test_the_demo_holds_tokushimas_total_and_ises_eight_media_and_loads_once(self) -> None:
        created: Counter[str] = Counter()
        with scope(platform=self.platform):
            demo.load(self.platform, "tokushima", created)
            demo.load(self.platform, "tokushima", created)
            demo.load(self.platform, "ise", created)
            demo.load(self.platform, "yamagata-shi", created)
            _rows, total = projects()
            self.assertEqual(total, 8_712_064 + 597_000 + 4_000 + 2_961_000 + 1_238_000)
            self.assertEqual(TrialProject.objects.count(), 7 + 4)
            self.assertEqual(Campaign.objects.get().media.count(), 8)
            # Tokushima's PF flyer, 750 distribution points planned, with its own tracked link
            flyer = Flyer.objects.get()
            self.assertEqual((flyer.distribution_points, flyer.tracked_link.code), (750, "pfflyer"))
        self.assertEqual(created, Counter({"trial projects": 11, "campaigns": 1, "flyers": 1}))
        with scopes_disabled():
            self.assertEqual(
                sum(
                    CostLine.objects.filter(
                        project__fiscal_year=2022, project__contractor__contains=""
                    ).values_list("amount", flat=True)
                ),
                total,
            )
