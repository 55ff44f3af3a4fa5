"""Tokushima's demo network: the pledge, umbrellas, case studies, needs/offers with every match state."""

from __future__ import annotations

from django_scopes import scope

from network import queries
from network.models import (
    Attachment,
    CaseStudy,
    Engagement,
    Forward,
    Listing,
    Match,
    Notice,
    PledgeAcceptance,
    Profile,
)
from platforms.models import Platform
from tsunagari.demo.loader import load_demo
from tsunagari.lib.testing import BaseTestCase


class DemoTestCase(BaseTestCase):
    def test_it_loads_tokushimas_network_once(self) -> None:
        load_demo(["tokushima"])
        load_demo(["tokushima"])  # a second run adds nothing
        platform = Platform.objects.get(slug="tokushima")
        with scope(platform=platform):
            self.assertEqual(CaseStudy.objects.filter(status="shared").count(), 6)
            self.assertEqual(Listing.objects.count(), 20)
            self.assertEqual(
                set(Match.objects.values_list("status", flat=True)),
                {"proposed", "agreed", "delivered", "thanked", "declined"},
            )
            self.assertEqual(Engagement.objects.count(), 7)
            self.assertEqual(
                [r.name for r in queries.accompaniment(platform)], ["小松島市", "阿南市", "神山町"]
            )
            self.assertEqual(Notice.objects.filter(kind="grant").count(), 6)
            self.assertTrue(Forward.objects.filter(reach=55).exists())
            self.assertTrue(Forward.objects.filter(reach=120).exists())
            self.assertEqual(Notice.objects.filter(public_requested=True).count(), 1)
            self.assertEqual(Attachment.objects.count(), 2)
            self.assertGreater(Profile.objects.filter(is_public=True).count(), 5)
            self.assertGreater(PledgeAcceptance.objects.count(), 10)
            self.assertGreater(queries.outcomes()["hours"], 0)
