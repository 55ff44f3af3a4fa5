"""Sign-in limits an attacker cannot aim at someone else (issue 16, finding 8).

Behind the TLS proxy every request arrives from the proxy's address; the lock per address uses
the real client's (X-Real-IP, believed from TRUSTED_PROXIES only), so five wrong passwords from
one client lock that client, not the colleague; and failures per account from any address
bring growing delays, so rotating addresses does not help either. The secretariat admin clears
both, and the audit log says who did."""

from __future__ import annotations

import datetime

import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import LoginDelay, Role
from audit.models import AuditEntry
from tsunagari.lib.testing import PASSWORD, BaseTestCase

PROXY = "127.0.0.1"


@override_settings(TRUSTED_PROXIES=[PROXY])
class LockoutTestCase(BaseTestCase):
    def post_login(self, email: str, password: str, client_address: str):  # type: ignore[no-untyped-def]
        self.client.logout()
        return self.client.post(
            reverse("accounts:login"),
            {"username": email, "password": password},
            REMOTE_ADDR=PROXY,
            HTTP_X_REAL_IP=client_address,
        )

    def signed_in(self, response) -> bool:  # type: ignore[no-untyped-def]
        return response.status_code == 302 and "_auth_user_id" in self.client.session

    def test_it_locks_the_attackers_address_only_behind_the_proxy(self) -> None:
        victim = self.users[Role.COUNSELLOR].email
        for _i in range(5):
            self.post_login(victim, "wrong password", "203.0.113.66")
        attacker = self.post_login(victim, PASSWORD, "203.0.113.66")
        self.assertEqual(attacker.status_code, 429)
        # The colleague, from their own address through the same proxy, signs in.
        self.assertTrue(self.signed_in(self.post_login(victim, PASSWORD, "198.51.100.7")))
        entry = AuditEntry.objects.filter(action=AuditEntry.LOGIN_FAILED).first()
        assert entry is not None
        self.assertEqual(entry.ip_address, "203.0.113.66")

    def test_it_does_not_believe_x_real_ip_from_a_client_that_is_no_proxy(self) -> None:
        victim = self.users[Role.VIEWER].email
        for index in range(5):
            self.client.post(
                reverse("accounts:login"),
                {"username": victim, "password": "wrong"},
                REMOTE_ADDR="203.0.113.9",
                HTTP_X_REAL_IP=f"192.0.2.{index}",
            )
        self.assertEqual(
            self.client.post(
                reverse("accounts:login"),
                {"username": victim, "password": PASSWORD},
                REMOTE_ADDR="203.0.113.9",
                HTTP_X_REAL_IP="192.0.2.200",
            ).status_code,
            429,
        )

    def test_it_delays_an_account_whatever_address_the_tries_come_from(self) -> None:
        victim = self.users[Role.SECRETARIAT_STAFF].email
        start = timezone.now()
        with time_machine.travel(start, tick=False) as clock:
            for index in range(LoginDelay.FREE_FAILURES):
                self.post_login(victim, f"guess {index}", f"192.0.2.{index + 1}")
            # The right password from yet another address is refused during the delay, in Japanese.
            refused = self.post_login(victim, PASSWORD, "192.0.2.250")
            self.assertFalse(self.signed_in(refused))
            self.assertContains(refused, "秒ほど待ってから")
            # A try during the wait does not count (nor make it longer).
            self.assertEqual(LoginDelay.objects.get(username=victim).failures, LoginDelay.FREE_FAILURES)
            clock.shift(datetime.timedelta(seconds=31))
            self.assertTrue(self.signed_in(self.post_login(victim, PASSWORD, "192.0.2.250")))
            # Signing in clears the count.
            self.assertFalse(LoginDelay.objects.filter(username=victim).exists())

    def test_it_grows_the_delay_and_caps_it(self) -> None:
        delay = LoginDelay(username="x@example.jp", failures=LoginDelay.FREE_FAILURES - 1)
        self.assertEqual(delay.delay(), datetime.timedelta(0))
        waits = []
        for extra in range(8):
            delay.failures = LoginDelay.FREE_FAILURES + extra
            waits.append(delay.delay().total_seconds())
        self.assertEqual(waits[:4], [30, 60, 120, 240])
        self.assertEqual(waits[-1], LoginDelay.MAX_DELAY.total_seconds())
        self.assertEqual(sorted(waits), waits)

    def test_it_treats_an_address_without_an_account_the_same(self) -> None:
        for index in range(LoginDelay.FREE_FAILURES):
            self.post_login("nobody@example.jp", "x", f"192.0.2.{index + 1}")
        refused = self.post_login("nobody@example.jp", "x", "192.0.2.250")
        self.assertContains(refused, "秒ほど待ってから")

    def test_it_lets_the_secretariat_admin_unlock_a_colleague_and_audits_it(self) -> None:
        victim_user = self.users[Role.COUNSELLOR]
        victim = victim_user.email
        for index in range(LoginDelay.FREE_FAILURES):
            self.post_login(victim, "wrong", "203.0.113.66" if index < 5 else f"192.0.2.{index}")
        role = Role.objects.get(user=victim_user, platform=self.platform)
        admin = self.login(self.admin)
        page = admin.get(self.url("accounts:staff_role", role.uuid))
        self.assertContains(page, "制限中です")
        response = admin.post(self.url("accounts:staff_role", role.uuid), {"unlock": "1"})
        self.assertRedirects(response, self.url("accounts:staff_role", role.uuid))
        entry = AuditEntry.objects.get(action=AuditEntry.ACCOUNT_UNLOCKED)
        self.assertEqual((entry.platform, entry.actor), (self.platform, self.admin))
        self.assertEqual(entry.data["failures"], LoginDelay.FREE_FAILURES)
        self.assertTrue(self.signed_in(self.post_login(victim, PASSWORD, "203.0.113.66")))

    def test_it_does_not_let_other_roles_unlock(self) -> None:
        role = Role.objects.get(user=self.users[Role.VIEWER], platform=self.platform)
        client = self.login(self.users[Role.SECRETARIAT_STAFF])
        self.assertEqual(
            client.post(self.url("accounts:staff_role", role.uuid), {"unlock": "1"}).status_code, 403
        )
        self.assertFalse(AuditEntry.objects.filter(action=AuditEntry.ACCOUNT_UNLOCKED).exists())
