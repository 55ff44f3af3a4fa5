import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from partnership.models import ActivityField, MemberOrganisation, OrgType
from tsunagari.lib.testing import BaseTestCase, make_member

SECRET_PHONE = "099-876-5432"
SECRET_MAIL = "hidden-contact@example.jp"


class RegisterTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with scopes_disabled():
            elderly = ActivityField.objects.get(code="elderly")
            children = ActivityField.objects.get(code="children-youth")
        cls.shy = make_member(
            cls.platform,
            "ひっそり子ども食堂",
            name_kana="ひっそりこどもしょくどう",
            org_type=OrgType.NPO,
            phone=SECRET_PHONE,
            email=SECRET_MAIL,
            representative="秘密 代表者",
            area="大垣市",
            published_fields=["name", "area"],
            fields=[children],
        )
        cls.open = make_member(
            cls.platform,
            "あおぞら社会福祉協議会",
            name_kana="あおぞらしゃかいふくしきょうぎかい",
            org_type=OrgType.SHAKYO,
            phone="058-111-2222",
            area="第１地区（岐阜市）",
            published_fields=["name", "phone", "fields", "area", "representative"],
            fields=[elderly],
        )
        cls.hidden_area = make_member(
            cls.platform,
            "かくれ地域株式会社",
            name_kana="かくれちいき",
            org_type=OrgType.COMPANY,
            area="大垣市全域",
            published_fields=["name"],
            fields=[elderly],
        )
        cls.no_name = make_member(
            cls.platform, "非掲載団体", name_kana="ひけいさい", published_fields=["phone"]
        )
        cls.gone = make_member(
            cls.platform, "退会した団体", name_kana="たいかい", status=MemberOrganisation.Status.WITHDRAWN
        )

    def get(self, **params):  # type: ignore[no-untyped-def]
        return self.client.get(self.url("partnership:register"), params)

    def test_it_lists_active_members_that_consented_to_their_name(self) -> None:
        response = self.get()
        self.assertEqual(response.status_code, 200)
        for name in ("ひっそり子ども食堂", "あおぞら社会福祉協議会", "NPO法人アルファ支援ネット"):
            self.assertContains(response, name)
        self.assertNotContains(response, "非掲載団体")
        self.assertNotContains(response, "退会した団体")
        self.assertNotContains(response, "NPO法人ベータ支援ネット")

    def test_it_never_shows_an_unconsented_field(self) -> None:
        html = self.get().content.decode()
        self.assertNotIn(SECRET_PHONE, html)
        self.assertNotIn(SECRET_MAIL, html)
        self.assertNotIn("秘密 代表者", html)
        self.assertIn("大垣市", html)  # shy's consented area is shown
        self.assertIn("058-111-2222", html)  # consented phone is shown
        self.assertIn('href="tel:058-111-2222"', html)

    def test_it_filters_by_org_type(self) -> None:
        response = self.get(org_type=OrgType.SHAKYO)
        self.assertContains(response, "あおぞら社会福祉協議会")
        self.assertNotContains(response, "ひっそり子ども食堂")
        self.assertContains(response, "1団体が見つかりました")

    def test_it_filters_by_activity_field_only_when_fields_are_published(self) -> None:
        response = self.get(field="elderly")
        self.assertContains(response, "あおぞら社会福祉協議会")
        # かくれ地域 works for the elderly too, but did not consent to publishing its fields.
        self.assertNotContains(response, "かくれ地域株式会社")

    def test_it_filters_by_area_with_nfkc_normalisation(self) -> None:
        response = self.get(area="第1地区")
        self.assertContains(response, "あおぞら社会福祉協議会")
        self.assertNotContains(response, "ひっそり子ども食堂")
        response = self.get(area="大垣")
        self.assertContains(response, "ひっそり子ども食堂")
        self.assertNotContains(response, "かくれ地域株式会社")  # area not published

    def test_it_sorts_by_furigana(self) -> None:
        html = self.get().content.decode()
        self.assertLess(html.index("あおぞら社会福祉協議会"), html.index("ひっそり子ども食堂"))
        self.assertLess(html.index("かくれ地域株式会社"), html.index("ひっそり子ども食堂"))

    def test_it_shows_counts_per_type(self) -> None:
        response = self.get()
        self.assertContains(response, "社会福祉協議会: 1団体")
        self.assertContains(response, "NPO・市民活動団体: 2団体")
        self.assertContains(response, "企業: 1団体")

    def test_it_shows_an_empty_state_with_a_reset_link(self) -> None:
        response = self.get(area="存在しない地域")
        self.assertContains(response, "条件に合う会員団体はありません")
        self.assertContains(response, f'href="{self.url("partnership:register")}"')
        self.assertContains(response, "0団体が見つかりました")

    def test_it_ignores_an_invalid_filter_value(self) -> None:
        response = self.get(org_type="bogus")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "あおぞら社会福祉協議会")

    def test_it_paginates_by_fifty(self) -> None:
        for i in range(52):
            make_member(self.platform, f"ページ団体{i:02d}", name_kana=f"ぺーじ{'あ' * (i + 1)}")
        response = self.get()
        self.assertEqual(len(response.context["cards"]), 50)
        total = response.context["page"].paginator.count
        self.assertEqual(total, 56)
        response = self.get(page=2)
        self.assertEqual(len(response.context["cards"]), 6)
        self.assertContains(response, "2 / 2")

    def test_it_keeps_the_query_count_flat(self) -> None:
        def queries() -> int:
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.get().status_code, 200)
            return len(ctx.captured_queries)

        before = queries()
        for i in range(10):
            make_member(self.platform, f"追加団体{i}", published_fields=["name", "fields"])
        self.assertEqual(queries(), before)

    def test_it_is_404_for_a_platform_that_is_not_public(self) -> None:
        self.platform.is_public = False
        self.platform.save()
        self.assertEqual(self.get().status_code, 404)

    def test_it_lists_another_platforms_members_on_its_own_register(self) -> None:
        response = self.client.get(self.url("partnership:register", platform=self.other_platform))
        self.assertContains(response, "NPO法人ベータ支援ネット")
        self.assertNotContains(response, "あおぞら社会福祉協議会")

    def test_it_drops_a_member_when_it_withdraws_its_consent(self) -> None:
        with scopes_disabled():
            member = MemberOrganisation.objects.get(pk=self.open.pk)
            member.published_fields = ["phone"]
            member.joined_on = datetime.date(2024, 4, 1)
            member.save(update_fields=["published_fields"])
        self.assertNotContains(self.get(), "あおぞら社会福祉協議会")
