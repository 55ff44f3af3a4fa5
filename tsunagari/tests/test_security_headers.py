"""Headers that keep staff pages and the anonymous chat out of caches (issue 16, finding 7)."""

from __future__ import annotations

import re

from django.test import SimpleTestCase
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Role
from tsunagari.lib.headers import content_security_policy, tile_source
from tsunagari.lib.testing import BaseTestCase
from tsunagari.tests.test_no_inline_style import ROOT, page_templates


class SecurityHeadersTestCase(BaseTestCase):
    def assert_no_store(self, response) -> None:  # type: ignore[no-untyped-def]
        self.assertIn("no-store", response.get("Cache-Control", ""), response.get("Cache-Control"))
        self.assertIn("private", response["Cache-Control"])

    def test_it_marks_every_staff_page_no_store_including_the_login_redirect(self) -> None:
        self.assert_no_store(self.client.get("/p/alpha/staff/"))  # anonymous: redirect to login
        client = self.login(self.users[Role.SECRETARIAT_ADMIN])
        for path in ("/p/alpha/staff/", "/p/alpha/staff/consultations/desk/"):
            response = client.get(path)
            self.assertEqual(response.status_code, 200, path)
            self.assert_no_store(response)

    def test_it_marks_the_anonymous_chat_its_room_and_redirects_no_store(self) -> None:
        self.assert_no_store(self.client.get("/p/alpha/chat/"))
        started = self.client.post("/p/alpha/chat/", {"text": "家族のことで悩んでいます"})
        self.assertEqual(started.status_code, 302)
        self.assert_no_store(started)
        room = self.client.get("/p/alpha/chat/room/")
        self.assertContains(room, "家族のことで悩んでいます")
        self.assert_no_store(room)

    def test_it_leaves_public_pages_cacheable(self) -> None:
        response = self.client.get("/p/alpha/")
        self.assertNotIn("no-store", response.get("Cache-Control", ""))

    def test_it_sends_referrer_frame_and_permissions_policies_everywhere(self) -> None:
        for path in ("/p/alpha/", "/p/alpha/chat/", "/p/alpha/staff/"):
            response = self.client.get(path)
            self.assertEqual(response["Referrer-Policy"], "same-origin", path)
            self.assertEqual(response["X-Frame-Options"], "DENY", path)
            self.assertEqual(
                response["Permissions-Policy"], "camera=(), microphone=(), geolocation=(self)", path
            )


class ContentSecurityPolicyTestCase(BaseTestCase):
    """A strict policy on every page (issue 16, finding 7): no inline script or style anywhere."""

    def public_urls(self) -> list[str]:
        """Every public page of a platform whose URL needs nothing but the platform's slug."""
        found = []

        def walk(patterns, prefix: str, namespace: str) -> None:  # type: ignore[no-untyped-def]
            for p in patterns:
                if isinstance(p, URLResolver):
                    ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                    walk(p.url_patterns, prefix + str(p.pattern), ns)
                elif isinstance(p, URLPattern) and p.name:
                    route = prefix + str(p.pattern)
                    if route.startswith("p/<slug:platform_slug>/") and "/staff/" not in route:
                        if route.count("<") == 1:
                            found.append(reverse(namespace + p.name, args=["alpha"]))

        walk(get_resolver().url_patterns, "", "")
        return found

    def test_it_is_strict(self) -> None:
        policy = content_security_policy()
        self.assertNotIn("unsafe-inline", policy)
        self.assertNotIn("unsafe-eval", policy)
        for directive in (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ):
            self.assertIn(directive, policy)

    def test_it_sends_it_on_every_public_page_error_and_sign_in_page(self) -> None:
        urls = self.public_urls()
        self.assertGreater(len(urls), 20)
        urls += [
            "/",
            "/accounts/login/",
            "/accounts/password/reset/",
            "/p/alpha/no-such-page/",
            "/admin/login/",
        ]
        for url in urls:
            response = self.client.get(url)
            if response.get("Content-Type", "").startswith("text/html"):
                self.assertEqual(response.get("Content-Security-Policy"), content_security_policy(), url)

    def test_it_leaves_pdfs_and_downloads_without_a_document_policy(self) -> None:
        from tsunagari.lib.downloads import attachment_response

        response = attachment_response(b"%PDF-1.7", "x.pdf", "application/pdf")
        self.assertNotIn("Content-Security-Policy", response)

    def test_it_allows_the_map_tiles_host_only_for_images(self) -> None:
        self.assertEqual(
            tile_source("https://{s}.tile.example.org/{z}/{x}/{y}.png"), "https://*.tile.example.org"
        )
        self.assertEqual(
            tile_source("https://tiles.example.jp/std/{z}/{x}/{y}.png"), "https://tiles.example.jp"
        )
        self.assertEqual(tile_source("javascript:alert(1)"), "")


class NoInlineCodeTest(SimpleTestCase):
    """What the policy would refuse is not in any served template: no <script> with code (only
    ``src=`` files and JSON data), no ``style=""`` attribute, no ``on…=`` handler, no
    ``javascript:`` link. Mail and PDF templates are not served as pages."""

    def test_it_finds_no_inline_script_style_attribute_or_handler(self) -> None:
        templates = [
            p for p in page_templates() if "email" not in p.relative_to(ROOT).parts and "mail" not in p.stem
        ]
        offenders = []
        for path in templates:
            text = path.read_text()
            for match in re.finditer(r"<script\b[^>]*>", text, re.IGNORECASE):
                if "src=" not in match.group(0) and "application/json" not in match.group(0):
                    offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
            for pattern in (r"\sstyle\s*=", r"\son[a-z]+\s*=\s*[\"']", r"javascript:"):
                for match in re.finditer(pattern, text, re.IGNORECASE):
                    offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)!r}")
        self.assertEqual(offenders, [])
