"""The HSDS API's answers come from the cache until the directory changes (directory.api_cache)."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from directory import api_cache
from directory.models import Phone
from directory.tests.hsds_fixtures import make_local_service
from tsunagari.lib.testing import BaseTestCase


# These tests count the API cache's own queries; the per-client rate limit (tsunagari/errors.py)
# keeps its counters in the same database cache and is tested in tsunagari/tests/test_rate_limits.py.
@override_settings(PUBLIC_RATE_LIMITS={})
class ApiCacheTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.service = make_local_service(cls.platform, "生活サポート相談")

    def names(self, url: str) -> list[str]:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return [item["name"] for item in response.json()["contents"]]

    def test_it_answers_a_repeated_request_from_the_cache_in_one_query(self) -> None:
        url = "/p/alpha/hsds/services?search=せいかつ"
        first = self.client.get(url)
        with CaptureQueriesContext(connection) as queries:
            second = self.client.get(url)
        self.assertEqual(first.content, second.content)
        self.assertEqual(second["Content-Type"], "application/json; charset=utf-8")
        tables = [q["sql"] for q in queries]  # the platform (middleware) and one cache read
        self.assertEqual(len(tables), 2, tables)
        self.assertIn("tsunagari_cache", tables[1])
        self.assertFalse([sql for sql in tables if "directory_" in sql])
        self.assertEqual(second.json()["contents"][0]["name"], "生活サポート相談")

    def test_it_answers_not_modified_to_a_matching_etag(self) -> None:
        first = self.client.get("/hsds/services")
        self.assertTrue(first["ETag"])
        again = self.client.get("/hsds/services", headers={"If-None-Match": first["ETag"]})
        self.assertEqual(again.status_code, 304)
        self.assertEqual(again.content, b"")
        with scope(platform=self.platform):
            self.service.name = "くらしのサポート相談"
            self.service.save()
        changed = self.client.get("/hsds/services", headers={"If-None-Match": first["ETag"]})
        self.assertEqual(changed.status_code, 200)
        self.assertNotEqual(changed["ETag"], first["ETag"])

    def test_it_follows_every_change_of_the_directory(self) -> None:
        url = f"/p/alpha/hsds/services/{self.service.uuid}"
        self.assertEqual(self.client.get(url).json()["phones"], [])
        with scope(platform=self.platform):  # a row of another table than Service
            Phone.objects.create(platform=self.platform, service=self.service, number="0596-00-0000")
        self.assertEqual(self.client.get(url).json()["phones"][0]["number"], "0596-00-0000")
        self.assertEqual(self.names("/p/alpha/hsds/services?search=サポート"), ["生活サポート相談"])
        with scope(platform=self.platform):
            self.service.delete()
        self.assertEqual(self.names("/p/alpha/hsds/services?search=サポート"), [])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_it_leaves_one_new_generation_for_the_commit_however_many_rows_change(self) -> None:
        def pending() -> list:
            return [f for _ids, f, _robust in connection.run_on_commit if f is api_cache._new_generation]

        self.client.get("/hsds/services")
        for index in range(3):
            make_local_service(self.platform, f"追加の窓口{index}")
        self.assertEqual(len(pending()), 1)
        self.assertEqual(len(self.names("/hsds/services")), 4)  # this transaction sees its rows
        before = cache.get(api_cache.GENERATION_KEY)
        pending()[0]()  # what the commit runs
        self.assertNotEqual(cache.get(api_cache.GENERATION_KEY), before)

    def test_it_stops_answering_for_a_platform_that_is_no_longer_public(self) -> None:
        self.assertEqual(self.names("/hsds/services"), ["生活サポート相談"])
        self.assertEqual(self.client.get("/p/alpha/hsds/services").status_code, 200)
        with scopes_disabled():
            self.platform.is_public = False
            self.platform.save()
        self.assertEqual(self.client.get("/p/alpha/hsds/services").status_code, 404)
        self.assertEqual(self.names("/hsds/services"), [])

    def test_it_never_stores_errors(self) -> None:
        for _ in range(2):
            response = self.client.get("/hsds/services?per_page=0")
            self.assertEqual(response.status_code, 400)
            self.assertEqual(response.json()["errors"][0]["parameter"], "per_page")
        self.assertEqual(self.client.get("/hsds/services?per_page=1").status_code, 200)

    @override_settings(DIRECTORY_API_CACHE_SECONDS=0)
    def test_it_computes_every_answer_when_turned_off(self) -> None:
        url = "/p/alpha/hsds/services?search=せいかつ"
        self.client.get(url)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(url).json()["contents"][0]["name"], "生活サポート相談")
        self.assertTrue([q for q in queries if "directory_" in q["sql"]])
        self.assertFalse([q for q in queries if "tsunagari_cache" in q["sql"]])
