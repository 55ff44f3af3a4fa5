"""The after-event questionnaire: built with the survey engine from the template, mailed once to
each attendee after the event (a late check-in too), answered with the code, results on the
staff page and (from 5 answers) on the event page."""

from __future__ import annotations

import datetime
import io
import re
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command
from django_scopes import scope, scopes_disabled

from events.models import Registration
from events.queries import figures, satisfaction_shares
from events.services.feedback_survey import do_attach_feedback_survey
from events.services.registration import do_check_in
from events.tests.helpers import make_event, register, staff_actor
from surveys.models import Invitation, Response, Survey
from tsunagari.lib.mail import OutboxMail
from tsunagari.lib.smtp import body_of, smtp_server
from tsunagari.lib.testing import BaseTestCase

TOKYO = ZoneInfo("Asia/Tokyo")
STARTS = datetime.datetime(2026, 11, 13, 13, 30, tzinfo=TOKYO)  # a Friday afternoon
ENDS = STARTS + datetime.timedelta(hours=3)  # 16:30


class FeedbackSurveyTestCase(BaseTestCase):
    def setUp(self) -> None:
        with time_machine.travel(STARTS - datetime.timedelta(days=20), tick=False):
            self.event = make_event(
                self.platform, starts_at=STARTS, ends_at=ENDS, deadline=STARTS - datetime.timedelta(days=1)
            )
            self.people = [register(self.event, f"{n}@example.jp") for n in ("a", "b", "c")]
        self.actor = staff_actor(self.admin, self.platform)

    def run_at(self, when: datetime.datetime) -> str:
        out = io.StringIO()
        with time_machine.travel(when, tick=False):
            call_command("event_feedback_requests", "alpha", stdout=out)
        return out.getvalue()

    def attach(self) -> None:
        with scope(platform=self.platform):
            do_attach_feedback_survey(self.event, actor=self.actor)
            self.event.refresh_from_db()

    def requests(self) -> list[str]:
        with scopes_disabled():
            return sorted(m.to[0] for m in OutboxMail.objects.filter(kind="events.feedback_request"))

    def check_in(self, *people: Registration) -> None:
        with scopes_disabled():
            for person in people:
                do_check_in(person, actor=self.actor)

    def test_it_builds_the_questionnaire_from_the_template_once(self) -> None:
        with scope(platform=self.platform):
            survey = do_attach_feedback_survey(self.event, actor=self.actor)
            again = do_attach_feedback_survey(self.event, actor=self.actor)
            self.assertEqual(survey.pk, again.pk)
            self.assertEqual(survey.status, Survey.Status.OPEN)
            version = survey.fielded_version()
            self.assertEqual(
                list(version.questions.values_list("code", flat=True)),
                ["satisfaction", "useful", "next_theme", "comment"],
            )
            satisfaction = version.questions.get(code="satisfaction")
            self.assertEqual(
                [o["label"] for o in satisfaction.options], ["満足", "やや満足", "やや不満", "不満"]
            )
            self.assertTrue(satisfaction.required)
            self.assertEqual(Survey.objects.count(), 1)

    def test_it_mails_attendees_once_after_the_event_and_a_late_check_in_once(self) -> None:
        self.attach()
        with time_machine.travel(STARTS, tick=False):
            self.check_in(self.people[0], self.people[1])
        self.run_at(ENDS - datetime.timedelta(minutes=10))  # still running: nobody
        self.assertEqual(self.requests(), [])
        self.run_at(ENDS + datetime.timedelta(minutes=5))
        self.assertEqual(self.requests(), ["a@example.jp", "b@example.jp"])  # c did not come
        self.run_at(ENDS + datetime.timedelta(minutes=35))  # the next run: no second mail
        self.assertEqual(self.requests(), ["a@example.jp", "b@example.jp"])
        # c's check-in was only entered on Monday from the paper list
        with time_machine.travel(ENDS + datetime.timedelta(days=3), tick=False):
            self.check_in(self.people[2])
        self.run_at(ENDS + datetime.timedelta(days=3, hours=1))
        self.assertEqual(self.requests(), ["a@example.jp", "b@example.jp", "c@example.jp"])
        with scopes_disabled():
            self.assertEqual(Invitation.objects.filter(survey=self.event.feedback_survey).count(), 3)
            codes = {p.feedback_invitation.code for p in Registration.objects.filter(event=self.event)}
            self.assertEqual(len(codes), 3)

    def test_it_waits_for_the_morning_after_an_evening_event(self) -> None:
        self.attach()
        self.check_in(self.people[0])
        with scopes_disabled():
            self.event.ends_at = STARTS.replace(hour=21, minute=0)
            self.event.save()
        self.assertIn("night time", self.run_at(STARTS.replace(hour=21, minute=30)))
        self.assertEqual(self.requests(), [])
        self.run_at(STARTS.replace(hour=8) + datetime.timedelta(days=1))
        self.assertEqual(self.requests(), ["a@example.jp"])

    def test_it_asks_nobody_without_a_survey_or_long_after(self) -> None:
        self.check_in(self.people[0])
        self.run_at(ENDS + datetime.timedelta(hours=1))
        self.assertEqual(self.requests(), [])
        self.attach()  # attached a month later: too late to ask anyone
        self.run_at(ENDS + datetime.timedelta(days=30))
        self.assertEqual(self.requests(), [])

    def test_it_is_answered_with_the_mailed_code_and_counted_with_paper_answers(self) -> None:
        self.attach()
        self.check_in(*self.people)
        with smtp_server() as inbox, time_machine.travel(ENDS + datetime.timedelta(minutes=5), tick=False):
            with self.mail_sent():
                call_command("event_feedback_requests", "alpha", stdout=io.StringIO())
        mails = [m for m in inbox if "アンケートのお願い" in m["Subject"]]
        self.assertEqual(len(mails), 3)
        links = [re.search(r"(/p/alpha/s/[\w-]+/)\?code=([A-Z0-9-]+)", body_of(m)) for m in mails]
        self.assertTrue(all(links))
        # two attendees answer on the web: 満足 with a comment, やや不満
        for match, (choice, comment) in zip(
            links[:2], [("1", "とても参考になりました"), ("3", "")], strict=False
        ):
            assert match is not None
            client = self.client_class()
            page = client.get(f"{match.group(1)}?code={match.group(2)}")
            self.assertContains(page, match.group(2))
            started = client.post(match.group(1), {"code": match.group(2), "with_code": "1"})
            self.assertEqual(started.status_code, 302)
            done = client.post(
                started["Location"], {"q_satisfaction": choice, "q_useful": ["1", "4"], "q_comment": comment}
            )
            self.assertEqual(done.status_code, 302, done.content.decode()[:2000])
            # the same code twice: refused
            again = client.post(match.group(1), {"code": match.group(2), "with_code": "1"})
            self.assertContains(again, "すでにご回答", status_code=409)
        # one paper answer typed in by the secretariat
        staff = self.login(self.admin)
        staff.post(
            self.url("events:feedback_results", self.event.uuid),
            {"satisfaction": "rather_satisfied", "comment": "資料がわかりやすかった"},
        )
        with scopes_disabled():
            self.assertEqual(
                Response.objects.filter(survey=self.event.feedback_survey).submitted().count(), 2
            )
            shares, total = satisfaction_shares(self.event)
            self.assertEqual(total, 3)
            self.assertEqual(
                {s.code: s.count for s in shares if s.count},
                {"satisfied": 1, "rather_satisfied": 1, "rather_dissatisfied": 1},
            )
            self.assertEqual(figures(self.event).satisfied, 2)
        page = staff.get(self.url("events:feedback_results", self.event.uuid))
        self.assertContains(page, "とても参考になりました")
        self.assertContains(page, "資料がわかりやすかった")
        self.assertContains(page, "依頼済み 3人、うち回答 2人")

    def test_it_shows_results_on_the_event_page_from_five_answers(self) -> None:
        with time_machine.travel(ENDS + datetime.timedelta(days=1), tick=False):
            staff = self.login(self.admin)
            url = f"/p/alpha/events/{self.event.slug}/"
            for n in range(4):
                staff.post(
                    self.url("events:feedback_results", self.event.uuid), {"satisfaction": "satisfied"}
                )
            self.assertNotContains(self.client.get(url), "参加者アンケートの結果")
            staff.post(self.url("events:feedback_results", self.event.uuid), {"satisfaction": "dissatisfied"})
            page = self.client.get(url)
            self.assertContains(page, "参加者アンケートの結果")
            self.assertContains(page, "80%")
            self.assertContains(page, "20%")

    def test_it_lets_only_the_secretariat_create_the_survey(self) -> None:
        viewer = self.login(self.users["viewer"])
        response = viewer.post(self.url("events:feedback_results", self.event.uuid), {"action": "survey"})
        self.assertEqual(response.status_code, 403)
        outsider = self.login(self.outsider)
        response = outsider.post(self.url("events:feedback_results", self.event.uuid), {"action": "survey"})
        self.assertEqual(response.status_code, 404)
        staff = self.login(self.admin)
        staff.post(self.url("events:feedback_results", self.event.uuid), {"action": "survey"})
        with scopes_disabled():
            self.event.refresh_from_db()
            self.assertIsNotNone(self.event.feedback_survey)
