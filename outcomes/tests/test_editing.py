"""Edit and delete screens of projects, cost lines, KPIs, measurements and campaigns, and undo."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django_scopes import scope

from accounts.models import Role
from audit.models import AuditEntry
from outcomes.models import Campaign, CampaignMedium, CostLine, Kpi, Measurement, TrialProject
from tsunagari.lib.testing import BaseTestCase


class EditingTestCase(BaseTestCase):
    def setUp(self) -> None:
        with scope(platform=self.platform):
            self.project = TrialProject.objects.create(
                platform=self.platform, name="自殺予防セミナーの開催", fiscal_year=2022
            )
            self.cost = CostLine.objects.create(
                platform=self.platform, project=self.project, payee="徳島県医師会館", amount=144_000
            )
            self.kpi = Kpi.objects.create(
                platform=self.platform, project=self.project, name="参加者数", unit="人"
            )
            self.measurement = Measurement.objects.create(
                platform=self.platform,
                kpi=self.kpi,
                measured_on=datetime.date(2022, 11, 18),
                value=Decimal(56),
            )
            self.campaign = Campaign.objects.create(
                platform=self.platform, name="SNS広告", project=self.project
            )
            CampaignMedium.objects.create(
                platform=self.platform,
                campaign=self.campaign,
                name="Facebook",
                clicks=1431,
                impressions=132054,
                cost=100000,
            )

    def test_it_edits_a_cost_line_and_refuses_zero_yen(self) -> None:
        self.login(self.admin)
        url = self.url("outcomes:cost_edit", self.cost.uuid)
        self.assertContains(self.client.get(url), "144000")
        refused = self.client.post(url, {"payee": "徳島県医師会館", "amount": "0"})
        self.assertEqual(refused.status_code, 200)
        response = self.client.post(
            url, {"payee": "徳島県医師会館", "amount": "￥１４４，５００", "note": "追加発注"}
        )
        self.assertEqual(response.status_code, 302)
        with scope(platform=self.platform):
            self.cost.refresh_from_db()
            self.assertEqual((self.cost.amount, self.cost.note), (144_500, "追加発注"))
            entry = AuditEntry.objects.filter(action="outcomes.cost_updated").get()
        self.assertEqual(entry.data["before"]["amount"], "144000")

    def test_a_delete_needs_its_box_ticked_then_undo_brings_everything_back_once(self) -> None:
        self.login(self.admin)
        url = self.url("outcomes:kpi_edit", self.kpi.uuid)
        self.client.post(url, {"delete": "1"})
        with scope(platform=self.platform):
            self.assertTrue(Kpi.objects.filter(pk=self.kpi.pk).exists())
        response = self.client.post(url, {"delete": "1", "confirm": "1"}, follow=True)
        self.assertContains(response, "元に戻す")
        with scope(platform=self.platform):
            self.assertFalse(Kpi.objects.exists())
            self.assertFalse(Measurement.objects.exists())
        entry = AuditEntry.objects.get(action="outcomes.kpi_deleted")
        self.client.post(self.url("outcomes:undo"), {"entry": str(entry.uuid)})
        second = self.client.post(self.url("outcomes:undo"), {"entry": str(entry.uuid)}, follow=True)
        self.assertContains(second, "すでに元に戻されている")
        with scope(platform=self.platform):
            kpi = Kpi.objects.get()
            self.assertEqual(kpi.uuid, self.kpi.uuid)
            self.assertEqual(list(Measurement.objects.values_list("value", flat=True)), [Decimal(56)])
        self.assertEqual(AuditEntry.objects.filter(action="outcomes.restored").count(), 1)

    def test_deleting_a_project_asks_first_and_undo_restores_costs_kpis_and_the_campaign_link(self) -> None:
        self.login(self.admin)
        url = self.url("outcomes:project_delete", self.project.uuid)
        page = self.client.get(url).content.decode()
        self.assertIn("費用 1 件", page)
        self.client.post(url)
        with scope(platform=self.platform):
            self.assertFalse(TrialProject.objects.exists())
            self.assertIsNone(Campaign.objects.get().project)
        entry = AuditEntry.objects.get(action="outcomes.project_deleted")
        self.client.post(self.url("outcomes:undo"), {"entry": str(entry.uuid)})
        with scope(platform=self.platform):
            project = TrialProject.objects.get()
            self.assertEqual(project.uuid, self.project.uuid)
            self.assertEqual(CostLine.objects.get().amount, 144_000)
            self.assertEqual(Measurement.objects.get().kpi.project, project)
            self.assertEqual(Campaign.objects.get().project, project)

    def test_a_measurement_and_a_campaign_are_deleted_and_restored(self) -> None:
        self.login(self.admin)
        self.client.post(self.url("outcomes:measurement_delete", self.measurement.uuid))
        self.client.post(
            self.url("outcomes:campaign_edit", self.campaign.uuid), {"delete": "1", "confirm": "1"}
        )
        with scope(platform=self.platform):
            self.assertFalse(Measurement.objects.exists())
            self.assertFalse(CampaignMedium.objects.exists())
        for action in ("outcomes.measurement_deleted", "outcomes.campaign_deleted"):
            entry = AuditEntry.objects.get(action=action)
            self.client.post(self.url("outcomes:undo"), {"entry": str(entry.uuid)})
        with scope(platform=self.platform):
            self.assertEqual(Measurement.objects.get().value, Decimal(56))
            self.assertEqual(CampaignMedium.objects.get().clicks, 1431)

    def test_undo_refuses_another_platforms_entry_and_other_actions(self) -> None:
        self.login(self.outsider)
        with scope(platform=self.other_platform):
            foreign = TrialProject.objects.create(platform=self.other_platform, name="他所", fiscal_year=2022)
        self.client.post(self.url("outcomes:project_delete", foreign.uuid, platform=self.other_platform))
        entry = AuditEntry.objects.get(action="outcomes.project_deleted")
        self.login(self.admin)
        self.client.post(self.url("outcomes:undo"), {"entry": str(entry.uuid)})
        self.client.post(self.url("outcomes:undo"), {"entry": "not-a-uuid"})
        with scope(platform=self.platform):
            self.assertFalse(TrialProject.objects.filter(name="他所").exists())
        self.assertFalse(AuditEntry.objects.filter(action="outcomes.restored").exists())

    def test_a_viewer_cannot_edit_or_delete(self) -> None:
        self.login(self.users[Role.VIEWER])
        for name, obj in (
            ("outcomes:project_edit", self.project),
            ("outcomes:project_delete", self.project),
            ("outcomes:cost_edit", self.cost),
            ("outcomes:kpi_edit", self.kpi),
            ("outcomes:campaign_edit", self.campaign),
        ):
            self.assertEqual(
                self.client.post(self.url(name, obj.uuid), {"delete": "1", "confirm": "1"}).status_code, 403
            )
        self.assertEqual(
            self.client.post(self.url("outcomes:measurement_delete", self.measurement.uuid)).status_code, 403
        )
        with scope(platform=self.platform):
            self.assertTrue(Measurement.objects.exists())
