from django_scopes import scopes_disabled

from accounts.models import Role
from partnership.models import Application, OrgType
from platforms.services.creation import do_create_platform
from tsunagari.lib.testing import BaseTestCase, make_member


class RollupTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with scopes_disabled():
            cls.ogaki = do_create_platform(slug="ogaki", code="212024", name="大垣市PF")
            cls.elsewhere = do_create_platform(slug="kamakura", code="142042", name="鎌倉市PF")
            make_member(cls.ogaki, "大垣市", org_type=OrgType.MUNICIPALITY)
            make_member(cls.ogaki, "NPO法人おおがき", phone="0584-00-0000")
            make_member(cls.elsewhere, "NPO法人かまくら")

    def test_it_shows_counts_of_municipal_platforms_in_the_prefecture(self) -> None:
        self.login(self.users[Role.VIEWER])
        response = self.client.get(self.url("partnership:rollup"))
        self.assertContains(response, "大垣市PF")
        self.assertContains(response, "ベータ市PF")  # 212016 is in Gifu too
        self.assertNotContains(response, "鎌倉市PF")
        rows = {r.platform.slug: r for r in response.context["rows"]}
        self.assertEqual(rows["ogaki"].members, 2)
        self.assertEqual(rows["ogaki"].by_type, {"市町村": 1, "NPO・市民活動団体": 1})

    def test_it_never_shows_member_details(self) -> None:
        self.login(self.admin)
        response = self.client.get(self.url("partnership:rollup"))
        self.assertNotContains(response, "NPO法人おおがき")
        self.assertNotContains(response, "0584-00-0000")

    def test_it_counts_pending_applications(self) -> None:
        with scopes_disabled():
            Application.objects.create(
                platform=self.ogaki,
                name="申込団体",
                name_kana="もうしこみ",
                org_type=OrgType.NPO,
                representative="a",
                postal_code="5030000",
                address="a",
                phone="0584000000",
                email="a@example.jp",
                contact_person="a",
                area="a",
                description="a",
            )
        self.login(self.admin)
        rows = {r.platform.slug: r for r in self.client.get(self.url("partnership:rollup")).context["rows"]}
        self.assertEqual(rows["ogaki"].pending_applications, 1)

    def test_it_is_not_available_to_municipal_platforms(self) -> None:
        self.login(self.outsider)  # admin of beta, a municipal platform
        self.assertEqual(
            self.client.get(self.url("partnership:rollup", platform=self.other_platform)).status_code, 404
        )

    def test_it_is_closed_to_counsellors_and_member_staff(self) -> None:
        for kind in (Role.COUNSELLOR, Role.MEMBER_STAFF):
            self.login(self.users[kind])
            self.assertEqual(self.client.get(self.url("partnership:rollup")).status_code, 403)
