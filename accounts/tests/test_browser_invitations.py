"""Pages of issue 16 in Chromium at 1280 and 390 px: the staff page with its pending invitations,
the invitation a new person opens, the role page with a sign-in limit to clear, and the 429 page."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Invitation, LoginDelay, Role
from accounts.queries import invitation_url
from tsunagari.lib.browser import BrowserTestCase

OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.mark.browser
class SecurityPagesBrowserTestCase(BrowserTestCase):
    def invitation(self) -> Invitation:
        with scopes_disabled():
            return self._invitation()

    def _invitation(self) -> Invitation:
        return Invitation.objects.create(
            platform=self.platform,
            email="hanako@example.jp",
            name="招待 花子",
            kind=Role.COUNSELLOR,
            invited_by=self.admin,
            expires_at=timezone.now() + datetime.timedelta(days=Invitation.DAYS),
        )

    def test_it_shows_the_invitations_and_the_lock_on_desktop_and_phone(self) -> None:
        invitation = self.invitation()
        role = Role.objects.get(user=self.users[Role.VIEWER], platform=self.platform)
        LoginDelay.objects.create(
            username=self.users[Role.VIEWER].email, failures=12, last_failure_at=timezone.now()
        )
        for viewport in ("desktop", "mobile"):
            page = self.new_page(viewport, user=self.admin)
            page.goto(self.live_url("accounts:staff_users", "alpha"))
            self.assertIn("承諾待ちの招待", page.locator("main").inner_text())
            self.assertIn(invitation.email, page.locator("main").inner_text())
            self.assertLessEqual(page.evaluate(OVERFLOW), 0, viewport)
            self.screenshot(page, f"security-staff-users-{viewport}")
            page.goto(self.live_url("accounts:staff_role", "alpha", role.uuid))
            self.assertIn("制限中です", page.locator("main").inner_text())
            self.assertLessEqual(page.evaluate(OVERFLOW), 0, viewport)
            self.screenshot(page, f"security-staff-role-lock-{viewport}")
        # The admin clears it.
        page.get_by_role("button", name="ログイン制限を解除する").click()
        self.assertIn("ログイン制限を解除しました", page.locator("main").inner_text())
        self.assertFalse(LoginDelay.objects.filter(username=self.users[Role.VIEWER].email).exists())

    def test_it_lets_a_new_person_accept_on_a_phone(self) -> None:
        invitation = self.invitation()
        url = invitation_url(invitation).split("/accounts/", 1)[1]
        page = self.new_page("mobile")
        page.goto(self.live_url("/accounts/" + url))
        self.assertIn("相談員", page.locator("main").inner_text())
        self.assertLessEqual(page.evaluate(OVERFLOW), 0)
        self.screenshot(page, "security-invitation-mobile")
        page.locator("#id_password1").fill("みどりの窓口-2026-春")
        page.locator("#id_password2").fill("みどりの窓口-2026-春")
        page.get_by_role("button", name="承諾してアカウントを作る").click()
        # On to the authenticator's enrolment (a QR code).
        self.assertIn("/accounts/otp/setup/", page.url)
        self.screenshot(page, "security-invitation-then-otp-setup-mobile")
        desktop = self.new_page("desktop")
        desktop.goto(self.live_url("/accounts/" + url))
        self.assertIn("この招待は使えません", desktop.locator("main").inner_text())
        self.screenshot(desktop, "security-invitation-used-desktop")

    @override_settings(PUBLIC_RATE_LIMITS={"search": (1, 60)})
    def test_it_shows_the_japanese_429_page_with_lines_to_call(self) -> None:
        for viewport in ("desktop", "mobile"):
            page = self.new_page(viewport)
            # One search a minute, counted in fixed minutes: a minute may begin between two
            # requests (the final run failed once that way: 200 twice), never twice within three.
            statuses = []
            for _attempt in range(3):
                response = page.goto(self.live_url("directory:search", "alpha"))
                assert response is not None
                statuses.append(response.status)
                if response.status == 429:
                    break
            self.assertEqual(statuses[-1], 429, statuses)
            self.assertIn("分ほどたってから", page.locator("main").inner_text())
            self.assertLessEqual(page.evaluate(OVERFLOW), 0, viewport)
            self.screenshot(page, f"security-429-{viewport}")
