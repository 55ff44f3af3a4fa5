"""The operator's admin site (issue 16, finding 1): a password alone does not open it, the
second factor does; roles granted there and every change there are in the audit log of the
platform they touch; operators never type a password for someone."""

from __future__ import annotations

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from accounts.tests.test_login import current_code
from audit.models import AuditEntry
from tsunagari.lib.smtp import body_of, smtp_server
from tsunagari.lib.testing import BaseTestCase

OPERATOR_PASSWORD = "operator-password-1"


class OperatorAdminTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.operator = User.objects.create_superuser("operator@example.jp", OPERATOR_PASSWORD)

    def test_it_sends_anonymous_visitors_to_the_products_sign_in(self) -> None:
        response = self.client.get("/admin/")
        self.assertEqual(response.status_code, 302)
        login = self.client.get(response["Location"])
        self.assertTrue(login["Location"].startswith(reverse("accounts:login")), login["Location"])

    def test_it_does_not_open_with_a_password_only(self) -> None:
        response = self.client.post(
            reverse("accounts:login"),
            {"username": self.operator.email, "password": OPERATOR_PASSWORD, "next": "/admin/"},
        )
        self.assertTrue(response["Location"].startswith(reverse("accounts:otp_setup")))
        for path in ("/admin/", "/admin/accounts/user/", "/admin/platforms/platform/"):
            response = self.client.get(path)
            self.assertEqual(response.status_code, 302, path)
            self.assertNotEqual(self.client.get(path).status_code, 200, path)
        self.assertTrue(
            self.client.get("/admin/login/?next=/admin/")["Location"].startswith(reverse("accounts:otp"))
        )

    def test_it_opens_after_the_authenticator(self) -> None:
        device = TOTPDevice.objects.create(user=self.operator, name="app", confirmed=True)
        self.client.post(
            reverse("accounts:login"),
            {"username": self.operator.email, "password": OPERATOR_PASSWORD, "next": "/admin/"},
        )
        response = self.client.post(
            reverse("accounts:otp") + "?next=/admin/", {"token": current_code(device)}
        )
        self.assertRedirects(response, "/admin/")
        self.assertEqual(self.client.get("/admin/accounts/user/").status_code, 200)

    def test_it_refuses_a_verified_account_that_is_no_operator(self) -> None:
        self.login(self.admin)  # a secretariat admin with a verified second factor
        self.assertEqual(self.client.get("/admin/login/?next=/admin/").status_code, 403)
        self.assertNotEqual(self.client.get("/admin/").status_code, 200)

    def user_form(self, user: User, roles: list[dict[str, str]], **fields: str) -> dict[str, str]:
        existing = list(user.roles.all())
        data = {
            "email": user.email,
            "name": user.name,
            "is_active": "on",
            "roles-TOTAL_FORMS": str(len(roles)),
            "roles-INITIAL_FORMS": str(len(existing)),
            "roles-MIN_NUM_FORMS": "0",
            "roles-MAX_NUM_FORMS": "1000",
        }
        data.update(fields)
        for index, role in enumerate(roles):
            for key, value in role.items():
                data[f"roles-{index}-{key}"] = value
            data[f"roles-{index}-user"] = str(user.pk)
        return data

    def test_it_writes_a_role_granted_on_the_admin_site_to_that_platforms_audit_log(self) -> None:
        self.login(self.operator)
        someone = User.objects.create_user("someone@example.jp", None, name="誰か")
        response = self.client.post(
            f"/admin/accounts/user/{someone.pk}/change/",
            self.user_form(someone, [{"platform": str(self.platform.pk), "kind": Role.SECRETARIAT_ADMIN}]),
        )
        self.assertEqual(
            response.status_code, 302, getattr(response, "context", None) and response.context.get("errors")
        )
        role = Role.objects.get(user=someone)
        entry = AuditEntry.objects.get(action=AuditEntry.ROLE_GRANTED, platform=self.platform)
        self.assertEqual(entry.actor, self.operator)
        self.assertEqual(
            entry.data, {"email": "someone@example.jp", "kind": Role.SECRETARIAT_ADMIN, "via": "admin"}
        )
        self.assertEqual(entry.object_id, str(role.uuid))
        # And the secretariat sees it on its own audit page.
        self.login(self.admin)
        page = self.client.get("/p/alpha/staff/audit/")
        self.assertContains(page, "役割の付与")
        self.assertContains(page, "operator@example.jp")
        # Removing it is written there too.
        self.login(self.operator)
        data = self.user_form(
            someone,
            [{"id": str(role.pk), "platform": str(self.platform.pk), "kind": role.kind, "DELETE": "on"}],
        )
        self.client.post(f"/admin/accounts/user/{someone.pk}/change/", data)
        self.assertTrue(
            AuditEntry.objects.filter(action=AuditEntry.ROLE_REVOKED, platform=self.platform).exists()
        )

    def test_it_writes_making_someone_an_operator_to_every_platform_they_work_on(self) -> None:
        self.login(self.operator)
        viewer = self.users[Role.VIEWER]
        role = viewer.roles.get()
        data = self.user_form(
            viewer,
            [{"id": str(role.pk), "platform": str(self.platform.pk), "kind": role.kind}],
            is_staff="on",
        )
        self.assertEqual(self.client.post(f"/admin/accounts/user/{viewer.pk}/change/", data).status_code, 302)
        entries = AuditEntry.objects.filter(action=AuditEntry.OPERATOR_CHANGED)
        self.assertEqual({e.platform for e in entries}, {None, self.platform})
        self.assertTrue(all(e.data["is_staff"] is True for e in entries))

    def test_it_writes_any_change_of_a_platforms_object_to_that_platforms_log(self) -> None:
        self.login(self.operator)
        # Making a platform private on the admin site: in that platform's log, fields named only.
        url = f"/admin/platforms/platform/{self.platform.pk}/change/"
        form = self.client.get(url).context["adminform"].form
        data = {
            name: value for name, value in form.initial.items() if value is not None and name in form.fields
        }
        data.pop("is_public", None)
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        entry = AuditEntry.objects.get(action=AuditEntry.ADMIN_CHANGED, platform=self.platform)
        self.assertEqual(entry.actor, self.operator)
        self.assertEqual(entry.data["model"], "platforms.platform")
        self.assertIn(str(form.fields["is_public"].label), entry.data["change"])
        self.assertNotIn("beta", str(entry.data))
        self.assertFalse(
            AuditEntry.objects.filter(action=AuditEntry.ADMIN_CHANGED, platform=self.other_platform).exists()
        )

    def test_it_creates_an_account_without_a_typed_password_and_mails_a_link(self) -> None:
        self.login(self.operator)
        page = self.client.get("/admin/accounts/user/add/")
        self.assertNotContains(page, 'name="password1"')
        with smtp_server() as inbox, self.mail_sent():
            response = self.client.post(
                "/admin/accounts/user/add/",
                {
                    "email": "New@Example.jp",
                    "name": "新人",
                    "roles-TOTAL_FORMS": "0",
                    "roles-INITIAL_FORMS": "0",
                    "roles-MIN_NUM_FORMS": "0",
                    "roles-MAX_NUM_FORMS": "1000",
                },
            )
        errors = response.context["adminform"].form.errors if response.status_code == 200 else None
        self.assertEqual(response.status_code, 302, errors)
        user = User.objects.get(email="new@example.jp")
        self.assertFalse(user.has_usable_password())
        self.assertIn("/accounts/password/reset/", body_of(inbox[0]))
        self.assertEqual(self.client.get(f"/admin/accounts/user/{user.pk}/password/").status_code, 302)
        self.assertFalse(user.has_usable_password())
        self.assertTrue(
            AuditEntry.objects.filter(action=AuditEntry.ADMIN_ADDED, data__object_id=str(user.pk)).exists()
        )
