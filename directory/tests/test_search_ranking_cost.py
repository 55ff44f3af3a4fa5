"""What the bm25-ranked SQLite queries ask FTS5 for (issue 21 item 2), and that the results
stay those of the unfiltered search.

bm25() reads the whole posting list of every phrase of the MATCH to weigh it, once per FTS5
cursor: the publication term ``pub`` (in nearly every entry) is therefore checked on the
entry rather than matched in a platform's search, and a filter of a few services (one
organisation's) is one rowid range read by a single cursor rather than one rowid lookup
(and one cursor) each."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from directory.models import Service
from directory.search import search_services
from directory.tests.search_helpers import make_service
from tsunagari.lib.testing import BaseTestCase


class RankingCostTestCase(BaseTestCase):
    made: list[Service]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.made = [
            make_service(cls.platform, "介護の相談窓口", "介護と子育ての相談", org="甲会"),
            make_service(
                cls.platform, "地域の窓口", "介護の相談に応じます。介護保険の手続きも。", org="乙会"
            ),
            make_service(cls.platform, "家族会", "介護する家族の集まり", org="甲会"),
            make_service(cls.platform, "介護予防教室", "", org="乙会"),
            make_service(cls.other_platform, "ベータの介護相談", "介護", org="丙会"),
            make_service(cls.platform, "よりそい電話", "悩みごと全般", org="甲会"),
        ]
        make_service(cls.platform, "非公開の介護相談", "介護", is_published=False, org="甲会")

    def ranked_sql(self, **kwargs) -> tuple[list, list[str]]:  # type: ignore[no-untyped-def]
        with CaptureQueriesContext(connection) as queries:
            hits = search_services("介護", limit=20, **kwargs).hits
        return hits, [q["sql"] for q in queries.captured_queries if "bm25(" in q["sql"]]

    def test_a_few_services_rank_as_in_the_unfiltered_search(self) -> None:
        with scope(platform=self.platform):
            kou = Service.objects.filter(organization__name="甲会")
            everything = search_services("介護", platform=self.platform, limit=20).hits
            filtered = search_services("介護", platform=self.platform, within=kou, limit=20).hits
        with scopes_disabled():
            allowed = set(kou.values_list("pk", flat=True))
        self.assertEqual(filtered, [hit for hit in everything if hit.service_id in allowed])
        self.assertEqual(len(filtered), 2)  # not the unpublished one, nor the one without 介護
        every_platform = search_services("介護", public_platforms_only=True, limit=20).hits
        self.assertEqual(len(every_platform), 5)  # and ベータの介護相談

    def test_the_ranked_queries_of_a_platform_match_no_publication_term(self) -> None:
        if connection.vendor != "sqlite":
            self.skipTest("FTS5 (SQLite) only")
        hits, ranked = self.ranked_sql(platform=self.platform)
        self.assertEqual(len(hits), 4)  # not the unpublished one
        self.assertTrue(ranked)
        for sql in ranked:
            self.assertNotIn("scope : (pub)", sql)
            self.assertIn(f"scope : (pf{self.platform.pk})", sql)

    def test_a_few_services_are_read_as_one_rowid_range(self) -> None:
        if connection.vendor != "sqlite":
            self.skipTest("FTS5 (SQLite) only")
        with scope(platform=self.platform):
            kou = Service.objects.filter(organization__name="甲会")
            hits, ranked = self.ranked_sql(platform=self.platform, within=kou)
        self.assertEqual(len(hits), 2)
        self.assertTrue(ranked)
        for sql in ranked:
            self.assertIn("+directory_search_fts.rowid IN (", sql)
            self.assertNotIn("directory_search_fts.rowid IN (SELECT", sql)
