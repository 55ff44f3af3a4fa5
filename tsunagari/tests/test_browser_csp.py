"""The strict Content-Security-Policy in Chromium: the main pages (resident, chat with htmx, the map
with Leaflet, staff pages, the operator's admin) run without a single policy violation."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from accounts.models import User
from directory.tests.search_helpers import make_service
from tsunagari.lib.browser import BrowserTestCase

LISTEN = """() => { window.__csp = []; document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '') + ':' + e.lineNumber)); }"""


@pytest.mark.browser
@override_settings(DIRECTORY_MAP_TILES="http://127.0.0.1:9/{z}/{x}/{y}.png")  # no tile server here
class ContentSecurityPolicyBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        make_service(
            self.platform,
            "孤独・孤立の相談窓口",
            "話し相手がほしい方のお話を聞きます。",
            phone="058-272-1111",
            point=(35.4233, 136.7606),
            address={
                "address_1": "薮田南2-1-1",
                "city": "岐阜市",
                "state_province": "岐阜県",
                "postal_code": "500-8570",
            },
        )

    def visit(self, url: str, user: Any = None, viewport: str = "desktop") -> tuple[Any, list[str]]:
        page = self.new_page(viewport, user=user)  # type: ignore[arg-type]
        console: list[str] = []
        page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
        page.add_init_script(f"({LISTEN})()")
        response = page.goto(url)
        assert response is not None
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)  # let deferred scripts (htmx, Leaflet) run their first step
        violations = page.evaluate("window.__csp") + [c for c in console if "Content Security Policy" in c]
        return page, violations

    def test_it_runs_the_resident_pages_without_a_violation(self) -> None:
        for name in ("directory:home", "directory:map", "consultations:chat", "partnership:join"):
            page, violations = self.visit(self.live_url(name, "alpha"))
            self.assertEqual(violations, [], name)
        # The map really ran (Leaflet drew its panes) under the policy.
        page, _v = self.visit(self.live_url("directory:map", "alpha"))
        self.assertGreater(page.locator(".leaflet-marker-icon").count(), 0)

    def test_it_runs_the_anonymous_chat_room_with_htmx_without_a_violation(self) -> None:
        page, violations = self.visit(self.live_url("consultations:chat", "alpha"), viewport="mobile")
        page.get_by_role("textbox").first.fill("家族のことで悩んでいます")
        page.get_by_role("button", name="送信して相談を始める").click()
        page.wait_for_load_state("networkidle")
        self.assertIn("/chat/room/", page.url)
        self.assertEqual(page.evaluate("typeof htmx"), "object")
        self.assertEqual(page.evaluate("window.__csp"), [])
        self.screenshot(page, "csp-chat-room-mobile")

    def test_it_runs_the_staff_pages_without_a_violation(self) -> None:
        for name in (
            "platforms:dashboard",
            "consultations:inbox",
            "directory:service_new",
            "accounts:staff_users",
            "audit:list",
        ):
            page, violations = self.visit(self.live_url(name, "alpha"), user=self.admin)
            self.assertEqual(violations, [], name)
            self.assertNotIn("/accounts/login/", page.url, name)

    def test_it_runs_the_operators_admin_site_without_a_violation(self) -> None:
        operator = User.objects.create_superuser("operator@example.jp", "x" * 20)
        for path in ("/admin/", "/admin/accounts/user/", f"/admin/accounts/user/{operator.pk}/change/"):
            page, violations = self.visit(self.live_url(path), user=operator)
            self.assertEqual(violations, [], path)
            self.assertEqual(page.url, self.live_url(path), path)
