"""A private platform (``is_public`` off) keeps its web chat and tracked links closed to residents.

The middleware answers 404 before the view (accounts/tests/test_private_platform.py walks every
public URL); here with real objects: a link printed on a flyer and a conversation already under
way, which would answer 302 or 200 on a public platform.
"""

from __future__ import annotations

from django_scopes import scope, scopes_disabled

from consultations.models import LinkClickDay, Medium, Message, TrackedLink
from tsunagari.lib.testing import BaseTestCase


class PrivatePlatformTestCase(BaseTestCase):
    def close_platform(self) -> None:
        with scopes_disabled():
            self.platform.is_public = False
            self.platform.save(update_fields=["is_public"])

    def test_it_answers_404_to_a_tracked_link_and_counts_no_click(self) -> None:
        with scope(platform=self.platform):
            TrackedLink.objects.create(
                platform=self.platform, code="flyer", medium=Medium.FLYER, label="チラシ", target="web"
            )
        self.assertRedirects(self.client.get("/p/alpha/go/flyer"), "/p/alpha/chat/")
        self.close_platform()
        self.assertEqual(self.client.get("/p/alpha/go/flyer").status_code, 404)
        with scope(platform=self.platform):
            self.assertEqual(TrackedLink.objects.get(code="flyer").clicks, 1)
            self.assertEqual(LinkClickDay.objects.get().clicks, 1)

    def test_it_answers_404_to_a_web_chat_under_way_and_stores_nothing(self) -> None:
        started = self.client.post("/p/alpha/chat/", {"text": "家族のことで悩んでいます"})
        self.assertRedirects(started, "/p/alpha/chat/room/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/p/alpha/chat/room/").status_code, 200)
        with scope(platform=self.platform):
            messages = Message.objects.count()
        self.close_platform()
        self.assertEqual(self.client.get("/p/alpha/chat/").status_code, 404)
        self.assertEqual(self.client.get("/p/alpha/chat/room/").status_code, 404)
        self.assertEqual(self.client.post("/p/alpha/chat/room/", {"text": "まだいますか"}).status_code, 404)
        self.assertEqual(self.client.post("/p/alpha/chat/leave/").status_code, 404)
        with scope(platform=self.platform):
            self.assertEqual(Message.objects.count(), messages)

    def test_it_lets_its_own_staff_preview_the_web_chat(self) -> None:
        self.close_platform()
        self.login(self.admin)
        self.assertContains(self.client.get("/p/alpha/chat/"), "このプラットフォームは非公開です")
