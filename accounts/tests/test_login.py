from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from audit.models import AuditEntry
from tsunagari.lib.testing import PASSWORD, BaseTestCase


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


class LoginTestCase(BaseTestCase):
    def post_login(self, email: str, password: str = PASSWORD, next_url: str = ""):  # type: ignore[no-untyped-def]
        return self.client.post(
            reverse("accounts:login"), {"username": email, "password": password, "next": next_url}
        )

    def test_it_asks_member_staff_and_viewers_for_the_second_factor_too(self) -> None:
        # They read consultation transcripts shared under consent (issue 16, finding 3).
        for kind in (Role.MEMBER_STAFF, Role.VIEWER):
            self.client.logout()
            response = self.post_login(f"{kind}@alpha.example.jp", next_url="/p/alpha/staff/")
            self.assertTrue(response["Location"].startswith(reverse("accounts:otp_setup")), kind)
            staff = self.client.get("/p/alpha/staff/")
            self.assertTrue(staff["Location"].startswith(reverse("accounts:otp")), kind)

    def test_it_is_case_insensitive_on_email(self) -> None:
        response = self.post_login("Member_Staff@ALPHA.example.jp")
        self.assertEqual(response.status_code, 302)

    def test_it_sends_secretariat_to_enrol_totp_first(self) -> None:
        response = self.post_login("secretariat_admin@alpha.example.jp", next_url="/p/alpha/staff/")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:otp_setup")))
        # Without the second factor the staff pages stay closed.
        response = self.client.get("/p/alpha/staff/")
        self.assertTrue(response["Location"].startswith(reverse("accounts:otp")))

    def test_it_enrols_totp_and_gives_backup_codes(self) -> None:
        self.post_login("counsellor@alpha.example.jp")
        page = self.client.get(reverse("accounts:otp_setup"))
        self.assertContains(page, "data:image/svg+xml;base64,")
        device = TOTPDevice.objects.get(user=self.users[Role.COUNSELLOR], confirmed=False)
        response = self.client.post(
            reverse("accounts:otp_setup") + "?next=/p/alpha/staff/", {"token": current_code(device)}
        )
        self.assertContains(response, "バックアップコード")
        device.refresh_from_db()
        self.assertTrue(device.confirmed)
        self.assertEqual(self.client.get("/p/alpha/staff/").status_code, 200)
        self.assertTrue(AuditEntry.objects.filter(action=AuditEntry.OTP_ENROLLED, actor=device.user).exists())

    def test_it_rejects_a_wrong_totp_code_and_audits_it(self) -> None:
        user = self.users[Role.SECRETARIAT_STAFF]
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        self.post_login(user.email)
        wrong = f"{(int(current_code(device)) + 1) % 1000000:06d}"
        response = self.client.post(reverse("accounts:otp"), {"token": wrong})
        self.assertContains(response, "確認コードが正しくない")
        self.assertTrue(AuditEntry.objects.filter(action=AuditEntry.OTP_FAILED, actor=user).exists())
        self.assertEqual(self.client.get("/p/alpha/staff/").status_code, 302)

    def test_it_accepts_the_right_totp_code(self) -> None:
        user = self.users[Role.SECRETARIAT_STAFF]
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        self.post_login(user.email)
        response = self.client.post(
            reverse("accounts:otp") + "?next=/p/alpha/staff/", {"token": current_code(device)}
        )
        self.assertRedirects(response, "/p/alpha/staff/")

    def test_it_does_not_follow_an_offsite_next(self) -> None:
        response = self.post_login("viewer@alpha.example.jp", next_url="https://evil.example.com/")
        self.assertNotIn("evil", response["Location"])

    def test_it_audits_login_and_failure(self) -> None:
        self.post_login("viewer@alpha.example.jp", password="wrong password")
        self.post_login("viewer@alpha.example.jp")
        actions = list(
            AuditEntry.objects.filter(actor=self.users[Role.VIEWER]).values_list("action", flat=True)
        )
        self.assertIn(AuditEntry.LOGIN_FAILED, actions)
        self.assertIn(AuditEntry.LOGIN, actions)

    def test_it_shows_a_japanese_error_for_bad_credentials(self) -> None:
        response = self.post_login("viewer@alpha.example.jp", password="nope")
        self.assertContains(response, "メールアドレスまたはパスワードが正しくありません")

    @override_settings(AXES_FAILURE_LIMIT=3)
    def test_it_locks_out_after_repeated_failures(self) -> None:
        for _i in range(3):
            self.post_login("viewer@alpha.example.jp", password="wrong password")
        response = self.post_login("viewer@alpha.example.jp")  # right password, but locked
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "ログインを一時停止", status_code=429)
        self.assertTrue(AuditEntry.objects.filter(action=AuditEntry.LOCKED_OUT).exists())

    def test_it_logs_out_only_by_post(self) -> None:
        self.login(self.users[Role.VIEWER])
        self.assertEqual(self.client.get(reverse("accounts:logout")).status_code, 405)
        self.client.post(reverse("accounts:logout"))
        self.assertEqual(self.client.get("/p/alpha/staff/").status_code, 302)

    def test_it_stores_passwords_with_argon2(self) -> None:
        self.assertTrue(self.users[Role.VIEWER].password.startswith("argon2"))


class PasswordResetTestCase(BaseTestCase):
    def test_it_mails_a_link_even_to_invited_staff_without_a_password(self) -> None:
        from accounts.models import User
        from tsunagari.lib.smtp import body_of, smtp_server

        User.objects.create_user("invited@example.jp", None)
        with smtp_server() as inbox:
            with self.mail_sent():
                response = self.client.post(
                    reverse("accounts:password_reset"), {"email": "Invited@example.jp"}
                )
        self.assertRedirects(response, reverse("accounts:password_reset_done"))
        self.assertEqual(len(inbox), 1)
        self.assertIn("/accounts/password/reset/", body_of(inbox[0]))

    def test_it_does_not_reveal_unknown_addresses(self) -> None:
        from tsunagari.lib.smtp import smtp_server

        with smtp_server() as inbox:
            with self.mail_sent():
                response = self.client.post(
                    reverse("accounts:password_reset"), {"email": "nobody@example.jp"}
                )
        self.assertRedirects(response, reverse("accounts:password_reset_done"))
        self.assertEqual(inbox, [])


class PasswordResetRateLimitTestCase(BaseTestCase):
    """Issue 16: 20 reset mails in 0.6 s; now per client and per address, 429 with Retry-After."""

    def test_it_answers_429_in_japanese_after_five_requests_from_one_client(self) -> None:
        url = reverse("accounts:password_reset")
        for n in range(5):
            response = self.client.post(url, {"email": f"nobody{n}@example.jp"})
            self.assertRedirects(response, reverse("accounts:password_reset_done"))
        response = self.client.post(url, {"email": "nobody9@example.jp"})
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "しばらくしてからお試しください", status_code=429)
        self.assertContains(response, "分ほどたってから", status_code=429)
        self.assertTrue(1 <= int(response["Retry-After"]) <= 3600)
        # Another client is not affected.
        other = self.client_class(REMOTE_ADDR="192.0.2.7")
        self.assertEqual(other.post(url, {"email": "nobody9@example.jp"}).status_code, 302)

    def test_it_mails_one_address_at_most_three_times_an_hour_from_any_client(self) -> None:
        from tsunagari.lib.smtp import smtp_server

        url = reverse("accounts:password_reset")
        address = self.users[Role.VIEWER].email
        statuses = []
        with smtp_server() as inbox:
            with self.mail_sent():
                for n in range(4):
                    client = self.client_class(REMOTE_ADDR=f"192.0.2.{n + 1}")
                    statuses.append(client.post(url, {"email": address.upper()}).status_code)
        self.assertEqual(statuses, [302, 302, 302, 429])
        self.assertEqual(len(inbox), 3)
