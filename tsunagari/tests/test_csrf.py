"""CSRF on every form (issue 16): a POST without the token is refused (403, the Japanese page) on
every staff URL of the URL × role matrix and on every public page of a platform; only LINE's
webhook, which proves itself with its signature, is exempt."""

from __future__ import annotations

from django.test import Client

from platforms.tests import test_url_matrix
from tsunagari.tests import test_security_headers


class CsrfEverywhereTestCase(test_url_matrix.UrlMatrixTestCase):
    def test_it_refuses_a_post_without_the_token_on_every_staff_url(self) -> None:
        client = Client(enforce_csrf_checks=True)
        self.login(self.admin, client)
        checked = 0
        for name, url, _allowed in self.urls(self.objects_alpha):
            response = client.post(url, {})
            self.assertEqual(response.status_code, 403, f"{name} {url}")
            self.assertContains(response, "送信できませんでした", status_code=403)
            checked += 1
        self.assertGreater(checked, 100)

    def test_it_refuses_a_post_without_the_token_on_every_public_page(self) -> None:
        client = Client(enforce_csrf_checks=True)
        urls = test_security_headers.ContentSecurityPolicyTestCase.public_urls(self)  # type: ignore[arg-type]
        self.assertGreater(len(urls), 20)
        for url in urls:
            response = client.post(url, {"text": "x"})
            self.assertIn(response.status_code, (403, 405), url)
        self.assertEqual(client.post("/accounts/login/", {"username": "a@example.jp"}).status_code, 403)
        self.assertEqual(client.post("/accounts/password/reset/", {"email": "a@example.jp"}).status_code, 403)

    # The matrix's own tests are inherited; run them once, in their module.
    test_it_finds_the_staff_urls = None  # type: ignore[assignment]
    test_it_guards_every_staff_view = None  # type: ignore[assignment]
    test_it_answers_every_role_as_declared = None  # type: ignore[assignment]
    test_it_answers_404_to_another_platforms_staff = None  # type: ignore[assignment]
    test_it_answers_404_for_another_platforms_objects_in_this_platforms_urls = None  # type: ignore[assignment]
    test_it_answers_404_for_made_up_uuids = None  # type: ignore[assignment]
    test_it_sends_anonymous_visitors_to_login = None  # type: ignore[assignment]
    test_it_serves_public_pages_to_anyone_and_404_for_unknown_platforms = None  # type: ignore[assignment]
