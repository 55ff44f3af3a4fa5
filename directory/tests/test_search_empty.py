"""An empty constraint is an empty result: search_services() never raises for it (issue 19)."""

from __future__ import annotations

import datetime as dt

import time_machine
from django_scopes import scopes_disabled

from directory.models import Service
from directory.search import search_services
from directory.tests.search_helpers import make_service
from tsunagari.lib.testing import BaseTestCase

# Wednesday 2026-12-02 03:40 in Japan: no weekday window is open.
NIGHT = dt.datetime(2026, 12, 1, 18, 40, tzinfo=dt.UTC)


class EmptyConstraintTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.work = make_service(
            cls.platform,
            "しごと相談",
            "仕事の相談を聞きます。",
            terms=["cat-work"],
            target_groups=["self"],
            hours=[("MO,TU,WE,TH,FR", "09:00", "17:00")],
        )

    def test_it_finds_nothing_within_an_empty_queryset_for_any_query(self) -> None:
        with scopes_disabled():
            nothing = Service.objects.filter(pk__in=[])
            for query in ("", "しごと", "死にたい", "shigoto"):
                with self.subTest(query=query):
                    results = search_services(query, platform=self.platform, within=nothing)
                    self.assertEqual((results.total, results.hits, results.matched), (0, [], 0))
            # The same queryset with something in it still finds the service.
            some = Service.objects.filter(pk__in=[self.work.pk])
            self.assertEqual(search_services("しごと", platform=self.platform, within=some).total, 1)

    def test_it_answers_the_guides_open_now_search_at_night(self) -> None:
        # The URL the guide's 「今すぐ話したい」 sent a resident to at 03:40 (a 500 before).
        with time_machine.travel(NIGHT, tick=False):
            response = self.client.get(
                self.url("directory:search"),
                {"who": "self", "category": "cat-work", "open_now": "on", "guided": "1"},
            )
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "しごと相談")
