"""Headers that keep staff pages and the anonymous chat out of caches (issue 16, finding 7)."""

from __future__ import annotations

from accounts.models import Role
from tsunagari.lib.testing import BaseTestCase


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
