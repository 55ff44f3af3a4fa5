from __future__ import annotations

import io

from django.core.management import CommandError, call_command
from django_scopes import scope

from surveys.models import Benchmark, Question, Survey
from tsunagari.lib.testing import BaseTestCase


class SurveyCreateCommandTestCase(BaseTestCase):
    def test_it_creates_a_locked_national_questionnaire(self) -> None:
        out = io.StringIO()
        call_command(
            "survey_create", "alpha", "kodoku", "--template", "national", "--regions", "中央,西部", stdout=out
        )
        self.assertIn("created survey kodoku", out.getvalue())
        with scope(platform=self.platform):
            survey = Survey.objects.get(slug="kodoku")
            questions = {q.code: q for q in Question.objects.filter(version__survey=survey)}
            self.assertEqual(
                set(questions),
                {
                    "loneliness_direct",
                    "ucla",
                    "outing_freq",
                    "talk_freq",
                    "has_confidant",
                    "can_rely",
                    "social_participation",
                    "age_band",
                    "sex",
                    "household",
                    "region",
                },
            )
            direct = questions["loneliness_direct"]
            self.assertTrue(direct.locked)
            self.assertEqual(
                [(o["code"], o["label"]) for o in direct.options],
                [
                    (1, "しばしばある・常にある"),
                    (2, "時々ある"),
                    (3, "たまにある"),
                    (4, "ほとんどない"),
                    (5, "決してない"),
                ],
            )
            self.assertEqual(questions["ucla"].answer_codes(), ["ucla_1", "ucla_2", "ucla_3"])
            self.assertEqual(
                [o["label"] for o in questions["ucla"].options],
                ["決してない", "ほとんどない", "時々ある", "常にある"],
            )
            self.assertEqual([o["label"] for o in questions["region"].options], ["中央", "西部"])
        bench = Benchmark.objects.get(platform=None, question_code="loneliness_direct", year=2023)
        self.assertEqual(bench.n, 11141)
        self.assertEqual(bench.percentages, {"1": 4.8, "2": 14.8, "3": 19.7, "4": 41.4, "5": 17.9})
        self.assertEqual(str(bench.no_answer), "1.5")

    def test_it_refuses_a_taken_slug_and_an_unknown_platform(self) -> None:
        call_command("survey_create", "alpha", "kodoku", "--template", "national", stdout=io.StringIO())
        with self.assertRaisesMessage(CommandError, "識別名「kodoku」の調査はすでにあります。"):
            call_command("survey_create", "alpha", "kodoku", "--template", "national", stdout=io.StringIO())
        with self.assertRaisesMessage(CommandError, "unknown platform: 'nowhere'"):
            call_command("survey_create", "nowhere", "kodoku", stdout=io.StringIO())
