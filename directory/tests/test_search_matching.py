"""Every matching case of the Japanese search, through the real index and database.

The suite runs on SQLite (FTS5 backend) and again on PostgreSQL (tsvector + pg_trgm), so each
case here is checked on both backends.
"""

from __future__ import annotations

from unittest import skipUnless

from django.core.management import call_command
from django.db import connection
from django_scopes import scope, scopes_disabled

from directory.models import Organization, Service
from directory.search import Near, search_services
from directory.search.models import SearchEntry
from directory.tests.search_helpers import make_service
from tsunagari.lib.testing import BaseTestCase


class SearchMatchingTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        p = cls.platform
        cls.kodoku = make_service(p, "孤独・孤立の相談窓口", "ひとりで悩んでいる方のお話を聞きます。")
        cls.hikikomori = make_service(p, "引きこもり地域支援センター", "ご本人やご家族からの相談に応じます。")
        cls.hoken = make_service(p, "国民健康保険の窓口", "保険料の納付や減免について。")
        cls.line = make_service(p, "LINEで相談", "ＬＩＮＥアプリでやりとりできます。")
        cls.harassment = make_service(p, "職場の嫌がらせ相談", "ハラスメントや人間関係の悩みに。")
        cls.living = make_service(p, "生活費の緊急貸付", "一時的に生活費が足りないときの貸付制度です。")
        cls.childcare = make_service(p, "育児の電話相談", "赤ちゃんの世話や発達の心配に保健師が答えます。")
        cls.work = make_service(p, "若者の就労支援", "仕事探しを一緒に考えます。")
        cls.hidden = make_service(p, "非公開の孤独相談", "公開前の窓口です。", is_published=False)
        cls.elsewhere = make_service(
            cls.other_platform, "ベータ市の孤独相談", "別のプラットフォームの窓口です。"
        )

    def names(self, query: str, **kwargs) -> list[str]:  # type: ignore[no-untyped-def]
        kwargs.setdefault("platform", self.platform)
        return [s.name for s in search_services(query, **kwargs).services()]

    def test_it_uses_the_backend_of_the_database(self) -> None:
        from directory.search.backends import backend

        self.assertEqual(backend().vendor, connection.vendor)

    def test_it_finds_kanji_from_hiragana_readings(self) -> None:
        self.assertEqual(self.names("こどく")[0], "孤独・孤立の相談窓口")

    def test_it_finds_kanji_from_half_width_katakana(self) -> None:
        names = self.names("ｿｳﾀﾞﾝ")
        self.assertIn("孤独・孤立の相談窓口", names)
        self.assertIn("育児の電話相談", names)

    def test_it_finds_spelling_variants(self) -> None:
        self.assertEqual(self.names("ひきこもり")[0], "引きこもり地域支援センター")
        self.assertEqual(self.names("ヒキコモリ")[0], "引きこもり地域支援センター")

    def test_it_finds_new_kanji_from_old_forms(self) -> None:
        self.assertEqual(self.names("國民健康保險")[0], "国民健康保険の窓口")

    def test_it_finds_full_width_and_half_width_latin_alike(self) -> None:
        self.assertEqual(self.names("ｌｉｎｅ")[0], "LINEで相談")
        self.assertEqual(self.names("line")[0], "LINEで相談")

    def test_it_finds_synonyms(self) -> None:
        self.assertEqual(self.names("いじめ")[0], "職場の嫌がらせ相談")
        self.assertEqual(self.names("お金")[0], "生活費の緊急貸付")
        self.assertEqual(self.names("子育て")[0], "育児の電話相談")  # SudachiDict's own group
        self.assertEqual(self.names("しごと")[0], "若者の就労支援")

    def test_it_tolerates_typos_by_sound(self) -> None:
        results = search_services("こどこ", platform=self.platform)
        self.assertEqual(results.services()[0].name, "孤独・孤立の相談窓口")
        self.assertTrue(results.similar_only)
        self.assertEqual(self.names("ひきこもる")[0], "引きこもり地域支援センター")

    def test_it_tolerates_typos_in_words_indexed_later_and_keeps_to_the_platform(self) -> None:
        self.assertEqual(self.names("ぼらんてぃや"), [])
        service = make_service(self.platform, "ボランティアセンター", "活動を紹介します。")
        make_service(self.other_platform, "ベータ市のボランティア", "別のプラットフォームです。")
        self.assertEqual(self.names("ぼらんてぃや"), ["ボランティアセンター"])
        with scope(platform=self.platform):
            service.name = "ささえあいセンター"
            service.save()
        self.assertEqual(self.names("ぼらんてぃや"), [])
        self.assertEqual(self.names("ささえああい")[0], "ささえあいセンター")

    def test_it_finds_nothing_for_unrelated_words(self) -> None:
        self.assertEqual(self.names("宇宙ロケット"), [])

    def test_it_ranks_title_matches_above_description_matches(self) -> None:
        make_service(self.platform, "ふれあいサロン", "孤独を感じる方も気軽にどうぞ。")
        names = self.names("孤独")
        self.assertLess(names.index("孤独・孤立の相談窓口"), names.index("ふれあいサロン"))

    def test_it_ranks_a_name_match_first_whatever_else_the_description_matches(self) -> None:
        # Created first (the lower id wins ties) and matching the word, its reading and its
        # synonyms in the description: the name match still comes first, on both backends.
        body = make_service(self.platform, "ふれあいサロン", "孤独、こどく、孤立、寂しさを感じる方も。")
        title = make_service(self.platform, "孤独の茶話会", "")
        ids = [h.service_id for h in search_services("孤独", platform=self.platform).hits]
        self.assertLess(ids.index(title.pk), ids.index(body.pk))

    def test_it_ranks_a_name_read_as_typed_above_services_that_only_relate_to_the_word(self) -> None:
        # いばしょ is cut into 居る + ば + しょ by Sudachi; 居る (いる) is in the lonely
        # services' descriptions, and 居場所 in their readings, but only the cafe has it in
        # its name, and it comes first even when the others are nearer.
        cafe = make_service(
            self.platform, "よりそいカフェ（居場所）", "お茶を飲みながら話せます。", area="212016"
        )
        make_service(
            self.platform,
            "ひとりぼっち電話",
            "ひとりでいる時間が長く寂しい方、地域の居場所もご紹介します。",
            area="212041",
        )
        make_service(
            self.platform, "ふれあいサロン", "地域の居場所です。孤立しがちな方もどうぞ。", area="212041"
        )
        for query in ("いばしょ", "イバショ", "ｲﾊﾞｼｮ", "居場所"):
            with self.subTest(query=query):
                self.assertEqual(self.names(query)[0], cafe.name)
                self.assertEqual(self.names(query, near=Near(area_code="212041"))[0], cafe.name)
        hits = search_services("いばしょ", platform=self.platform).hits
        self.assertGreater(len(hits), 1)  # the related services are still found, after the name

    def test_it_never_returns_unpublished_or_other_platforms_services(self) -> None:
        names = self.names("孤独")
        self.assertNotIn("非公開の孤独相談", names)
        self.assertNotIn("ベータ市の孤独相談", names)
        everywhere = self.names("孤独", platform=None, platforms=[self.platform, self.other_platform])
        self.assertIn("ベータ市の孤独相談", everywhere)

    def test_it_ranks_services_of_the_residents_area_first(self) -> None:
        far = make_service(self.platform, "居場所カフェ（遠く）", "", area="212016")
        near = make_service(self.platform, "居場所カフェ（近く）", "", area="212041")
        names = self.names("居場所", near=Near(area_code="212041"))
        self.assertEqual(names[:2], [near.name, far.name])

    def test_it_ranks_nearer_locations_first(self) -> None:
        make_service(self.platform, "フードバンク大垣", "", point=(35.3594, 136.6129))
        make_service(self.platform, "フードバンク岐阜", "", point=(35.4233, 136.7606))
        gifu_station = Near(latitude=35.4094, longitude=136.7566)
        self.assertEqual(self.names("フードバンク", near=gifu_station)[0], "フードバンク岐阜")
        ogaki_station = Near(latitude=35.3668, longitude=136.6178)
        self.assertEqual(self.names("フードバンク", near=ogaki_station)[0], "フードバンク大垣")

    def test_it_puts_crisis_lines_first_for_crisis_queries(self) -> None:
        day = make_service(self.platform, "こころの電話（平日）", "気持ちを聞きます。", is_crisis_line=True)
        night = make_service(
            self.platform,
            "いのちの相談24時間",
            "夜間も対応。",
            is_crisis_line=True,
            is_24h=True,
            is_anonymous=True,
        )
        for query in ("死にたい", "消えたい", "自殺", "もう生きるのがつらい"):
            with self.subTest(query=query):
                results = search_services(query, platform=self.platform)
                self.assertTrue(results.crisis)
                self.assertEqual([s.name for s in results.services()][:2], [night.name, day.name])
                self.assertEqual({h.reason for h in results.hits[:2]}, {"crisis"})
        self.assertNotIn(day.name, self.names("孤独")[:1])

    def test_it_keeps_crisis_lines_first_whatever_the_filters_match(self) -> None:
        line = make_service(self.platform, "よりそい電話", "", is_crisis_line=True, is_24h=True)
        with scope(platform=self.platform):
            within = Service.objects.filter(pk__in=[self.kodoku.pk, line.pk])
            names = [
                s.name
                for s in search_services("死にたい 孤独", platform=self.platform, within=within).services()
            ]
        self.assertEqual(names, ["よりそい電話", "孤独・孤立の相談窓口"])

    def test_it_lists_everything_for_an_empty_query(self) -> None:
        results = search_services("", platform=self.platform, limit=100)
        self.assertEqual(results.total, 8)
        self.assertEqual({h.reason for h in results.hits}, {"all"})

    def test_it_pages_through_results(self) -> None:
        first = search_services("相談", platform=self.platform, limit=2)
        second = search_services("相談", platform=self.platform, limit=2, offset=2)
        self.assertEqual(first.total, second.total)
        self.assertGreaterEqual(first.total, 4)
        self.assertFalse({h.service_id for h in first.hits} & {h.service_id for h in second.hits})


class SearchIndexSyncTestCase(BaseTestCase):
    def test_it_reindexes_a_service_when_it_changes(self) -> None:
        service = make_service(self.platform, "相談窓口", "")
        self.assertEqual(search_services("ひきこもり", platform=self.platform).total, 0)
        with scopes_disabled():
            service.description = "ひきこもりの相談に応じます。"
            service.save()
        self.assertEqual(search_services("ひきこもり", platform=self.platform).hits[0].service_id, service.pk)
        with scopes_disabled():
            service.is_published = False
            service.save()
        self.assertEqual(search_services("ひきこもり", platform=self.platform).total, 0)

    def test_it_reindexes_when_the_organisation_or_terms_change(self) -> None:
        service = make_service(self.platform, "はなしてみよう", "", org="旧名")
        with scopes_disabled():
            org = Organization.objects.get(pk=service.organization_id)
            org.name = "ひまわり社会福祉協議会"
            org.save()
        self.assertEqual(
            search_services("社会福祉協議会", platform=self.platform).hits[0].service_id, service.pk
        )
        other = make_service(self.platform, "まちの保健室", "", terms=["topic-isolation"])
        self.assertEqual(search_services("孤立", platform=self.platform).hits[0].service_id, other.pk)

    def test_it_drops_the_entry_with_the_service(self) -> None:
        service = make_service(self.platform, "消える窓口", "")
        with scopes_disabled():
            service.delete()
            self.assertFalse(SearchEntry.objects.filter(service_id=service.pk).exists())
        self.assertEqual(search_services("窓口", platform=self.platform).total, 0)

    def test_the_rebuild_command_restores_a_lost_index(self) -> None:
        service = make_service(self.platform, "孤独の相談", "")
        with scopes_disabled():
            SearchEntry.objects.all().delete()
        self.assertEqual(search_services("孤独", platform=self.platform).total, 0)
        call_command("rebuild_search_index", "alpha", verbosity=0)
        self.assertEqual(search_services("孤独", platform=self.platform).hits[0].service_id, service.pk)


class FilterServicesTestCase(BaseTestCase):
    """filter_services(): the queryset form used by the HSDS API's ``search`` parameter."""

    def test_it_keeps_the_best_matches_in_relevance_order_with_crisis_lines_first(self) -> None:
        from directory.search import filter_services

        title = make_service(self.platform, "孤独の相談", "")
        body = make_service(self.platform, "ふれあいサロン", "孤独を感じる方もどうぞ。")
        line = make_service(self.platform, "いのちの電話", "", is_crisis_line=True, is_24h=True)
        make_service(self.platform, "就労支援", "")
        with scope(platform=self.platform):
            names = [s.name for s in filter_services(Service.objects.public(), "孤独")]
            self.assertEqual(names, [title.name, body.name])
            crisis = [s.name for s in filter_services(Service.objects.public(), "死にたい 孤独")]
            self.assertEqual(crisis, [line.name, title.name, body.name])
            self.assertEqual(filter_services(Service.objects.public(), "こどく").count(), 2)


class LargeResultTestCase(BaseTestCase):
    """Across every public platform, and the page of a match too large to score row by row."""

    def test_it_searches_public_platforms_only_and_follows_their_publicity(self) -> None:
        here = make_service(self.platform, "孤独の相談（アルファ）", "")
        there = make_service(self.other_platform, "孤独の相談（ベータ）", "")
        found = {h.service_id for h in search_services("孤独", public_platforms_only=True).hits}
        self.assertEqual(found, {here.pk, there.pk})
        with scopes_disabled():
            self.other_platform.is_public = False
            self.other_platform.save()
        found = {h.service_id for h in search_services("孤独", public_platforms_only=True).hits}
        self.assertEqual(found, {here.pk})

    def test_it_pages_a_large_match_names_first_without_scoring_every_row(self) -> None:
        from unittest import mock

        from directory.search import backends

        named = [make_service(self.platform, f"相談窓口{i}", "") for i in range(3)]
        described = [make_service(self.platform, f"窓口{i}", "困りごとの相談に応じます。") for i in range(3)]
        with mock.patch.object(backends, "LARGE_RESULT", 2):
            first = search_services("相談", platform=self.platform, limit=4)
            second = search_services("相談", platform=self.platform, limit=4, offset=4)
        self.assertEqual(first.total, 6)
        ids = [h.service_id for h in first.hits + second.hits]
        self.assertEqual(sorted(ids[:3]), sorted(s.pk for s in named))
        self.assertEqual(sorted(ids[3:]), sorted(s.pk for s in described))

    def test_every_page_size_gives_the_same_large_match_names_first(self) -> None:
        from unittest import mock

        from directory.search import backends

        named = {make_service(self.platform, f"相談窓口{i}", "").pk for i in range(3)}
        described = {
            make_service(self.platform, f"窓口{i}", "困りごとの相談に応じます。").pk for i in range(3)
        }
        for limit in (1, 2, 3, 4, 5, 7):
            with self.subTest(limit=limit), mock.patch.object(backends, "LARGE_RESULT", 2):
                ids: list[int] = []
                for offset in range(0, 8, limit):
                    page = search_services("相談", platform=self.platform, limit=limit, offset=offset)
                    self.assertEqual(page.total, 6)
                    ids += [h.service_id for h in page.hits]
                self.assertEqual(len(ids), 6)
                self.assertEqual(set(ids[:3]), named)
                self.assertEqual(set(ids[3:]), described)

    def test_a_paged_listing_counts_the_matches_once(self) -> None:
        from django.test.utils import CaptureQueriesContext

        from directory.search import RankedServices

        made = [make_service(self.platform, f"相談窓口{i}", "") for i in range(5)]
        ranked = RankedServices("相談", platform=self.platform)
        with CaptureQueriesContext(connection) as queries:
            total = ranked.count()
            pages = ranked[0:2] + ranked[2:4] + ranked[4:6]
        self.assertEqual(total, 5)
        self.assertEqual(sorted(s.pk for s in pages), sorted(s.pk for s in made))
        counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT count(*)")]
        self.assertEqual(len(counts), 1, counts)

    def test_it_keeps_the_count_of_a_large_match_until_the_directory_changes(self) -> None:
        from unittest import mock

        from django.test import override_settings
        from django.test.utils import CaptureQueriesContext

        from directory import search

        def counted(query: str, **kwargs) -> tuple[int, int]:  # type: ignore[no-untyped-def]
            with CaptureQueriesContext(connection) as queries:
                total = search_services(query, public_platforms_only=True, **kwargs).total
            return total, sum(q["sql"].startswith("SELECT count(*)") for q in queries.captured_queries)

        for i in range(3):
            make_service(self.platform, f"相談窓口{i}", "")
        with mock.patch.object(search, "MEMO_ABOVE", 2):
            self.assertEqual(counted("相談"), (3, 1))
            self.assertEqual(counted("相談"), (3, 0))  # kept
            self.assertEqual(counted("孤独"), (0, 1))  # another search is counted,
            self.assertEqual(counted("孤独"), (0, 1))  # and not kept: too small to matter
            with scope(platform=self.platform):
                paid = Service.objects.filter(is_free=False)
            self.assertEqual(counted("相談", within=paid), (3, 1))  # so is another filter
            make_service(self.other_platform, "ベータの相談窓口", "")
            self.assertEqual(counted("相談"), (4, 1))  # the directory changed: counted again
            with override_settings(DIRECTORY_API_CACHE_SECONDS=0):
                self.assertEqual(counted("相談"), (4, 1))  # nothing kept when the cache is off
                self.assertEqual(counted("相談"), (4, 1))

    def test_it_caps_a_very_common_word_at_the_best_results(self) -> None:
        from unittest import mock

        from directory import search
        from directory.search import filter_services

        for i in range(4):
            make_service(self.platform, f"相談{i}", "")
        with scope(platform=self.platform), mock.patch.object(search, "API_RESULTS", 3):
            self.assertEqual(
                filter_services(Service.objects.public(), "相談", platform=self.platform).count(), 3
            )


@skipUnless(connection.vendor == "postgresql", "PostgreSQL's vectors table and vocabulary")
class PostgreSQLIndexTablesTestCase(BaseTestCase):
    """The tables that triggers keep in step with the entries, and the planner setting."""

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params or [])
            return cursor.fetchall()

    def test_triggers_keep_the_vectors_and_the_vocabulary_in_step(self) -> None:
        from directory.search.backends import VECTORS, WORDS

        service = make_service(self.platform, "孤独の相談", "")
        with scopes_disabled():
            entry = SearchEntry.objects.get(service_id=service.pk)
        self.assertEqual(
            self.rows(f"SELECT service_id FROM {VECTORS} WHERE id = %s", [entry.pk]), [(service.pk,)]
        )
        self.assertIn(("kodoku",), self.rows(f"SELECT word FROM {WORDS}"))
        with scopes_disabled():
            service.name = "若者の就労支援"
            service.save()
        self.assertEqual(search_services("孤独", platform=self.platform).total, 0)
        self.assertEqual(search_services("就労", platform=self.platform).total, 1)
        self.assertIn(("shuurou",), self.rows(f"SELECT word FROM {WORDS}"))
        with scopes_disabled():
            SearchEntry.objects.filter(pk=entry.pk).delete()
        self.assertEqual(self.rows(f"SELECT count(*) FROM {VECTORS}"), [(0,)])
        make_service(self.platform, "居場所カフェ", "")
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE waits for no deferred check
            cursor.execute(f"TRUNCATE {SearchEntry._meta.db_table}")
        self.assertEqual(self.rows(f"SELECT count(*) FROM {VECTORS}"), [(0,)])

    def test_a_search_leaves_the_planner_settings_as_they_were(self) -> None:
        from django.db import transaction

        make_service(self.platform, "孤独の相談", "")
        search_services("孤独", public_platforms_only=True)
        self.assertEqual(self.rows("SHOW enable_seqscan"), [("on",)])
        with transaction.atomic():
            search_services("孤独", platform=self.platform)
            self.assertEqual(self.rows("SHOW enable_seqscan"), [("on",)])
        with scopes_disabled():
            free = Service.objects.filter(is_free=True)
        self.assertEqual(search_services("孤独", platform=self.platform, within=free).total, 0)
        self.assertEqual(self.rows("SHOW enable_seqscan"), [("on",)])
