from django_scopes import scopes_disabled

from accounts.models import Invitation, Role, User
from audit.models import AuditEntry
from tsunagari.lib.smtp import body_of, smtp_server
from tsunagari.lib.testing import BaseTestCase


class StaffUsersTestCase(BaseTestCase):
    def test_it_lists_this_platforms_staff_only(self) -> None:
        self.login(self.admin)
        response = self.client.get(self.url("accounts:staff_users"))
        self.assertContains(response, "viewer@alpha.example.jp")
        self.assertNotContains(response, "admin@beta.example.jp")

    def test_it_invites_a_new_person_by_mail_without_creating_an_account_or_role(self) -> None:
        self.login(self.admin)
        with smtp_server() as inbox, self.mail_sent():
            response = self.client.post(
                self.url("accounts:staff_users"),
                {"email": "New.Person@Example.jp", "name": "新 太郎", "kind": Role.COUNSELLOR},
            )
        self.assertRedirects(response, self.url("accounts:staff_users"))
        self.assertFalse(User.objects.filter(email="new.person@example.jp").exists())
        with scopes_disabled():
            invitation = Invitation.objects.get(email="new.person@example.jp")
        self.assertEqual((invitation.platform, invitation.kind), (self.platform, Role.COUNSELLOR))
        self.assertEqual(len(inbox), 1)
        self.assertIn("/accounts/invitation/", body_of(inbox[0]))
        entry = AuditEntry.objects.get(action=AuditEntry.ROLE_INVITED)
        self.assertEqual(entry.platform, self.platform)
        self.assertEqual(entry.data, {"email": "new.person@example.jp", "kind": Role.COUNSELLOR})

    def test_it_requires_an_organisation_for_member_staff(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            self.url("accounts:staff_users"),
            {"email": "m@example.jp", "name": "m", "kind": Role.MEMBER_STAFF},
        )
        self.assertContains(response, "所属団体を選んでください")
        self.assertFalse(User.objects.filter(email="m@example.jp").exists())

    def test_it_refuses_another_platforms_organisation(self) -> None:
        self.login(self.admin)
        with scopes_disabled():
            other_pk = self.other_member.pk
        response = self.client.post(
            self.url("accounts:staff_users"),
            {"email": "m@example.jp", "name": "m", "kind": Role.MEMBER_STAFF, "organisation": other_pk},
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(User.objects.filter(email="m@example.jp").exists())

    def test_it_refuses_a_second_role_on_the_same_platform(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            self.url("accounts:staff_users"),
            {"email": "viewer@alpha.example.jp", "name": "v", "kind": Role.COUNSELLOR},
        )
        self.assertContains(response, "既にこのプラットフォームの役割があります")

    def test_it_changes_a_role_and_audits_before_and_after(self) -> None:
        self.login(self.admin)
        role = Role.objects.get(user=self.users[Role.VIEWER])
        response = self.client.post(
            self.url("accounts:staff_role", role.uuid), {"kind": Role.SECRETARIAT_STAFF}
        )
        self.assertRedirects(response, self.url("accounts:staff_users"))
        role.refresh_from_db()
        self.assertEqual(role.kind, Role.SECRETARIAT_STAFF)
        entry = AuditEntry.objects.get(action=AuditEntry.ROLE_CHANGED)
        self.assertEqual(
            entry.data, {"email": "viewer@alpha.example.jp", "from": "viewer", "to": "secretariat_staff"}
        )

    def test_it_keeps_the_last_secretariat_admin(self) -> None:
        self.login(self.admin)
        role = Role.objects.get(user=self.admin)
        self.client.post(self.url("accounts:staff_role", role.uuid), {"revoke": "1", "kind": role.kind})
        self.assertTrue(Role.objects.filter(pk=role.pk).exists())
        self.client.post(self.url("accounts:staff_role", role.uuid), {"kind": Role.VIEWER})
        role.refresh_from_db()
        self.assertEqual(role.kind, Role.SECRETARIAT_ADMIN)

    def test_it_revokes_a_role(self) -> None:
        self.login(self.admin)
        role = Role.objects.get(user=self.users[Role.VIEWER])
        self.client.post(self.url("accounts:staff_role", role.uuid), {"revoke": "1", "kind": role.kind})
        self.assertFalse(Role.objects.filter(pk=role.pk).exists())
        self.assertTrue(AuditEntry.objects.filter(action=AuditEntry.ROLE_REVOKED).exists())

    def test_it_gives_404_for_another_platforms_role(self) -> None:
        self.login(self.admin)
        other = Role.objects.get(user=self.outsider)
        self.assertEqual(self.client.get(self.url("accounts:staff_role", other.uuid)).status_code, 404)

    def test_it_is_for_the_secretariat_admin_only(self) -> None:
        for kind in (Role.SECRETARIAT_STAFF, Role.COUNSELLOR, Role.MEMBER_STAFF, Role.VIEWER):
            self.login(self.users[kind])
            self.assertEqual(self.client.get(self.url("accounts:staff_users")).status_code, 403, kind)
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url("accounts:staff_users")).status_code, 404)
