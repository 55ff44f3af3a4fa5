"""Staff pages in a real browser: each role's home on a phone and a desktop, the phone menu, and
every staff URL at 390 px no wider than the screen (wide tables scroll inside their own box)."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import Error as PlaywrightError

from accounts.models import Role
from platforms.tests.test_url_matrix import objects_for, staff_patterns
from tsunagari.lib import mail
from tsunagari.lib.browser import BrowserTestCase
from tsunagari.lib.outbox.models import OutboxMail
from tsunagari.lib.smtp import SmtpServer
from tsunagari.lib.testing import make_member
from tsunagari.tests.test_homes import make_home_fixtures

WIDTH = "[document.documentElement.scrollWidth, window.innerWidth]"
# Role used to open each page: the first kind in this order that the page lets in.
PREFERENCE = [Role.SECRETARIAT_ADMIN, Role.COUNSELLOR, Role.MEMBER_STAFF, Role.VIEWER]


@pytest.mark.browser
class StaffPagesBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        make_home_fixtures(self)

    def test_it_shows_each_roles_home_on_a_phone_and_a_desktop(self) -> None:
        for kind in (Role.SECRETARIAT_ADMIN, Role.COUNSELLOR, Role.MEMBER_STAFF, Role.VIEWER):
            for viewport in ("mobile", "desktop"):
                page = self.new_page(viewport, user=self.users[kind])
                page.goto(self.live_url("platforms:dashboard", "alpha"))
                self.assertIn("ホーム", page.locator("h1").inner_text())
                scroll, inner = page.evaluate(WIDTH)
                self.assertLessEqual(scroll, inner, f"{kind} {viewport}")
                self.screenshot(page, f"home-{kind}-{viewport}")

    def test_it_opens_the_staff_menu_on_a_phone(self) -> None:
        page = self.new_page("mobile", user=self.admin)
        page.goto(self.live_url("audit:mail_list", "alpha"))
        groups = page.locator(".nav-groups")
        self.assertFalse(groups.is_visible())
        self.assertIn("管理", page.locator(".menu-button").inner_text())
        page.locator(".menu-button").click()
        self.assertTrue(groups.is_visible())
        self.assertTrue(page.get_by_role("link", name="入会審査").is_visible())
        scroll, inner = page.evaluate(WIDTH)
        self.assertLessEqual(scroll, inner)
        self.screenshot(page, "staff-menu-open-mobile")
        desktop = self.new_page("desktop", user=self.admin)
        desktop.goto(self.live_url("audit:mail_list", "alpha"))
        self.assertFalse(desktop.locator(".menu-button").is_visible())
        self.assertTrue(desktop.locator(".nav-sub").get_by_role("link", name="送信メール").is_visible())
        self.screenshot(desktop, "staff-menu-desktop", full_page=False)

    def test_it_keeps_every_staff_page_within_a_390_px_phone(self) -> None:
        objects = objects_for(self.platform, make_member(self.platform, "NPO法人マトリクス"))
        pages = {kind: self.new_page("mobile", user=self.users[kind]) for kind in PREFERENCE}
        checked, too_wide = 0, []
        for name, _route, converters in staff_patterns():
            args: list[object] = ["alpha"]
            if any(c.endswith("uuid") for c in converters):
                if name not in objects:
                    continue
                args.append(getattr(objects[name], "uuid", uuid.uuid4()))
            url = reverse(name, args=args)
            if url.endswith((".csv", ".xlsx", ".pdf", ".svg", ".ics", ".json")):
                continue
            for kind in PREFERENCE:
                page = pages[kind]
                try:
                    response = page.goto(self.live_url(url))
                except PlaywrightError:  # an empty answer (405 to a GET of a POST-only URL)
                    continue
                if (
                    response is not None
                    and response.status == 200
                    and "text/html" in response.headers.get("content-type", "")
                ):
                    scroll, inner = page.evaluate(WIDTH)
                    checked += 1
                    if scroll > inner:
                        too_wide.append(f"{name} ({kind}): {scroll} px")
                        self.screenshot(page, f"too-wide-{name.replace(':', '-')}")
                    break
        print(f"390 px sweep: {checked} staff pages, {len(too_wide)} wider than the screen")
        self.assertGreater(checked, 40)
        self.assertEqual(too_wide, [])

    def test_it_shows_the_outbox_after_an_smtp_outage_and_the_recovery(self) -> None:
        server = SmtpServer()  # not started: the outage
        settings = server.settings(MAIL_RETRY_BASE_SECONDS=60)
        settings.enable()
        self.addCleanup(settings.disable)
        self.addCleanup(server.stop)
        queued = [
            mail.queue(
                to=[f"member{i}@example.jp"],
                subject=f"【アルファ県PF】総会のご案内 {i}",
                body="本文",
                platform=self.platform,
                key=f"outage:{i}",
            )
            for i in range(4)
        ]
        refused = mail.queue(
            to=["nobody@example.jp"],
            subject="【アルファ県PF】宛先不明のお知らせ",
            body="本文",
            platform=self.platform,
        )
        mail.send_due()  # connection refused: the first mail is put back for a retry, the rest wait
        page = self.new_page("desktop", user=self.admin)
        page.goto(self.live_url("audit:mail_list", "alpha"))
        self.assertIn("接続できませんでした", page.locator("main").inner_text())
        self.screenshot(page, "outbox-during-outage-desktop")
        server.start()
        server.set(
            refuse_rcpt={"nobody@example.jp": "550 5.1.1 <nobody@example.jp>: Recipient address rejected"}
        )
        with scopes_disabled():
            OutboxMail.objects.filter(state=OutboxMail.State.QUEUED).update(next_attempt_at=timezone.now())
            mail.send_due()  # the retry after the outage
            states = OutboxMail.objects.filter(pk__in=[m.pk for m in [*queued, refused]]).values_list(
                "state", flat=True
            )
            self.assertEqual(sorted(states), ["failed", "sent", "sent", "sent", "sent"])
        self.assertEqual(len(server.messages), 4)
        for viewport in ("desktop", "mobile"):
            page = self.new_page(viewport, user=self.admin)
            page.goto(self.live_url("audit:mail_list", "alpha"))
            self.assertIn("Recipient address rejected", page.locator("main").inner_text())
            scroll, inner = page.evaluate(WIDTH)
            self.assertLessEqual(scroll, inner)
            self.screenshot(page, f"outbox-after-recovery-{viewport}")
