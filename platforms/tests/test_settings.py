from accounts.models import Role
from audit.models import AuditEntry
from tsunagari.lib.testing import BaseTestCase


class SettingsViewTestCase(BaseTestCase):
    def data(self, **overrides):  # type: ignore[no-untyped-def]
        data = {
            "name": "アルファ県PF",
            "secretariat_name": "地域福祉課",
            "contact_email": "pf@example.jp",
            "contact_phone": "058-272-1111",
            "bylaws_url": "",
            "requires_recommendation": "on",
            "rejoin_ban_years": "3",
            "fiscal_year_start_month": "4",
        }
        data.update(overrides)
        return data

    def test_it_saves_membership_rules_and_audits(self) -> None:
        self.login(self.admin)
        response = self.client.post(self.url("platforms:settings"), self.data(rejoin_ban_years="5"))
        self.assertRedirects(response, self.url("platforms:settings"))
        self.platform.refresh_from_db()
        self.assertEqual(self.platform.rejoin_ban_years, 5)
        self.assertTrue(self.platform.requires_recommendation)
        entry = AuditEntry.objects.get(action="platform.rules_changed")
        self.assertIn("rejoin_ban_years", entry.data["changed"])

    def test_it_rejects_a_bad_fiscal_month(self) -> None:
        self.login(self.admin)
        response = self.client.post(self.url("platforms:settings"), self.data(fiscal_year_start_month="13"))
        self.assertContains(response, "年度開始月")
        self.platform.refresh_from_db()
        self.assertEqual(self.platform.fiscal_year_start_month, 4)

    def test_it_is_for_the_secretariat_admin(self) -> None:
        self.login(self.users[Role.SECRETARIAT_STAFF])
        self.assertEqual(self.client.get(self.url("platforms:settings")).status_code, 403)
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url("platforms:settings")).status_code, 404)
