"""Written resolutions (みなし決議, Gifu 規約第13条5): ballots by signed link, one per member,
none after the close, the verdict at the threshold or the deadline, every ballot audited."""

from __future__ import annotations

import datetime
import io

import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.http import HttpRequest
from django.test import RequestFactory
from django.utils import timezone
from django_scopes import scope

from audit.models import AuditEntry
from governance.models import Ballot, WrittenResolution
from governance.rules import MAJORITY
from governance.services import written as services
from governance.services.common import BALLOT_SALT, unsign
from governance.tests.helpers import make_body
from tsunagari.lib.smtp import body_of, smtp_server
from tsunagari.lib.testing import BaseTestCase


class WrittenResolutionTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.body, self.seats = make_body(self.platform)
        self.scope = scope(platform=self.platform)
        self.scope.__enter__()

    def tearDown(self) -> None:
        self.scope.__exit__(None, None, None)

    def request(self) -> HttpRequest:
        request = RequestFactory().post("/p/alpha/staff/governance/")
        request.user = self.admin
        request.platform = self.platform  # type: ignore[attr-defined]
        return request

    def open(self, days: int = 7) -> WrittenResolution:
        return services.do_open_written(
            self.body,
            title="令和7年度事業計画の承認",
            proposal="別紙のとおり承認する。",
            deadline=timezone.now() + datetime.timedelta(days=days),
            request=self.request(),
        )

    def test_it_mails_each_voting_member_a_signed_ballot_link(self) -> None:
        with smtp_server() as inbox, self.mail_sent():
            resolution = self.open()
        self.assertEqual(len(inbox), 12)
        text = body_of(inbox[0])
        self.assertIn("構成員の全数の3分の2以上が賛成したとき", text)
        self.assertIn("第13条第5項", text)
        token = text.split("/governance/ballot/")[1].split("/")[0]
        ballot = Ballot.objects.get(uuid=unsign(token, BALLOT_SALT))
        self.assertEqual(ballot.resolution, resolution)
        self.assertIsNone(unsign(token[:-2] + "xx", BALLOT_SALT))

    def test_it_resolves_when_two_thirds_of_all_members_approve_and_not_before(self) -> None:
        resolution = self.open()
        ballots = list(resolution.ballots.order_by("seat__name"))
        for ballot in ballots[:7]:
            services.do_cast_ballot(ballot, choice="approve")
        resolution.refresh_from_db()
        self.assertEqual(resolution.status, WrittenResolution.Status.OPEN)  # 7 of 12: one short
        self.assertEqual(services.evaluate_written(resolution)["missing"], 1)
        services.do_cast_ballot(ballots[7], choice="approve")
        resolution.refresh_from_db()
        self.assertEqual(resolution.status, WrittenResolution.Status.RESOLVED)
        self.assertEqual((resolution.verdict["approve"], resolution.verdict["required"]), (8, 8))
        # Closed: the ninth ballot is refused, with the article, and not stored.
        with self.assertRaisesRegex(ValidationError, "締め切った後は表決できません（第13条第5項）"):
            services.do_cast_ballot(ballots[8], choice="reject")
        ballots[8].refresh_from_db()
        self.assertEqual(ballots[8].choice, "")
        self.assertEqual(AuditEntry.objects.filter(action="governance.ballot_cast").count(), 8)

    def test_it_refuses_a_second_ballot_from_one_member(self) -> None:
        resolution = self.open()
        ballot = resolution.ballots.first()
        assert ballot is not None
        services.do_cast_ballot(ballot, choice="reject")
        with self.assertRaisesRegex(ValidationError, "一団体一回"):
            services.do_cast_ballot(Ballot.objects.get(pk=ballot.pk), choice="approve")
        ballot.refresh_from_db()
        self.assertEqual(ballot.choice, "reject")

    def test_it_refuses_a_ballot_after_the_deadline_and_fails_it_on_the_daily_run(self) -> None:
        resolution = self.open(days=1)
        ballot = resolution.ballots.first()
        assert ballot is not None
        with time_machine.travel(timezone.now() + datetime.timedelta(days=2), tick=False):
            with self.assertRaisesRegex(ValidationError, "締め切った後"):
                services.do_cast_ballot(ballot, choice="approve")
            self.scope.__exit__(None, None, None)
            out = io.StringIO()
            with smtp_server() as inbox, self.mail_sent():
                call_command("governance_tasks", stdout=out)
            self.scope = scope(platform=self.platform)
            self.scope.__enter__()
        self.assertIn("closed 1", out.getvalue())
        resolution.refresh_from_db()
        self.assertEqual(resolution.status, WrittenResolution.Status.FAILED)
        results = [m for m in inbox if "【結果】" in m["Subject"]]
        self.assertEqual(len(results), 12)  # the result to every member
        self.assertIn("不成立", results[0]["Subject"])

    def test_it_reminds_only_members_who_have_not_answered(self) -> None:
        resolution = self.open()
        first = resolution.ballots.first()
        assert first is not None
        services.do_cast_ballot(first, choice="approve")
        with smtp_server() as inbox, self.mail_sent():
            reminded = services.do_remind_written(resolution, request=self.request())
        self.assertEqual(reminded, 11)
        reminders = [m for m in inbox if "【再送" in m["Subject"]]
        self.assertEqual(len(reminders), 11)
        self.assertNotIn(first.seat.email, [m["To"] for m in reminders])

    def test_it_refuses_a_written_resolution_where_the_bylaws_do_not_allow_one(self) -> None:
        body, _seats = make_body(self.platform, 3, code="soukai", rules=MAJORITY)
        with self.assertRaisesRegex(ValidationError, "認められていません"):
            services.do_open_written(
                body,
                title="x",
                proposal="y",
                deadline=timezone.now() + datetime.timedelta(days=3),
                request=self.request(),
            )

    def test_it_shows_the_ballot_page_by_signed_link_only(self) -> None:
        resolution = self.open()
        ballot = resolution.ballots.first()
        assert ballot is not None
        link = services.ballot_link(ballot).split("testserver")[-1].split("8000")[-1]
        response = self.client.get(link)
        self.assertContains(response, "令和7年度事業計画の承認")
        response = self.client.post(link, {"choice": "approve"}, follow=True)
        self.assertContains(response, "「賛成」で表決済みです")
        ballot.refresh_from_db()
        self.assertEqual(ballot.choice, "approve")
        self.assertEqual(self.client.get(link[:-3] + "xx/").status_code, 404)
        # Another platform's URL with this token: 404 (the ballot is outside that scope).
        self.assertEqual(self.client.get(link.replace("/p/alpha/", "/p/beta/")).status_code, 404)
