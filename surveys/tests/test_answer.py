from __future__ import annotations

from django.urls import reverse
from django_scopes import scope

from surveys.data import responses_frame
from surveys.models import Invitation, Mode, Response
from surveys.tests.helpers import SurveyTestCase

PAGE1 = {"q_loneliness_direct": "2", "q_ucla_1": "3", "q_ucla_2": "2", "q_ucla_3": "3"}
PAGE2 = {"q_outing_freq": "6", "q_talk_freq": "5", "q_social_participation": ["1", "3"]}
PAGE3 = {"q_age_band": "3", "q_sex": "2", "q_region": "4"}


class AnswerTestCase(SurveyTestCase):
    def start_url(self) -> str:
        return reverse("surveys:start", args=["alpha", "kodoku-2025"])

    def page_url(self, n: int) -> str:
        return reverse("surveys:page", args=["alpha", "kodoku-2025", n])

    def test_it_walks_an_open_web_answer_through_skip_logic_to_a_stored_response(self) -> None:
        response = self.client.post(self.start_url())
        self.assertRedirects(response, self.page_url(1))
        page = self.client.get(self.page_url(1))
        self.assertContains(page, "あなたは、どの程度、孤独であると感じることがありますか。")
        self.assertContains(page, "問1")
        # The duration page appears only once 外出頻度 is answered with a home-bound answer.
        self.assertContains(page, "1 / 3 ページ")
        # Required answers missing: the page says which question, nothing stored.
        missing = self.client.post(self.page_url(1), {"q_loneliness_direct": "2"})
        self.assertEqual(missing.status_code, 400)
        self.assertContains(missing, "この設問は回答が必要です。", status_code=400)
        self.assertRedirects(self.client.post(self.page_url(1), PAGE1), self.page_url(2))
        # 外出頻度 6 (home-bound) keeps the duration page; a later change to 1 would drop it.
        self.assertRedirects(self.client.post(self.page_url(2), PAGE2), self.page_url(3))
        self.assertRedirects(self.client.post(self.page_url(3), PAGE3), self.page_url(4))
        page4 = self.client.get(self.page_url(4))
        self.assertContains(page4, "現在の外出の状況になってから、どのくらい経ちますか。")
        self.assertContains(page4, "回答を送信する")
        done = self.client.post(self.page_url(4), {"q_outing_duration": "3"})
        self.assertRedirects(done, reverse("surveys:done", args=["alpha", "kodoku-2025"]))
        with scope(platform=self.platform):
            stored = Response.objects.get()
            self.assertEqual(stored.mode, Mode.OPEN_WEB)
            self.assertIsNotNone(stored.submitted_at)
            self.assertEqual(stored.answers["social_participation"], [1, 3])
            frame = responses_frame(self.survey, ["hikikomori_broad", "ucla_score"])
            self.assertEqual(frame["hikikomori_broad"].to_list(), [1])
            self.assertEqual(frame["ucla_score"].to_list(), [8])

    def test_it_skips_the_duration_page_for_people_who_go_out(self) -> None:
        self.client.post(self.start_url())
        self.client.post(self.page_url(1), PAGE1)
        self.client.post(self.page_url(2), {**PAGE2, "q_outing_freq": "1"})
        # Page 3 is the last page now: the hikikomori section has nothing to show.
        last = self.client.get(self.page_url(3))
        self.assertContains(last, "回答を送信する")
        self.assertEqual(self.client.get(self.page_url(4)).status_code, 404)
        self.client.post(self.page_url(3), PAGE3)
        with scope(platform=self.platform):
            self.assertNotIn("outing_duration", Response.objects.get().answers)

    def test_it_drops_answers_hidden_by_a_changed_earlier_answer(self) -> None:
        self.client.post(self.start_url())
        self.client.post(self.page_url(1), PAGE1)
        self.client.post(self.page_url(2), PAGE2)
        self.client.post(self.page_url(3), PAGE3)
        self.client.post(self.page_url(4), {"q_outing_duration": "3", "action": "back"})
        self.client.post(self.page_url(2), {**PAGE2, "q_outing_freq": "2"})
        with scope(platform=self.platform):
            self.assertNotIn("outing_duration", Response.objects.get().answers)

    def test_it_refuses_a_second_answer_with_the_same_invitation_code_politely(self) -> None:
        with scope(platform=self.platform):
            Invitation.objects.create(
                platform=self.platform, survey=self.survey, code="ABCD-2345", stratum="中央"
            )
        start = self.client.post(self.start_url(), {"code": "abcd2345", "with_code": "1"})
        self.assertRedirects(start, self.page_url(1))
        self.client.post(self.page_url(1), PAGE1)
        # Resumable from another device with the same code: same draft, answers kept.
        other = self.client_class()
        other.post(self.start_url(), {"code": "ABCD-2345", "with_code": "1"})
        self.assertContains(other.get(self.page_url(1)), 'value="2" checked')
        other.post(self.page_url(2), {**PAGE2, "q_outing_freq": "1"})
        other.post(self.page_url(3), PAGE3)
        with scope(platform=self.platform):
            invitation = Invitation.objects.get()
            self.assertIsNotNone(invitation.used_at)
            self.assertIsNone(invitation.draft)
            response = Response.objects.get()
            self.assertEqual((response.mode, response.stratum), (Mode.WEB, "中央"))
        again = self.client_class().post(self.start_url(), {"code": "ABCD-2345", "with_code": "1"})
        self.assertContains(again, "この招待コードでは、すでにご回答をいただいています。", status_code=409)
        with scope(platform=self.platform):
            self.assertEqual(Response.objects.count(), 1)

    def test_it_rejects_out_of_range_posts_and_unknown_codes(self) -> None:
        self.client.post(self.start_url())
        bad = self.client.post(self.page_url(1), {**PAGE1, "q_loneliness_direct": "9"})
        self.assertContains(bad, "選択が正しくありません。", status_code=400)
        unknown = self.client.post(self.start_url(), {"code": "ZZZZ-ZZZZ", "with_code": "1"})
        self.assertContains(unknown, "招待コード「ZZZZ-ZZZZ」が見つかりません。", status_code=409)

    def test_it_shows_easy_japanese_on_request(self) -> None:
        self.client.post(self.start_url())
        page = self.client.get(self.page_url(1) + "?easy=1")
        self.assertContains(page, "さびしい（ひとりぼっちだ）と感じることが、どのくらいありますか。")
        self.assertContains(page, "よくある・いつもある")

    def test_it_does_not_show_draft_surveys_and_refuses_closed_ones(self) -> None:
        from surveys.services.questionnaire import do_close_survey

        with scope(platform=self.platform):
            do_close_survey(self.survey)
        page = self.client.get(self.start_url())
        self.assertContains(page, "この調査は終了しました。")
        refused = self.client.post(self.start_url())
        self.assertContains(refused, "この調査は現在、回答を受け付けていません。", status_code=409)
        other = reverse("surveys:start", args=["beta", "kodoku-2025"])
        self.assertEqual(self.client.get(other).status_code, 404)
