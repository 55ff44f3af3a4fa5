"""English output of events where word order, plurals or import-time labels needed template changes."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from events.queries import Certificate
from events.services.seating import ATTRIBUTES
from events.tests.helpers import make_event
from tsunagari.lib.testing import BaseTestCase


class EnglishEventsTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.event = make_event(self.platform, capacity_venue=3)

    def render(self, language: str, template: str, **context: object) -> str:
        with translation.override(language):
            return render_to_string(template, {"platform": self.platform, "event": self.event, **context})

    def test_it_greets_the_registrant_by_name_in_either_language(self) -> None:
        registration = SimpleNamespace(name="大津 花子", status="confirmed")
        english = self.render("en", "events/email/confirmed.txt", registration=registration)
        self.assertTrue(english.startswith("Dear 大津 花子,\n"), english[:40])
        self.assertNotIn("様", english)
        self.assertIn("Your place is confirmed.", english)
        japanese = self.render("ja", "events/email/confirmed.txt", registration=registration)
        self.assertTrue(japanese.startswith("大津 花子 様\n"), japanese[:40])

    def test_it_says_tomorrow_or_in_n_days_in_the_reminder_subject(self) -> None:
        def subject(language: str, days: int) -> str:
            return self.render(language, "events/email/reminder_subject.txt", days=days).strip()

        self.assertEqual(subject("en", 1), "[Tomorrow] つながりフォーラム")
        self.assertEqual(subject("en", 3), "[In 3 days] つながりフォーラム")
        self.assertEqual(subject("ja", 1), "【明日開催】つながりフォーラム")
        self.assertEqual(subject("ja", 3), "【3日後に開催】つながりフォーラム")

    def test_it_prints_certificates_in_english_without_the_japanese_honorific(self) -> None:
        context = {
            "certificates": [
                Certificate("大津 花子", "NPO法人みらい", "つながり講座", "つながりサポーター", "C0007")
            ],
            "issued_on": datetime.date(2026, 12, 7),
        }
        english = self.render("en", "events/print/certificates.html", **context)
        self.assertIn('<html lang="en">', english)
        self.assertIn("No. C0007", english)
        self.assertIn('<p class="name">大津 花子</p>', english)
        self.assertIn("Certificate of completion", english)
        self.assertIn("7 Dec 2026", english)
        japanese = self.render("ja", "events/print/certificates.html", **context)
        self.assertIn("第 C0007 号", japanese)
        self.assertIn('<p class="name">大津 花子 様</p>', japanese)
        self.assertIn("2026年12月7日", japanese)

    def test_it_labels_the_seating_groups_in_the_language_of_the_request(self) -> None:
        with translation.override("en"):
            self.assertEqual(str(ATTRIBUTES["region"]), "Area of activity (municipality)")
        with translation.override("ja"):
            self.assertEqual(str(ATTRIBUTES["region"]), "活動地域（市町村）")

    def test_it_shows_the_public_event_page_in_english(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = self.client.get(reverse("events:detail", args=["alpha", self.event.slug]))
        html = response.content.decode()
        self.assertIn("3 people", html)
        self.assertNotIn("3人", html)
        self.assertNotIn("年", html.split("<main", 1)[-1].split("</main>", 1)[0])
