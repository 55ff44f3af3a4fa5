"""A private platform (``is_public`` off) takes no survey answers from the public web.

The middleware answers 404 before the view (accounts/tests/test_private_platform.py walks every
public URL with sample values); here with an open survey, whose pages answer 200 on a public
platform, and an answer already under way.
"""

from __future__ import annotations

from django.urls import reverse
from django_scopes import scope, scopes_disabled

from surveys.models import Response
from surveys.tests.helpers import SurveyTestCase

PAGE1 = {"q_loneliness_direct": "2", "q_ucla_1": "3", "q_ucla_2": "2", "q_ucla_3": "3"}


class PrivatePlatformTestCase(SurveyTestCase):
    def test_it_answers_404_to_every_answering_page_and_stores_nothing(self) -> None:
        start = reverse("surveys:start", args=["alpha", "kodoku-2025"])
        page1 = reverse("surveys:page", args=["alpha", "kodoku-2025", 1])
        done = reverse("surveys:done", args=["alpha", "kodoku-2025"])
        self.assertRedirects(self.client.post(start), page1)
        self.assertEqual(self.client.get(page1).status_code, 200)
        with scope(platform=self.platform):
            before = list(Response.objects.values_list("answers", "submitted_at"))
        with scopes_disabled():
            self.platform.is_public = False
            self.platform.save(update_fields=["is_public"])
        for url in (start, page1, done):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(start).status_code, 404)
        self.assertEqual(self.client.post(page1, PAGE1).status_code, 404)
        with scope(platform=self.platform):
            self.assertEqual(list(Response.objects.values_list("answers", "submitted_at")), before)
