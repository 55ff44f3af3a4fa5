from __future__ import annotations

from django.urls import reverse
from django_scopes import scope

from directory.models import Service
from surveys.models import Invitation, Reminder, Response
from surveys.services.questionnaire import do_create_survey, do_open_survey
from tsunagari.lib.smtp import body_of, smtp_server
from tsunagari.lib.testing import BaseTestCase, make_member

ANSWERS = {
    "q_activity_content": "居場所づくり",
    "q_kodoku_work": "1",
    "q_join_intent": "1",
    "q_portal_consent": "1",
    "q_service_name": "ひだまりサロン",
    "q_service_description": "誰でも立ち寄れる居場所です。",
    "q_service_hours": "毎週水曜 10時〜15時",
}


class OrganisationSurveyTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.second = make_member(cls.platform, "一般社団法人ひだまり", email="hidamari@example.jp")
        with scope(platform=cls.platform):
            cls.survey = do_create_survey(
                cls.platform,
                slug="dantai",
                title="支援団体向け活動実態調査",
                template="organisation",
                audience="organisations",
            )
            do_open_survey(cls.survey)

    def setUp(self) -> None:
        self.login(self.admin)

    def _answer(self, code: str) -> None:
        client = self.client_class()
        start = reverse("surveys:start", args=["alpha", "dantai"])
        client.post(start, {"code": code, "with_code": "1"})
        for number in (1, 2):
            client.post(reverse("surveys:page", args=["alpha", "dantai", number]), ANSWERS)

    def test_it_invites_every_member_reminds_non_respondents_and_tracks_the_rate(self) -> None:
        url = self.url("surveys:organisations", self.survey.uuid)
        with smtp_server() as inbox:
            with self.mail_sent():
                self.client.post(url, {"action": "invite"})
            self.assertEqual(
                sorted(m["To"] for m in inbox), sorted([self.member_org.email, "hidamari@example.jp"])
            )
            self.assertIn("【ご協力のお願い】支援団体向け活動実態調査", inbox[0]["Subject"])
            with scope(platform=self.platform):
                code = Invitation.objects.get(organisation=self.second).code
            self.assertIn(f"/p/alpha/s/dantai/?code={code}", "".join(body_of(m) for m in inbox))
            self._answer(code)
            page = self.client.get(url)
            self.assertContains(page, "回答 1 / 依頼 2 団体")
            inbox.clear()
            with self.mail_sent():
                self.client.post(url, {"action": "remind"})
            self.assertEqual([m["To"] for m in inbox], [self.member_org.email])
            self.assertIn("【再送・ご回答のお願い】", inbox[0]["Subject"])
        with scope(platform=self.platform):
            self.assertEqual(Reminder.objects.filter(organisation=self.member_org).count(), 2)
            self.assertEqual(Response.objects.get().organisation, self.second)

    def test_one_answer_per_organisation(self) -> None:
        self.client.post(self.url("surveys:organisations", self.survey.uuid), {"action": "invite"})
        with scope(platform=self.platform):
            code = Invitation.objects.get(organisation=self.second).code
        self._answer(code)
        again = self.client_class().post(
            reverse("surveys:start", args=["alpha", "dantai"]), {"code": code, "with_code": "1"}
        )
        self.assertContains(again, "すでにご回答をいただいています", status_code=409)

    def test_answers_become_an_unpublished_directory_service_for_review(self) -> None:
        url = self.url("surveys:organisations", self.survey.uuid)
        self.client.post(url, {"action": "invite"})
        with scope(platform=self.platform):
            code = Invitation.objects.get(organisation=self.second).code
        self._answer(code)
        with scope(platform=self.platform):
            response = Response.objects.get()
        self.assertContains(self.client.get(url), "窓口の下書きを作る")
        self.client.post(url, {"action": "export", "response": str(response.uuid)})
        self.client.post(url, {"action": "export", "response": str(response.uuid)})
        with scope(platform=self.platform):
            service = Service.objects.get()
            self.assertEqual(service.name, "ひだまりサロン")
            self.assertEqual(service.description, "誰でも立ち寄れる居場所です。")
            self.assertEqual(service.application_process, "毎週水曜 10時〜15時")
            self.assertFalse(service.is_published)
            self.assertEqual(service.member, self.second)
            self.assertEqual(service.organization.member, self.second)
        self.assertContains(self.client.get(url), "下書き登録済み")
