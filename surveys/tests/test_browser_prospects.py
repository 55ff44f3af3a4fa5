"""Shiga's survey of 88 non-member bodies: response rates, reminders and invitations to join, in a
browser at 1280 and 390 px. Screenshots: var/screenshots/survey-prospects-{desktop,mobile}.png."""

from __future__ import annotations

from collections import Counter

import pytest
from django_scopes import scope

from surveys import demo
from surveys.models import Survey
from tsunagari.lib.browser import BrowserTestCase


@pytest.mark.browser
class ProspectsBrowserTestCase(BrowserTestCase):
    def test_it_shows_the_rates_and_invites_a_respondent_to_join(self) -> None:
        with scope(platform=self.platform):
            demo._organisation_survey(self.platform, Counter())
            survey = Survey.objects.get(slug=demo.ORG_SLUG)
        url = self.live_url("surveys:prospects", "alpha", survey.uuid)
        for viewport in ("desktop", "mobile"):
            page = self.new_page(viewport, user=self.admin)
            page.goto(url)
            self.assertIn("回答率", page.content())
            if viewport == "desktop":
                page.get_by_role("button", name="入会申込を案内").first.click()
                self.assertIn("入会申込の案内", page.content())
            self.screenshot(page, f"survey-prospects-{viewport}")
