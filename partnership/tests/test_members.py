import datetime

from django_scopes import scopes_disabled

from accounts.models import Role
from audit.models import AuditEntry
from partnership.models import MemberOrganisation, MemberTier, OrgType
from tsunagari.lib.testing import BaseTestCase, make_member


class MemberListTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with scopes_disabled():
            cls.core = MemberTier.objects.get(platform=cls.platform, can_recommend=True)
        cls.company = make_member(
            cls.platform, "株式会社みらい", name_kana="みらい", org_type=OrgType.COMPANY, tier=cls.core
        )
        cls.gone = make_member(
            cls.platform,
            "退会済みネット",
            name_kana="たいかいずみ",
            status=MemberOrganisation.Status.WITHDRAWN,
            left_on=datetime.date(2025, 3, 31),
            phone="011-222-3333",
        )

    def test_it_lists_all_statuses_for_the_secretariat(self) -> None:
        self.login(self.admin)
        response = self.client.get(self.url("partnership:members"))
        for name in ("NPO法人アルファ支援ネット", "株式会社みらい", "退会済みネット"):
            self.assertContains(response, name)
        self.assertNotContains(response, "NPO法人ベータ支援ネット")
        self.assertContains(response, self.url("partnership:members_csv"))

    def test_it_filters_by_status_tier_type_and_search(self) -> None:
        self.login(self.users[Role.SECRETARIAT_STAFF])
        response = self.client.get(self.url("partnership:members"), {"status": "withdrawn"})
        self.assertContains(response, "退会済みネット")
        self.assertNotContains(response, "株式会社みらい")
        response = self.client.get(self.url("partnership:members"), {"tier": str(self.core.uuid)})
        self.assertContains(response, "株式会社みらい")
        self.assertNotContains(response, "NPO法人アルファ支援ネット")
        response = self.client.get(self.url("partnership:members"), {"org_type": OrgType.NPO})
        self.assertContains(response, "NPO法人アルファ支援ネット")
        self.assertNotContains(response, "株式会社みらい")
        response = self.client.get(self.url("partnership:members"), {"q": "ｱﾙﾌｧ"})  # half-width kana
        self.assertContains(response, "NPO法人アルファ支援ネット")
        self.assertNotContains(response, "株式会社みらい")

    def test_it_refuses_another_platforms_tier_as_a_filter(self) -> None:
        with scopes_disabled():
            beta_tier = MemberTier.objects.filter(platform=self.other_platform).first()
        self.login(self.admin)
        response = self.client.get(self.url("partnership:members"), {"tier": str(beta_tier.uuid)})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors)
        self.assertContains(response, "株式会社みらい")

    def test_it_shows_the_shared_register_to_member_staff_without_withdrawn_members(self) -> None:
        self.login(self.users[Role.MEMBER_STAFF])
        response = self.client.get(self.url("partnership:members"))
        self.assertContains(response, "株式会社みらい")
        self.assertContains(response, "058-272-1111")  # contact details are shared between members
        self.assertNotContains(response, "退会済みネット")
        self.assertNotContains(response, self.url("partnership:member", self.company.uuid))
        self.assertNotContains(response, self.url("partnership:members_csv"))
        # a status filter in the URL does not open the withdrawn members
        response = self.client.get(self.url("partnership:members"), {"status": "withdrawn"})
        self.assertNotContains(response, "退会済みネット")

    def test_it_closes_the_list_to_staff_of_a_member_that_left(self) -> None:
        with scopes_disabled():
            MemberOrganisation.objects.filter(pk=self.member_org.pk).update(
                status=MemberOrganisation.Status.EXPELLED
            )
        self.login(self.users[Role.MEMBER_STAFF])
        self.assertEqual(self.client.get(self.url("partnership:members")).status_code, 403)

    def test_it_is_closed_to_counsellors_and_outsiders(self) -> None:
        self.login(self.users[Role.COUNSELLOR])
        self.assertEqual(self.client.get(self.url("partnership:members")).status_code, 403)
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url("partnership:members")).status_code, 404)


class MemberDetailTestCase(BaseTestCase):
    def test_it_shows_every_field_and_the_fiscal_year_of_joining(self) -> None:
        member = make_member(
            self.platform, "年度末入会団体", joined_on=datetime.date(2025, 3, 31), phone="052-999-0000"
        )
        self.login(self.users[Role.VIEWER])
        response = self.client.get(self.url("partnership:member", member.uuid))
        self.assertContains(response, "052-999-0000")
        self.assertContains(response, "令和6年度（2024年度）")
        self.assertContains(response, "2025-03-31")
        self.assertNotContains(response, "区分を変更する")  # viewers read only

    def test_it_uses_the_platforms_fiscal_year_start(self) -> None:
        self.platform.fiscal_year_start_month = 1
        self.platform.save()
        member = make_member(self.platform, "暦年団体", joined_on=datetime.date(2019, 3, 1))
        self.login(self.admin)
        response = self.client.get(self.url("partnership:member", member.uuid))
        self.assertContains(response, "令和元年度（2019年度）")

    def test_it_changes_the_tier_and_audits_it(self) -> None:
        with scopes_disabled():
            core = MemberTier.objects.get(platform=self.platform, can_recommend=True)
        self.login(self.users[Role.SECRETARIAT_STAFF])
        url = self.url("partnership:member", self.member_org.uuid)
        response = self.client.post(url, {"tier": str(core.uuid)})
        self.assertRedirects(response, url)
        with scopes_disabled():
            self.member_org.refresh_from_db()
        self.assertEqual(self.member_org.tier, core)
        entry = AuditEntry.objects.get(action="member.tier_changed")
        self.assertEqual(entry.data, {"from": "一般団体", "to": "幹事団体"})
        self.assertEqual(entry.platform, self.platform)

    def test_it_refuses_another_platforms_tier(self) -> None:
        with scopes_disabled():
            beta_tier = MemberTier.objects.filter(platform=self.other_platform).first()
            before = self.member_org.tier_id
        self.login(self.admin)
        url = self.url("partnership:member", self.member_org.uuid)
        response = self.client.post(url, {"tier": str(beta_tier.uuid)})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "会員区分")
        with scopes_disabled():
            self.member_org.refresh_from_db()
        self.assertEqual(self.member_org.tier_id, before)

    def test_it_refuses_a_tier_change_by_a_viewer(self) -> None:
        with scopes_disabled():
            core = MemberTier.objects.get(platform=self.platform, can_recommend=True)
        self.login(self.users[Role.VIEWER])
        response = self.client.post(
            self.url("partnership:member", self.member_org.uuid), {"tier": str(core.uuid)}
        )
        self.assertEqual(response.status_code, 403)

    def test_it_is_closed_to_member_staff_counsellors_outsiders_and_other_tenants(self) -> None:
        url = self.url("partnership:member", self.member_org.uuid)
        for kind in (Role.MEMBER_STAFF, Role.COUNSELLOR):
            self.login(self.users[kind])
            self.assertEqual(self.client.get(url).status_code, 403, kind)
        self.login(self.outsider)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.login(self.admin)
        other = self.url("partnership:member", self.other_member.uuid)
        self.assertEqual(self.client.get(other).status_code, 404)


class TiersTestCase(BaseTestCase):
    def tiers(self) -> list[MemberTier]:
        with scopes_disabled():
            return list(MemberTier.objects.filter(platform=self.platform).order_by("order", "id"))

    def post_data(self, rows: list[dict], extra: dict | None = None) -> dict:
        """The formset as the page posts it: existing rows plus the empty 'add' row."""
        existing = self.tiers()
        data = {
            "tiers-TOTAL_FORMS": str(len(existing) + 1),
            "tiers-INITIAL_FORMS": str(len(existing)),
            "tiers-MIN_NUM_FORMS": "0",
            "tiers-MAX_NUM_FORMS": "1000",
        }
        for i, (tier, row) in enumerate(zip(existing, rows, strict=True)):
            data[f"tiers-{i}-id"] = str(tier.pk)
            for key, value in row.items():
                if value is True:
                    data[f"tiers-{i}-{key}"] = "on"
                elif value is not False:
                    data[f"tiers-{i}-{key}"] = str(value)
        n = len(existing)
        data[f"tiers-{n}-order"] = "0"  # the browser posts the empty row's default
        for key, value in (extra or {}).items():
            if value is True:
                data[f"tiers-{n}-{key}"] = "on"
            elif value is not False:
                data[f"tiers-{n}-{key}"] = str(value)
        return data

    def test_it_renames_reorders_adds_and_sets_the_default(self) -> None:
        self.login(self.admin)
        data = self.post_data(
            [
                {"name": "コアパートナー", "order": 2, "can_recommend": True},
                {"name": "パートナー", "order": 1},
            ],
            extra={"name": "賛助団体", "order": 3, "is_default": True},
        )
        response = self.client.post(self.url("partnership:tiers"), data)
        self.assertRedirects(response, self.url("partnership:tiers"))
        tiers = self.tiers()
        self.assertEqual([t.name for t in tiers], ["パートナー", "コアパートナー", "賛助団体"])
        self.assertEqual([t.is_default for t in tiers], [False, False, True])
        self.assertTrue(tiers[1].can_recommend)
        actions = set(AuditEntry.objects.filter(action__startswith="tier.").values_list("action", flat=True))
        self.assertEqual(actions, {"tier.changed", "tier.created"})

    def test_it_refuses_to_delete_a_tier_in_use(self) -> None:
        self.login(self.admin)
        data = self.post_data(
            [
                {"name": "幹事団体", "order": 1, "can_recommend": True},
                {"name": "一般団体", "order": 2, "is_default": True, "DELETE": True},
            ]
        )
        response = self.client.post(self.url("partnership:tiers"), data)
        self.assertContains(response, "区分「一般団体」は1団体が使用中のため削除できません")
        self.assertEqual(len(self.tiers()), 2)

    def test_it_deletes_an_unused_tier(self) -> None:
        self.login(self.admin)
        data = self.post_data(
            [
                {"name": "幹事団体", "order": 1, "can_recommend": True, "DELETE": True},
                {"name": "一般団体", "order": 2, "is_default": True},
            ]
        )
        response = self.client.post(self.url("partnership:tiers"), data)
        self.assertRedirects(response, self.url("partnership:tiers"))
        self.assertEqual([t.name for t in self.tiers()], ["一般団体"])
        self.assertTrue(AuditEntry.objects.filter(action="tier.deleted").exists())

    def test_it_requires_exactly_one_default_and_unique_names(self) -> None:
        self.login(self.admin)
        data = self.post_data(
            [
                {"name": "幹事団体", "order": 1, "is_default": True},
                {"name": "一般団体", "order": 2, "is_default": True},
            ]
        )
        response = self.client.post(self.url("partnership:tiers"), data)
        self.assertContains(response, "新規会員の既定区分を1つだけ選んでください")
        data = self.post_data(
            [{"name": "幹事団体", "order": 1}, {"name": "一般団体", "order": 2, "is_default": True}],
            extra={"name": "幹事団体", "order": 3},
        )
        response = self.client.post(self.url("partnership:tiers"), data)
        self.assertContains(response, "区分名「幹事団体」が重複しています")
        self.assertEqual(len(self.tiers()), 2)

    def test_it_is_only_for_the_secretariat_admin(self) -> None:
        for kind in (Role.SECRETARIAT_STAFF, Role.VIEWER, Role.MEMBER_STAFF, Role.COUNSELLOR):
            self.login(self.users[kind])
            self.assertEqual(self.client.get(self.url("partnership:tiers")).status_code, 403, kind)
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url("partnership:tiers")).status_code, 404)
        self.login(self.admin)
        response = self.client.get(self.url("partnership:tiers"))
        self.assertContains(response, "1団体が使用中")
        self.assertContains(response, 'name="tiers-2-order" value="0"')
