from django_scopes import scopes_disabled

from accounts.models import User
from audit.models import AuditEntry
from partnership.models import MemberTier
from platforms.models import Platform
from tsunagari.lib.testing import BaseTestCase


class PlatformAdminTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.operator = User.objects.create_superuser("operator@example.jp", "operator-password-1")
        self.login(self.operator)  # the admin site asks for the second factor (issue 16)

    def add(self, **data):  # type: ignore[no-untyped-def]
        form = {
            "slug": "ise",
            "code": "242039",
            "name": "伊勢市PF",
            "owner_name": "伊勢市",
            "is_public": "on",
            "rejoin_ban_years": "3",
            "fiscal_year_start_month": "4",
        }
        form.update(data)
        return self.client.post("/admin/platforms/platform/add/", form)

    def test_it_creates_a_platform_with_tiers_in_the_admin(self) -> None:
        response = self.add()
        self.assertEqual(response.status_code, 302)
        platform = Platform.objects.get(slug="ise")
        with scopes_disabled():
            self.assertEqual(MemberTier.objects.filter(platform=platform).count(), 2)
        self.assertTrue(AuditEntry.objects.filter(action="platform.created", platform=platform).exists())

    def test_it_refuses_a_bad_check_digit_in_the_admin(self) -> None:
        response = self.add(code="242030")
        self.assertContains(response, "検査数字が正しくありません")
        self.assertFalse(Platform.objects.filter(slug="ise").exists())

    def test_it_lists_members_across_platforms_for_the_operator(self) -> None:
        self.assertEqual(self.client.get("/admin/platforms/platform/").status_code, 200)
        self.assertEqual(self.client.get("/admin/audit/auditentry/").status_code, 200)
