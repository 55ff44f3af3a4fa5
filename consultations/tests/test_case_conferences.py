"""支援調整会議 on a case: non-member agencies invited by name and organisation, the conference's
outcome, and reminders of the tasks it assigned (a scheduled job, mail through the outbox)."""

from __future__ import annotations

import datetime
import io

from django.core.management import call_command
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from audit.models import AuditEntry
from consultations.models import CaseConference, CaseGuest, CaseOrigin, CaseTask, ShareItem
from consultations.services.cases import (
    MemberInput,
    do_invite,
    do_open_case_from_contact,
    erase_case_content,
)
from consultations.tests.casework import actor
from operations.schedule import JOBS
from tsunagari.lib.jpcalendar import add_business_days
from tsunagari.lib.smtp import body_of, smtp_server
from tsunagari.lib.testing import BaseTestCase

OUTCOME = "長男の負担軽減のため、ショートステイの利用を検討する。学校は孫の様子を見守る。"


class ConferenceTests(BaseTestCase):
    def setUp(self) -> None:
        self.secretariat = self.users[Role.SECRETARIAT_STAFF]
        self.receiver_staff = self.users[Role.MEMBER_STAFF]  # staff of self.member_org
        system = actor(self.secretariat, self.platform)
        with scope(platform=self.platform):
            self.case = do_open_case_from_contact(
                self.platform,
                origin=CaseOrigin.AGENCY,
                referring_body="地域包括支援センター",
                referring_contact="",
                watch_only=False,
                contact_on=timezone.localdate(),
                summary="包括から連絡",
                members=[MemberInput("祖母", "grandparent", "80s+", is_concern=True, consented=True)],
                items=[ShareItem.ASSESSMENT, ShareItem.MEETING_NOTES, ShareItem.PROFILE],
                organisations=[self.member_org],
                city_divisions=False,
                valid_until=timezone.localdate() + datetime.timedelta(days=90),
                statement="訪問時に説明",
                actor=system,
            )
            do_invite(self.case, self.member_org, actor=system)
        self.case_url = self.url("consultations:case", self.case.uuid)

    def invite_guest(self, **data: object):
        return self.client.post(
            self.case_url,
            {
                "action": "guest",
                "g-organisation_name": "市立第一中学校",
                "g-name": "佐藤 教頭",
                "g-email": "sato@school.example.jp",
                "g-household_agreed": "on",
                **data,
            },
        )

    def test_it_invites_a_non_member_agency_only_with_the_households_agreement_and_once(self) -> None:
        self.login(self.secretariat)
        refused = self.invite_guest(**{"g-household_agreed": ""})
        self.assertContains(refused, "同意したことを確認してから招待してください", status_code=400)
        self.assertContains(
            self.invite_guest(**{"g-email": "not-an-address"}), "メールアドレス", status_code=400
        )
        with scopes_disabled():
            self.assertFalse(CaseGuest.objects.exists())
        self.assertEqual(self.invite_guest().status_code, 302)
        again = self.invite_guest(**{"g-name": "佐藤　教頭", "g-email": ""})  # full-width space: same person
        self.assertContains(again, "既に招待されています", status_code=400)
        with scopes_disabled():
            guest = CaseGuest.objects.get()
            entry = AuditEntry.objects.get(action="case.guest_invited")
        self.assertEqual((guest.organisation_name, guest.email), ("市立第一中学校", "sato@school.example.jp"))
        self.assertNotIn("佐藤", str(entry.data))
        page = self.client.get(self.case_url)
        self.assertContains(page, "市立第一中学校（佐藤 教頭）")

    def test_it_records_the_outcome_and_tasks_for_members_and_guests_and_reminds_them(self) -> None:
        self.login(self.secretariat)
        self.invite_guest()
        empty = self.client.post(self.case_url, {"action": "conference", "k-held_on": "", "k-outcome": ""})
        self.assertEqual(empty.status_code, 400)
        held_on = timezone.localdate().isoformat()
        done = self.client.post(
            self.case_url, {"action": "conference", "k-held_on": held_on, "k-outcome": OUTCOME}
        )
        self.assertEqual(done.status_code, 302)
        with scopes_disabled():
            conference = CaseConference.objects.get()
            guest = CaseGuest.objects.get()
        today = timezone.localdate()
        due = add_business_days(today, 1)
        for owner in ({"t-organisation": self.member_org.pk}, {"t-guest": guest.pk}):
            response = self.client.post(
                self.case_url,
                {
                    "action": "task",
                    **owner,
                    "t-description": "ショートステイ先の空き確認",
                    "t-due_on": due.isoformat(),
                    "t-conference": conference.pk,
                },
            )
            self.assertEqual(response.status_code, 302, response.content[-600:])
        both = self.client.post(
            self.case_url,
            {
                "action": "task",
                "t-organisation": self.member_org.pk,
                "t-guest": guest.pk,
                "t-description": "x",
                "t-due_on": due.isoformat(),
            },
        )
        self.assertContains(both, "どちらか一方", status_code=400)
        with scopes_disabled():
            self.assertEqual(CaseTask.objects.filter(conference=conference).count(), 2)

        # The invited member organisation reads the outcome (the household consented to meeting notes).
        self.login(self.receiver_staff)
        page = self.client.get(self.case_url)
        self.assertContains(page, OUTCOME)
        self.assertContains(page, "市立第一中学校")

        # The scheduled job mails both owners once a day, without the task's text.
        self.assertIn("remind_case_tasks", {job.name for job in JOBS})
        with smtp_server() as inbox, self.mail_sent():
            for _run in range(2):
                call_command("remind_case_tasks", "alpha", "--today", today.isoformat(), stdout=io.StringIO())
        self.assertEqual(sorted(m["To"] for m in inbox), sorted([self.receiver_staff.email, guest.email]))
        for message in inbox:
            self.assertIn(self.case.reference, str(message["Subject"]))
            self.assertNotIn("ショートステイ", body_of(message))
        to_guest = next(m for m in inbox if m["To"] == guest.email)
        self.assertNotIn("/staff/", body_of(to_guest))  # no login for a non-member
        self.assertIn("佐藤 教頭", body_of(to_guest))

        # A task done is not reminded; neither is one not decided at a conference.
        with scopes_disabled():
            CaseTask.objects.filter(organisation=self.member_org).update(done_at=timezone.now())
        later = today + datetime.timedelta(days=1)
        with smtp_server() as inbox, self.mail_sent():
            call_command("remind_case_tasks", "alpha", "--today", later.isoformat(), stdout=io.StringIO())
        self.assertEqual([m["To"] for m in inbox], [guest.email])

        with scopes_disabled():
            erase_case_content([self.case.pk], timezone.now())
            self.assertEqual(CaseConference.objects.get().outcome, "")

    def test_a_task_not_decided_at_a_conference_is_not_reminded(self) -> None:
        self.login(self.secretariat)
        due = timezone.localdate()
        self.client.post(
            self.case_url,
            {
                "action": "task",
                "t-organisation": self.member_org.pk,
                "t-description": "訪問",
                "t-due_on": due.isoformat(),
            },
        )
        with smtp_server() as inbox, self.mail_sent():
            call_command("remind_case_tasks", "alpha", "--today", due.isoformat(), stdout=io.StringIO())
        self.assertEqual(inbox, [])
