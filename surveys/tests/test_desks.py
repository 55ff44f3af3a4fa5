"""Open surveys for residents are linked from the platform's home page (platforms.desks)."""

from __future__ import annotations

from django.urls import reverse
from django_scopes import scopes_disabled

from surveys.models import Survey
from surveys.tests.helpers import SurveyTestCase


class SurveyDesksTestCase(SurveyTestCase):
    def home(self, slug: str = "alpha") -> str:
        return self.client.get(reverse("directory:home", args=[slug])).content.decode()

    def test_it_links_an_open_survey_for_residents_from_the_home_page(self) -> None:
        html = self.home()
        self.assertIn("孤独・孤立に関する実態調査", html)
        self.assertIn(reverse("surveys:start", args=["alpha", "kodoku-2025"]), html)
        self.assertNotIn("孤独・孤立に関する実態調査", self.home("beta"))

    def test_it_finds_the_survey_when_searching_for_a_questionnaire(self) -> None:
        url = reverse("directory:search", args=["alpha"])
        html = self.client.get(url, {"q": "アンケート"}).content.decode()
        self.assertIn(reverse("surveys:start", args=["alpha", "kodoku-2025"]), html)

    def test_it_does_not_link_surveys_that_need_a_code_or_are_closed(self) -> None:
        with scopes_disabled():
            Survey.objects.filter(pk=self.survey.pk).update(allow_open_web=False)
        self.assertNotIn("孤独・孤立に関する実態調査", self.home())
        with scopes_disabled():
            Survey.objects.filter(pk=self.survey.pk).update(allow_open_web=True, status=Survey.Status.CLOSED)
        self.assertNotIn("孤独・孤立に関する実態調査", self.home())
