"""The done page shows the 24-hour lines and the platform's desk to a respondent whose answers
show strong loneliness or a crisis expression (issue 19)."""

from __future__ import annotations

from django.urls import reverse
from django_scopes import scope

from consultations.models import CrisisWord
from consultations.services.channels import do_configure_line
from surveys.models import Question, QuestionType, Survey
from surveys.services.questionnaire import do_add_section, do_create_survey, do_open_survey, do_save_question
from surveys.tests.helpers import SurveyTestCase
from surveys.wellbeing import help_signal, ucla_score

PAGE1 = {"q_loneliness_direct": "3", "q_ucla_1": "2", "q_ucla_2": "2", "q_ucla_3": "2"}
PAGE2 = {"q_outing_freq": "1", "q_talk_freq": "5", "q_social_participation": ["1"]}
PAGE3 = {"q_age_band": "3", "q_sex": "2", "q_region": "4"}
HELP = "次の窓口は24時間つながります"


class DonePageHelpTestCase(SurveyTestCase):
    def answer(self, page1: dict[str, str], slug: str = "kodoku-2025", last: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        self.client.post(reverse("surveys:start", args=["alpha", slug]))
        pages = [page1, PAGE2, PAGE3, *([last] if last is not None else [])]
        for number, data in enumerate(pages, start=1):
            response = self.client.post(reverse("surveys:page", args=["alpha", slug, number]), data)
        self.assertRedirects(response, reverse("surveys:done", args=["alpha", slug]))
        return self.client.get(reverse("surveys:done", args=["alpha", slug]))

    def test_it_shows_the_help_lines_and_the_desk_to_someone_often_lonely(self) -> None:
        with scope(platform=self.platform):
            do_configure_line(self.platform, basic_id="@733gquft")
        done = self.answer({**PAGE1, "q_loneliness_direct": "1"})
        self.assertContains(done, HELP)
        self.assertContains(done, "0120-279-338")
        self.assertContains(done, reverse("consultations:chat", args=["alpha"]))
        self.assertContains(done, "https://line.me/R/ti/p/%40733gquft")
        # Reloading the page still shows it; nothing about it is in the URL.
        self.assertContains(self.client.get(reverse("surveys:done", args=["alpha", "kodoku-2025"])), HELP)

    def test_it_shows_the_help_lines_for_a_high_ucla_3_score(self) -> None:
        done = self.answer({**PAGE1, "q_ucla_1": "4", "q_ucla_2": "3", "q_ucla_3": "3"})
        self.assertContains(done, HELP)

    def test_it_shows_no_help_block_for_answers_without_strong_loneliness(self) -> None:
        # UCLA-3 score 9: below the 常にある band.
        done = self.answer({**PAGE1, "q_ucla_1": "3", "q_ucla_2": "3", "q_ucla_3": "3"})
        self.assertContains(done, "回答を受け付けました")
        self.assertNotContains(done, HELP)

    def test_it_shows_the_help_lines_for_a_crisis_expression_in_free_text(self) -> None:
        with scope(platform=self.platform):
            survey = do_create_survey(
                self.platform,
                slug="voice",
                title="声を聞かせてください",
                template="national",
                regions=["中央", "西部", "東部", "北部", "秩父"],
                allow_open_web=True,
            )
            section = do_add_section(survey, title="自由記述")
            do_save_question(
                Question(section=section, code="free", type=QuestionType.TEXT, text="ご自由にお書きください")
            )
            do_open_survey(survey)
        done = self.answer(
            PAGE1, slug="voice", last={"q_free": "毎日つらくて、もう消えてしまいたいと思うこともあります"}
        )
        self.assertContains(done, HELP)
        other = self.client_class()
        self.client = other
        done = self.answer(PAGE1, slug="voice", last={"q_free": "画面が消えたりして使いにくかったです"})
        self.assertNotContains(done, HELP)


class HelpSignalTestCase(SurveyTestCase):
    def test_it_reads_loneliness_ucla_and_free_text_with_the_platforms_own_words(self) -> None:
        self.assertIsNone(ucla_score({"ucla_1": 4, "ucla_2": 4}))
        self.assertEqual(ucla_score({"ucla_1": "4", "ucla_2": 3, "ucla_3": 3}), 10)
        with scope(platform=self.platform):
            CrisisWord.objects.create(platform=self.platform, word="ブロン", folded="ぶろん")
            self.assertTrue(help_signal({"loneliness_direct": 1}, self.platform).loneliness)
            self.assertFalse(help_signal({"loneliness_direct": 2, "ucla_1": 9}, self.platform).show)
            self.assertTrue(help_signal({"free": "ﾌﾞﾛﾝを飲んでいる"}, self.platform).crisis)
            self.assertTrue(help_signal({"other": {"text": "死にたい"}}, self.platform).crisis)
        self.assertIsInstance(self.survey, Survey)
