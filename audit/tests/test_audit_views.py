import csv
import io

from accounts.models import Role
from audit.models import AuditEntry
from audit.services import log_action
from tsunagari.lib.testing import BaseTestCase


class AuditViewsTestCase(BaseTestCase):
    def setUp(self) -> None:
        log_action("member.updated", actor=self.admin, platform=self.platform, label="x")
        log_action("member.updated", actor=self.outsider, platform=self.other_platform, label="secret-beta")

    def test_it_lists_this_platforms_entries_only(self) -> None:
        self.login(self.admin)
        response = self.client.get(self.url("audit:list"))
        self.assertContains(response, "member.updated")
        self.assertNotContains(response, "admin@beta.example.jp")

    def test_it_includes_logins_of_this_platforms_staff(self) -> None:
        self.client.post("/accounts/login/", {"username": "viewer@alpha.example.jp", "password": "wrong"})
        self.login(self.admin)
        response = self.client.get(self.url("audit:list"), {"action": AuditEntry.LOGIN_FAILED})
        self.assertContains(response, "viewer@alpha.example.jp")

    def test_it_exports_csv_and_logs_the_export(self) -> None:
        self.login(self.admin)
        response = self.client.get(self.url("audit:export"))
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        self.assertEqual(rows[0][0], "日時")
        self.assertIn("member.updated", [r[2] for r in rows[1:]])
        self.assertNotIn("secret-beta", text)
        self.assertTrue(AuditEntry.objects.filter(action=AuditEntry.EXPORT, platform=self.platform).exists())

    def test_it_validates_the_date_range(self) -> None:
        self.login(self.admin)
        response = self.client.get(
            self.url("audit:list"), {"date_from": "2026-02-01", "date_to": "2026-01-01"}
        )
        self.assertContains(response, "終了日は開始日以降")

    def test_it_is_closed_to_non_secretariat_roles(self) -> None:
        for kind in (Role.COUNSELLOR, Role.MEMBER_STAFF, Role.VIEWER):
            self.login(self.users[kind])
            self.assertEqual(self.client.get(self.url("audit:list")).status_code, 403)
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url("audit:list")).status_code, 404)
