"""After the request mail to organisations that are not members: their answers name them, the
non-respondents are reminded (scheduled, business days only, no duplicates, stopped on request or
when the survey closes), and a respondent is invited to join with a pre-filled application."""

from __future__ import annotations

import csv
import datetime
import io
import re
from urllib.parse import parse_qs, urlparse

import time_machine
from django.core.management import call_command
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from accounts.permissions import Actor
from audit.models import AuditEntry
from operations.schedule import job_named
from partnership.models import Application, OrgType
from surveys.models import Invitation, Prospect, Response, Survey
from surveys.services.prospects import do_remind_prospects
from surveys.services.questionnaire import do_close_survey, do_create_survey, do_open_survey
from surveys.tests.test_organisations import ANSWERS
from surveys.tests.test_prospects import GOOD, csv_file
from tsunagari.lib.smtp import body_of, smtp_server
from tsunagari.lib.testing import BaseTestCase

TOKYO = datetime.timezone(datetime.timedelta(hours=9))
# Monday 7 December 2026, 09:30: the requests go out.
MONDAY = datetime.datetime(2026, 12, 7, 9, 30, tzinfo=TOKYO)


class FollowUpTests(BaseTestCase):
    def setUp(self) -> None:
        with time_machine.travel(MONDAY, tick=False):
            with scope(platform=self.platform):
                self.survey = do_create_survey(
                    self.platform,
                    slug="dantai",
                    title="支援団体向け活動実態調査",
                    template="organisation",
                    audience="organisations",
                )
                do_open_survey(self.survey)
            self.login(self.admin)
            self.page = self.url("surveys:prospects", self.survey.uuid)
            self.client.post(self.page, {"action": "import", "file": csv_file(GOOD)})
            with smtp_server() as inbox, self.mail_sent():  # the requests leave (not retried later)
                self.client.post(self.page, {"action": "invite"})
            assert len(inbox) == 3
        # The session above was opened on the travelled clock; staff sessions expire after a
        # while idle, so the tests log in again on the real clock (whatever day they run).
        self.login(self.admin)
        with scope(platform=self.platform):
            self.biwako = Prospect.objects.select_related("invitation").get(area="大津市")

    def answer(self, prospect: Prospect, **extra: str) -> None:
        client = self.client_class()
        code = prospect.invitation.code  # type: ignore[union-attr]
        client.post(reverse("surveys:start", args=["alpha", "dantai"]), {"code": code, "with_code": "1"})
        for number in (1, 2):
            client.post(reverse("surveys:page", args=["alpha", "dantai", number]), {**ANSWERS, **extra})

    def remind(self, when: datetime.datetime) -> list:
        """Run the reminders at ``when`` and send what they queued (as the worker would then)."""
        with time_machine.travel(when, tick=False), self.mail_sent(), scope(platform=self.platform):
            survey = Survey.objects.get(pk=self.survey.pk)  # opened in setUp
            return do_remind_prospects(survey, actor=Actor(user=None, role=None, platform=self.platform))

    def test_it_links_a_non_members_answers_to_it_in_the_list_and_the_export(self) -> None:
        self.answer(self.biwako)
        with scope(platform=self.platform):
            response = Response.objects.submitted().get(survey=self.survey)
            self.assertEqual(response.prospect, self.biwako)
            self.assertIsNone(response.organisation)
        page = self.client.get(self.page)
        self.assertContains(page, "入会に関心あり")
        export = self.client.get(self.url("surveys:prospects_csv", self.survey.uuid))
        self.assertEqual(export.status_code, 200)
        rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
        header = rows[0]
        by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
        self.assertEqual(by_name["NPO法人びわこ子ども食堂"]["状況"], "回答済み")
        self.assertEqual(by_name["NPO法人びわこ子ども食堂"]["service_name"], "ひだまりサロン")
        self.assertEqual(by_name["一般社団法人こなんの居場所"]["service_name"], "")
        with scopes_disabled():
            self.assertTrue(
                AuditEntry.objects.filter(action=AuditEntry.EXPORT, data__kind="survey_non_members").exists()
            )

    def test_the_results_page_counts_non_member_answers_apart_and_filters_by_them(self) -> None:
        self.answer(self.biwako)
        url = self.url("surveys:results", self.survey.uuid)
        everyone = self.client.get(url)
        self.assertContains(everyone, "会員外の団体（調査対象リスト）からの回答: 1件")
        self.assertNotContains(everyone, "まだ集計できる回答がありません")
        only = self.client.get(url, {"who": "non_members"})
        self.assertContains(only, "表示中: 1件")
        self.assertContains(only, '<option value="non_members" selected>', html=False)
        members = self.client.get(url, {"who": "members"})
        self.assertContains(members, "表示中: 0件")
        self.assertContains(members, "まだ集計できる回答がありません")

    def test_it_reminds_non_respondents_a_week_later_on_business_days_only_and_never_twice(self) -> None:
        self.answer(self.biwako)
        # Too early (4 days), then Sunday 13 December: nothing.
        self.assertEqual(self.remind(MONDAY + datetime.timedelta(days=4)), [])
        self.assertEqual(self.remind(datetime.datetime(2026, 12, 13, 9, 30, tzinfo=TOKYO)), [])
        with smtp_server() as inbox:
            first = self.remind(datetime.datetime(2026, 12, 14, 9, 30, tzinfo=TOKYO))
            again = self.remind(datetime.datetime(2026, 12, 14, 21, 0, tzinfo=TOKYO))  # same day, night
            self.assertEqual(len(first), 2)
            self.assertEqual(again, [])
            self.assertEqual(sorted(m["To"] for m in inbox), ["hikone@example.jp", "konan@example.jp"])
            self.assertIn("まだご回答を確認できていない", body_of(inbox[0]))
            self.assertIn("/survey-mail/stop/", inbox[0]["List-Unsubscribe"])
        # A week later (Monday 21 December) the second; after that none, even on a business day:
        # two reminders is the most anyone gets.
        self.assertEqual(len(self.remind(datetime.datetime(2026, 12, 21, 9, 30, tzinfo=TOKYO))), 2)
        self.assertEqual(self.remind(datetime.datetime(2027, 1, 12, 9, 30, tzinfo=TOKYO)), [])
        with scope(platform=self.platform):
            self.assertEqual(sorted(Prospect.objects.values_list("reminders_sent", flat=True)), [0, 2, 2])

    def test_it_sends_nothing_over_the_year_end_or_on_a_national_holiday(self) -> None:
        # 年末年始 and 成人の日 (Monday 11 January 2027): no reminder, however long since the request.
        self.assertEqual(self.remind(datetime.datetime(2026, 12, 29, 9, 30, tzinfo=TOKYO)), [])
        self.assertEqual(self.remind(datetime.datetime(2027, 1, 11, 9, 30, tzinfo=TOKYO)), [])
        self.assertEqual(len(self.remind(datetime.datetime(2027, 1, 12, 9, 30, tzinfo=TOKYO))), 3)

    def test_it_respects_a_stop_request_from_the_mail_and_a_closed_survey(self) -> None:
        with smtp_server() as inbox:
            self.remind(datetime.datetime(2026, 12, 14, 9, 30, tzinfo=TOKYO))
            konan = next(m for m in inbox if m["To"] == "konan@example.jp")
            link = re.search(r"https?://\S+/survey-mail/stop/\S+/", body_of(konan))
        assert link is not None
        path = urlparse(link.group(0)).path
        visitor = self.client_class()
        self.assertContains(visitor.get(path), "メールを停止する")
        self.assertContains(visitor.post(path), "メールを停止しました")
        self.assertEqual(visitor.get(path.replace("/stop/", "/stop/x")).status_code, 404)
        with scope(platform=self.platform):
            self.assertIsNotNone(Prospect.objects.get(email="konan@example.jp").opted_out_at)
        self.assertEqual(len(self.remind(datetime.datetime(2026, 12, 21, 9, 30, tzinfo=TOKYO))), 2)
        with scope(platform=self.platform):
            do_close_survey(Survey.objects.get(pk=self.survey.pk))
        self.assertEqual(self.remind(datetime.datetime(2026, 12, 28, 9, 30, tzinfo=TOKYO)), [])

    def test_it_is_run_daily_by_the_scheduler_through_a_command(self) -> None:
        job = job_named("survey_remind_prospects")
        self.assertEqual(job.command, ("survey_remind_prospects",))
        out = io.StringIO()
        with time_machine.travel(datetime.datetime(2026, 12, 14, 9, 30, tzinfo=TOKYO), tick=False):
            call_command("survey_remind_prospects", stdout=out)
            call_command("survey_remind_prospects", stdout=out)
        self.assertIn("alpha: 3 reminders queued", out.getvalue())
        self.assertIn("alpha: 0 reminders queued", out.getvalue())

    def test_it_invites_a_respondent_to_join_once_with_a_pre_filled_application(self) -> None:
        self.answer(self.biwako)
        with scope(platform=self.platform):
            konan = Prospect.objects.get(area="湖南市")
        # Not answered: refused, nothing sent.
        refused = self.client.post(self.page, {"action": "join", "prospect": str(konan.uuid)})
        self.assertContains(refused, "まだ回答していません", status_code=400)
        with smtp_server() as inbox:
            with self.mail_sent():
                self.client.post(self.page, {"action": "join", "prospect": str(self.biwako.uuid)})
                self.client.post(self.page, {"action": "join", "prospect": str(self.biwako.uuid)})
            self.assertEqual([m["To"] for m in inbox], ["biwako@example.jp"])
            link = re.search(r"https?://\S+/join/\?prefill=\S+", body_of(inbox[0]))
        assert link is not None
        with scopes_disabled():
            self.assertEqual(AuditEntry.objects.filter(action="survey.prospect_join_invited").count(), 1)
        # The organisation opens the link: its details are filled in.
        url = urlparse(link.group(0))
        form = self.client_class().get(url.path, {"prefill": parse_qs(url.query)["prefill"][0]})
        self.assertContains(form, 'value="NPO法人びわこ子ども食堂"')
        self.assertContains(form, 'value="biwako@example.jp"')
        self.assertContains(form, f'<option value="{OrgType.NPO}" selected>')
        # An altered link fills in nothing.
        altered = self.client_class().get(
            url.path, {"prefill": parse_qs(url.query)["prefill"][0][:-2] + "xx"}
        )
        self.assertNotContains(altered, "びわこ子ども食堂")
        # When it applies, the list shows the application it produced.
        with scopes_disabled():
            Application.objects.create(
                platform=self.platform,
                name="NPO法人びわこ子ども食堂",
                org_type=OrgType.NPO,
                representative="代表",
                postal_code="520-0001",
                address="大津市",
                phone="077-000-0000",
                email="biwako@example.jp",
                contact_person="担当",
                area="大津市",
                description="子ども食堂",
            )
        page = self.client.get(self.page)
        self.assertContains(page, "入会申込: 審査中")

    def test_it_refuses_to_invite_an_organisation_that_said_it_does_not_want_to_join(self) -> None:
        self.answer(self.biwako, q_join_intent="3")
        response = self.client.post(self.page, {"action": "join", "prospect": str(self.biwako.uuid)})
        self.assertContains(response, "参画を希望しないと答えています", status_code=400)
        with scope(platform=self.platform):
            self.assertIsNone(Prospect.objects.get(pk=self.biwako.pk).join_invited_at)
            self.assertTrue(Invitation.objects.filter(survey=self.survey).exists())

    def test_it_answers_404_to_another_platform(self) -> None:
        self.client.logout()
        self.login(self.outsider)
        self.assertEqual(
            self.client.get(self.url("surveys:prospects_csv", self.survey.uuid)).status_code, 404
        )
