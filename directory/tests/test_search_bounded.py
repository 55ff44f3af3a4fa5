"""Counting stops at COUNT_UP_TO (「3,000件以上」): the search, the HSDS API's envelope and the
navigator's label say so; listing every result (NDJSON) still counts them all. And a filter is
applied as ids when it allows few services, as a correlated EXISTS otherwise, with the same
results either way. COUNT_UP_TO and FEW_SERVICES are made small here."""

from __future__ import annotations

from unittest import mock

from django.test import override_settings
from django_scopes import scope

from directory import search
from directory.models import Service
from directory.search import RankedServices, search_services
from directory.tests.search_helpers import make_service
from tsunagari.lib.testing import BaseTestCase


@override_settings(PUBLIC_RATE_LIMITS={}, DIRECTORY_API_CACHE_SECONDS=0)
class BoundedCountTestCase(BaseTestCase):
    made: list[Service]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.made = [make_service(cls.platform, f"相談窓口{i}", "", is_free=i % 2 == 0) for i in range(5)]

    def test_the_count_stops_past_the_bound_and_says_there_are_more(self) -> None:
        with mock.patch.object(search, "COUNT_UP_TO", 2):
            first = search_services("相談", platform=self.platform, limit=1)
            deep = search_services("相談", platform=self.platform, limit=1, offset=3)
            everything = search_services("相談", platform=self.platform, limit=1, exact=True)
            listed = search_services("", platform=self.platform, limit=1)
        self.assertEqual((first.total, first.more), (2, True))
        self.assertEqual((deep.total, deep.more), (4, True))  # counted to the end of its page
        self.assertEqual((everything.total, everything.more), (5, False))
        self.assertEqual((listed.total, listed.more), (2, True))
        exact = search_services("相談", platform=self.platform, limit=1)
        self.assertEqual((exact.total, exact.more), (5, False))
        self.assertEqual(first.hits, exact.hits)

    def test_a_ranked_listing_counts_every_match_only_to_list_them_all(self) -> None:
        with mock.patch.object(search, "COUNT_UP_TO", 2):
            ranked = RankedServices("相談", platform=self.platform)
            page = ranked[0:1]
            self.assertEqual((len(page), ranked.count(), ranked.more), (1, 2, True))
            self.assertEqual(RankedServices("相談", platform=self.platform).count(), 5)

    def test_the_api_says_when_its_total_is_a_lower_bound(self) -> None:
        with mock.patch.object(search, "COUNT_UP_TO", 2):
            page = self.client.get("/p/alpha/hsds/services?search=相談&per_page=1").json()
            lines = self.client.get("/p/alpha/hsds/services?search=相談&format=ndjson")
            rows = b"".join(getattr(lines, "streaming_content")).decode().splitlines()
        self.assertEqual(
            (page["total_items"], page["total_pages"], page["last_page"], page["total_items_exact"]),
            (2, 2, False, False),
        )
        self.assertEqual(len(rows), 5)
        exact = self.client.get("/p/alpha/hsds/services?search=相談&per_page=1").json()
        self.assertEqual(exact["total_items"], 5)
        self.assertNotIn("total_items_exact", exact)

    def test_the_navigator_says_more_than_and_offers_the_next_page(self) -> None:
        with (
            mock.patch.object(search, "COUNT_UP_TO", 2),
            mock.patch("directory.navigator.views.PAGE_SIZE", 2),
        ):
            body = self.client.get("/p/alpha/search?q=相談").content.decode()
        self.assertIn("2件以上の窓口", body)
        self.assertIn("page=2", body)
        with mock.patch("directory.navigator.views.PAGE_SIZE", 2):
            body = self.client.get("/p/alpha/search?q=相談").content.decode()
        self.assertIn("5件の窓口", body)
        self.assertNotIn("件以上", body)

    def test_a_filter_gives_the_same_results_as_ids_or_as_exists(self) -> None:
        with scope(platform=self.platform):
            free = Service.objects.filter(is_free=True)
            as_ids = search_services("相談", platform=self.platform, within=free, limit=10)
            with mock.patch.object(search, "FEW_SERVICES", 1):
                as_exists = search_services("相談", platform=self.platform, within=free, limit=10)
                listed = search_services("", platform=self.platform, within=free, limit=10)
        expected = {s.pk for s in self.made if s.is_free}
        self.assertEqual({h.service_id for h in as_ids.hits}, expected)
        self.assertEqual(as_ids.hits, as_exists.hits)
        self.assertEqual({h.service_id for h in listed.hits}, expected)
        self.assertEqual((as_ids.total, as_exists.total, listed.total), (3, 3, 3))
