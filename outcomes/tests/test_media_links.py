"""A campaign's media joined to the consultation desk's tracked links (issue 14, item 1): first
contacts and cost per first contact per medium, chosen on the campaign page."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scope

from audit.models import AuditEntry
from consultations.crypto import blind_index
from consultations.models import Consulter, Medium, TrackedLink
from consultations.services.channels import web_channel
from outcomes.models import Campaign, CampaignMedium
from outcomes.tests.helpers import ise_csv
from tsunagari.lib.testing import BaseTestCase

GOOGLE = "Google (リスティング)"
LINE = "LINE (AdsPlatform)"


class MediaLinksTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.admin)
        with scope(platform=self.platform):
            self.campaign = Campaign.objects.create(platform=self.platform, name="啓発動画 SNS広告")
        upload = SimpleUploadedFile("ise.csv", ise_csv())
        self.client.post(self.url("outcomes:campaign", self.campaign.uuid), {"file": upload})
        with scope(platform=self.platform):
            self.media = {m.name: m for m in CampaignMedium.objects.filter(campaign=self.campaign)}
            self.search_ad = TrackedLink.objects.create(
                platform=self.platform, code="gsearch", medium=Medium.GOOGLE_ADS, label="Google 検索広告"
            )
            self.line_ad = TrackedLink.objects.create(
                platform=self.platform, code="linead", medium=Medium.LINE_ADS, label="LINE 広告"
            )
            channel = web_channel(self.platform)
            Consulter.objects.bulk_create(
                Consulter(
                    platform=self.platform,
                    channel=channel,
                    identity_hash=blind_index(f"media-links-{i}", "web"),
                    label=f"L{i:03d}",
                    first_contact_at=timezone.now(),
                    source=self.search_ad if i < 4 else self.line_ad,
                )
                for i in range(5)
            )

    def test_it_joins_media_to_links_and_shows_first_contacts_and_their_cost(self) -> None:
        page = self.client.get(self.url("outcomes:campaign", self.campaign.uuid))
        self.assertContains(page, "媒体と計測リンクの対応")
        self.assertNotContains(page, "計測リンクからの初回相談")
        data = {f"link-{m.uuid}": "" for m in self.media.values()}
        data[f"link-{self.media[GOOGLE].uuid}"] = str(self.search_ad.uuid)
        data[f"link-{self.media[LINE].uuid}"] = str(self.line_ad.uuid)
        response = self.client.post(
            self.url("outcomes:campaign_links", self.campaign.uuid), data, follow=True
        )
        self.assertContains(response, "媒体と計測リンクの対応を保存しました。")
        self.assertContains(response, "計測リンクからの初回相談")
        # Google: 4 first contacts for ¥100,301 → ¥25,075 each; LINE: 1 for ¥101,621.
        self.assertContains(response, "25,075円")
        self.assertContains(response, "101,621円")
        with scope(platform=self.platform):
            entry = AuditEntry.objects.get(action="outcomes.media_linked")
        self.assertEqual(entry.data["links"], {GOOGLE: "gsearch", LINE: "linead"})
        # A re-sent report keeps the links.
        upload = SimpleUploadedFile("ise.csv", ise_csv())
        self.client.post(self.url("outcomes:campaign", self.campaign.uuid), {"file": upload})
        with scope(platform=self.platform):
            self.assertEqual(CampaignMedium.objects.get(name=GOOGLE).tracked_link, self.search_ad)

    def test_it_refuses_one_link_on_two_media_naming_both_and_saves_nothing(self) -> None:
        data = {f"link-{m.uuid}": "" for m in self.media.values()}
        data[f"link-{self.media[GOOGLE].uuid}"] = str(self.search_ad.uuid)
        data[f"link-{self.media[LINE].uuid}"] = str(self.search_ad.uuid)
        response = self.client.post(
            self.url("outcomes:campaign_links", self.campaign.uuid), data, follow=True
        )
        self.assertContains(
            response,
            "計測リンク「Google 検索広告」を「Google (リスティング)」と「LINE (AdsPlatform)」の両方に選んでいます。",
            status_code=400,
        )
        # The choices come back as made, to be corrected rather than chosen again.
        self.assertContains(
            response, f'<option value="{self.search_ad.uuid}" selected>', count=2, status_code=400
        )
        with scope(platform=self.platform):
            self.assertFalse(CampaignMedium.objects.filter(tracked_link__isnull=False).exists())

    def test_it_refuses_another_platforms_link_naming_the_medium(self) -> None:
        with scope(platform=self.other_platform):
            foreign = TrackedLink.objects.create(
                platform=self.other_platform, code="beta1", medium=Medium.FLYER, label="ベータのチラシ"
            )
        data = {f"link-{m.uuid}": "" for m in self.media.values()}
        data[f"link-{self.media[GOOGLE].uuid}"] = str(foreign.uuid)
        response = self.client.post(
            self.url("outcomes:campaign_links", self.campaign.uuid), data, follow=True
        )
        self.assertContains(response, f"{GOOGLE}: ", status_code=400)
        with scope(platform=self.platform):
            self.assertFalse(CampaignMedium.objects.filter(tracked_link__isnull=False).exists())

    def test_it_unlinks_a_medium_and_says_how_to_make_links_when_there_are_none(self) -> None:
        data = {f"link-{m.uuid}": "" for m in self.media.values()}
        data[f"link-{self.media[GOOGLE].uuid}"] = str(self.search_ad.uuid)
        self.client.post(self.url("outcomes:campaign_links", self.campaign.uuid), data)
        data[f"link-{self.media[GOOGLE].uuid}"] = ""
        self.client.post(self.url("outcomes:campaign_links", self.campaign.uuid), data)
        with scope(platform=self.platform):
            self.assertIsNone(CampaignMedium.objects.get(name=GOOGLE).tracked_link)
            Consulter.objects.all().delete()
            TrackedLink.objects.all().delete()
        page = self.client.get(self.url("outcomes:campaign", self.campaign.uuid))
        self.assertContains(page, "計測リンクがまだありません。")

    def test_a_viewer_cannot_change_the_links(self) -> None:
        self.login(self.users["viewer"])
        data = {f"link-{self.media[GOOGLE].uuid}": str(self.search_ad.uuid)}
        response = self.client.post(self.url("outcomes:campaign_links", self.campaign.uuid), data)
        self.assertEqual(response.status_code, 403)
