"""The resident navigator pages: home, search, service page, guided questions, map."""

from __future__ import annotations

from django.test import override_settings
from django_scopes import scopes_disabled

from directory.navigator.easy import COOKIE
from directory.tests.search_helpers import make_service
from tsunagari.lib.testing import BaseTestCase


class NavigatorTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        p = cls.platform
        cls.kodoku = make_service(
            p,
            "孤独・孤立の相談窓口",
            "ひとりで悩んでいる方のお話を聞きます。",
            terms=["cat-relations", "topic-isolation"],
            phone="058-111-2222",
            is_free=True,
            target_groups=["self"],
            point=(35.4233, 136.7606),
            address={
                "address_1": "薮田南2-1-1",
                "city": "岐阜市",
                "state_province": "岐阜県",
                "postal_code": "500-8570",
            },
            hours=[("MO,TU,WE,TH,FR", "09:00", "17:00")],
        )
        cls.crisis = make_service(
            p,
            "いのちの電話（テスト）",
            "気持ちを聞きます。",
            is_crisis_line=True,
            is_24h=True,
            phone="0120-000-000",
        )
        cls.paid = make_service(
            p, "家計相談（有料）", "お金の相談。", terms=["cat-money"], target_groups=["family"]
        )
        cls.other = make_service(cls.other_platform, "ベータ市の孤独相談", "")

    def test_it_shows_the_navigator_and_the_partnership_on_the_home_page(self) -> None:
        response = self.client.get(self.url("directory:home"))
        self.assertContains(response, "<h1>アルファ県PF</h1>", html=True)
        self.assertContains(response, 'action="/p/alpha/search"')
        self.assertContains(response, "?category=cat-money")
        self.assertEqual(response.content.decode().count('class="tile-name"'), 8)
        self.assertContains(response, "いのちの電話（テスト）")  # crisis lines always visible
        self.assertContains(response, self.url("partnership:register"))
        self.assertContains(response, self.url("partnership:join"))
        self.assertContains(response, "1団体が参加しています。")

    def test_it_searches_in_japanese_and_links_to_the_service(self) -> None:
        response = self.client.get(self.url("directory:search"), {"q": "こどく"})
        self.assertContains(response, "孤独・孤立の相談窓口")
        self.assertContains(response, f"/p/alpha/services/{self.kodoku.uuid}/")
        self.assertContains(response, 'href="tel:0581112222"')
        self.assertNotContains(response, "ベータ市の孤独相談")

    def test_it_puts_crisis_lines_first_for_crisis_words(self) -> None:
        response = self.client.get(self.url("directory:search"), {"q": "死にたい"})
        page = response.content.decode()
        self.assertIn("あなたの気持ちを聞かせてください", page)
        self.assertNotIn("似た言葉の窓口を表示しています", page)
        first_card = page[page.index('class="card service-card') :]
        self.assertIn("is-crisis", first_card[:60])
        self.assertLess(first_card.index("いのちの電話（テスト）"), first_card.index("</li>"))

    def test_it_filters_by_category_target_group_and_cost(self) -> None:
        search = self.url("directory:search")
        self.assertNotContains(self.client.get(search, {"category": "cat-money"}), "孤独・孤立の相談窓口")
        self.assertContains(self.client.get(search, {"category": "cat-money"}), "家計相談（有料）")
        self.assertNotContains(self.client.get(search, {"free": "on"}), "家計相談（有料）")
        self.assertNotContains(self.client.get(search, {"who": "self"}), "家計相談（有料）")
        self.assertContains(self.client.get(search, {"who": "family"}), "家計相談（有料）")
        # The crisis line names no target group: it is for anyone.
        self.assertContains(self.client.get(search, {"who": "family"}), "いのちの電話（テスト）")

    def test_it_filters_by_how_to_talk(self) -> None:
        search = self.url("directory:search")
        self.assertNotContains(self.client.get(search, {"how": "visit"}), "いのちの電話（テスト）")
        self.assertContains(self.client.get(search, {"how": "visit"}), "孤独・孤立の相談窓口")
        self.assertNotContains(self.client.get(search, {"how": "phone"}), "家計相談（有料）")

    def test_it_lists_24_hour_lines_as_open_now(self) -> None:
        response = self.client.get(self.url("directory:search"), {"open_now": "on"})
        self.assertContains(response, "いのちの電話（テスト）")
        self.assertNotContains(response, "家計相談（有料）")  # no schedule: not known to be open

    def test_it_looks_up_the_postal_code_and_explains_bad_ones(self) -> None:
        response = self.client.get(
            self.url("directory:search"), {"q": "相談", "postcode": "５００－８５７０"}
        )
        self.assertContains(response, "岐阜県岐阜市薮田南に近い窓口を先に表示しています。")
        response = self.client.get(self.url("directory:search"), {"q": "相談", "postcode": "12"})
        self.assertContains(response, "郵便番号は7桁の数字で入力してください")
        self.assertContains(response, 'role="alert"')

    def test_it_shows_a_service_page_with_contacts_hours_and_place(self) -> None:
        response = self.client.get(self.url("directory:service_page", self.kodoku.uuid))
        self.assertContains(response, "孤独・孤立の相談窓口")
        self.assertContains(response, "058-111-2222")
        self.assertContains(response, "岐阜県岐阜市薮田南2-1-1")
        self.assertContains(response, "月〜金 9:00〜17:00")
        self.assertContains(response, "孤独・孤立")  # its topic

    def test_it_answers_404_for_unpublished_and_other_platforms_services(self) -> None:
        hidden = make_service(self.platform, "非公開", "", is_published=False)
        self.assertEqual(self.client.get(self.url("directory:service_page", hidden.uuid)).status_code, 404)
        self.assertEqual(
            self.client.get(self.url("directory:service_page", self.other.uuid)).status_code, 404
        )

    def test_it_answers_404_on_a_platform_that_is_not_public(self) -> None:
        with scopes_disabled():
            self.platform.is_public = False
            self.platform.save()
        self.assertEqual(self.client.get(self.url("directory:search")).status_code, 404)
        self.assertEqual(self.client.get(self.url("directory:home")).status_code, 404)

    def test_it_asks_four_questions_then_shows_matching_services(self) -> None:
        guide = self.url("directory:guide")
        first = self.client.get(guide)
        self.assertContains(first, "相談したいのは誰のことですか")
        self.assertContains(first, "質問 1 / 4")
        second = self.client.get(guide, {"who": "self"})
        self.assertContains(second, "どんなことで困っていますか")
        self.assertContains(second, '<input type="hidden" name="who" value="self">', html=True)
        third = self.client.get(guide, {"who": "self", "category": "cat-relations"})
        self.assertContains(third, "どのように相談したいですか")
        fourth = self.client.get(guide, {"who": "self", "category": "cat-relations", "how": ""})
        self.assertContains(fourth, "いつ相談したいですか")
        done = self.client.get(
            guide, {"who": "self", "category": "cat-relations", "how": "", "when": "later"}
        )
        self.assertRedirects(done, "/p/alpha/search?who=self&category=cat-relations&guided=1")
        results = self.client.get(done["Location"])
        self.assertContains(results, "<h1>あなたに合いそうな窓口</h1>", html=True)
        self.assertContains(results, "孤独・孤立の相談窓口")
        self.assertNotContains(results, "家計相談（有料）")

    @override_settings(DIRECTORY_MAP_TILES="https://tiles.example.jp/{z}/{x}/{y}.png")
    def test_it_lists_locations_and_configures_the_map(self) -> None:
        response = self.client.get(self.url("directory:map"))
        self.assertContains(response, "孤独・孤立の相談窓口の窓口")
        self.assertContains(response, "岐阜県岐阜市薮田南2-1-1")
        self.assertContains(response, 'data-tiles="https://tiles.example.jp/{z}/{x}/{y}.png"')
        self.assertContains(response, "vendor/leaflet/leaflet.js")
        self.assertContains(response, '"latitude": 35.4233')

    def test_it_switches_to_plain_japanese_and_remembers_it(self) -> None:
        response = self.client.get(self.url("directory:home"), {"easy": "1"})
        self.assertContains(response, "こまっている こと")
        self.assertContains(response, '<html lang="ja">')
        self.assertEqual(response.cookies[COOKIE].value, "1")
        again = self.client.get(self.url("directory:search"))
        self.assertContains(again, "ふつうの にほんご")
        back = self.client.get(self.url("directory:home"), {"easy": "0"})
        self.assertContains(back, "困っていること・キーワード")

    def test_it_keeps_english_pages_english_in_plain_mode(self) -> None:
        self.client.cookies[COOKIE] = "1"
        response = self.client.get(self.url("directory:home"), HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, '<html lang="en">')
        self.assertNotContains(response, "こまっている こと")
