"""Reminders before an event: due days moved over weekends, 祝日 and 年末年始, nothing at night,
confirmed registrants only, and never the same reminder twice."""

from __future__ import annotations

import datetime
import io
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command
from django_scopes import scope, scopes_disabled

from audit.models import AuditEntry
from events.models import Event, Registration
from events.services.registration import SignUp, do_cancel, do_register
from events.services.reminders import do_send_reminders
from events.tests.helpers import make_event, register, staff_actor
from events.timing import due_day
from tsunagari.lib.mail import OutboxMail
from tsunagari.lib.smtp import body_of, smtp_server
from tsunagari.lib.testing import BaseTestCase

TOKYO = ZoneInfo("Asia/Tokyo")


def jst(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=TOKYO)


class RemindersTestCase(BaseTestCase):
    def make(self, starts: str, **extra: object):
        with time_machine.travel(jst(starts) - datetime.timedelta(days=30), tick=False):
            event = make_event(
                self.platform,
                "forum-" + starts[:10],
                starts_at=jst(starts),
                deadline=jst(starts) - datetime.timedelta(days=1),
                **{"capacity_venue": 2, **extra},
            )
            for name in ("a", "b", "c", "d"):  # a, b confirmed; c, d waiting
                register(event, f"{name}@example.jp")
        return event

    def run_at(self, when: str) -> str:
        with time_machine.travel(jst(when), tick=False), self.captureOnCommitCallbacks(execute=False):
            out = self.call("event_reminders", "alpha")
        return out

    def call(self, *args: str) -> str:
        buffer = io.StringIO()
        call_command(*args, stdout=buffer)
        return buffer.getvalue()

    def reminders(self) -> list[tuple[str, str]]:
        with scopes_disabled():
            return sorted(
                (mail.to[0], mail.key.rsplit(":", 1)[1])
                for mail in OutboxMail.objects.filter(kind="events.reminder")
            )

    def test_it_reminds_confirmed_people_three_days_and_one_day_before(self) -> None:
        event = self.make("2026-11-13T14:00")  # a Friday
        self.assertEqual(self.run_at("2026-11-09T10:00"), "queued 0 reminder(s)\n")  # 4 days before
        self.run_at("2026-11-10T08:05")  # Tuesday: 3 days before
        self.assertEqual(self.reminders(), [("a@example.jp", "3"), ("b@example.jp", "3")])
        self.run_at("2026-11-10T15:00")  # the next hourly run: nothing again
        self.run_at("2026-11-12T09:00")  # Thursday: the day before
        self.assertEqual(
            self.reminders(),
            [("a@example.jp", "1"), ("a@example.jp", "3"), ("b@example.jp", "1"), ("b@example.jp", "3")],
        )
        self.run_at("2026-11-13T13:00")  # the day itself: nothing more
        self.assertEqual(len(self.reminders()), 4)
        with scopes_disabled():
            entries = AuditEntry.objects.filter(action="events.reminders", object_id=str(event.uuid))
            self.assertEqual(
                [e.data for e in entries.order_by("id")], [{"days": 3, "queued": 2}, {"days": 1, "queued": 2}]
            )

    def test_it_excludes_cancelled_waiting_and_phone_sign_ups_without_e_mail(self) -> None:
        event = self.make("2026-11-13T14:00", capacity_online=5)
        with time_machine.travel(jst("2026-11-01T10:00"), tick=False), scopes_disabled():
            do_cancel(Registration.objects.get(event=event, email="b@example.jp"))  # c is offered b's seat
            do_register(
                event,
                SignUp(name="電話 太郎", mode="online"),
                source=Registration.Source.PHONE,
                actor=staff_actor(self.admin, self.platform),
            )
        self.run_at("2026-11-12T09:00")
        # a only: b cancelled, c offered (not yet confirmed), d waiting, the phone sign-up has no address
        self.assertEqual(self.reminders(), [("a@example.jp", "1")])

    def test_it_sends_nothing_at_night_and_catches_up_in_the_morning(self) -> None:
        self.make("2026-11-13T14:00")
        out = self.run_at("2026-11-12T23:30")  # the day before, at night
        self.assertIn("night time", out)
        self.assertEqual(self.reminders(), [])
        self.run_at("2026-11-13T07:59")  # still night on the day
        self.assertEqual(self.reminders(), [])
        self.run_at("2026-11-13T08:00")  # the morning of the event: only the 1-day reminder, once each
        self.assertEqual(self.reminders(), [("a@example.jp", "1"), ("b@example.jp", "1")])

    def test_it_moves_a_sunday_reminder_to_friday(self) -> None:
        event = self.make("2026-11-16T10:00")  # a Monday
        self.assertEqual(due_day(event, 1), datetime.date(2026, 11, 13))  # Sunday -> Friday
        self.assertEqual(due_day(event, 3), datetime.date(2026, 11, 13))  # Friday itself
        self.run_at("2026-11-13T08:30")
        # both reminders fall on Friday: the latest (1 day) only, not two mails the same morning
        self.assertEqual(self.reminders(), [("a@example.jp", "1"), ("b@example.jp", "1")])
        self.run_at("2026-11-15T10:00")  # the Sunday run finds nothing new
        self.assertEqual(len(self.reminders()), 2)

    def test_it_sends_on_sunday_when_business_days_are_not_asked_for(self) -> None:
        event = self.make("2026-11-16T10:00", reminders_on_business_days=False)
        self.assertEqual(due_day(event, 1), datetime.date(2026, 11, 15))
        self.run_at("2026-11-13T09:00")  # Friday: the 3-day reminder
        self.assertEqual(self.reminders(), [("a@example.jp", "3"), ("b@example.jp", "3")])
        self.run_at("2026-11-15T09:00")  # Sunday: the 1-day reminder
        self.assertEqual(len(self.reminders()), 4)

    def test_it_moves_a_reminder_due_on_a_national_holiday(self) -> None:
        event = self.make("2026-11-04T13:30")  # Wednesday after 文化の日 (Tue 3 Nov)
        self.assertEqual(due_day(event, 1), datetime.date(2026, 11, 2))
        self.run_at("2026-11-03T09:00")  # on the holiday: already due since Monday
        self.assertEqual(self.reminders(), [("a@example.jp", "1"), ("b@example.jp", "1")])

    def test_it_sends_before_the_year_end_holidays(self) -> None:
        event = self.make("2027-01-04T13:30")  # Monday after 年末年始
        self.assertEqual(due_day(event, 1), datetime.date(2026, 12, 28))  # 1/3 .. 12/29 are days off
        self.assertEqual(due_day(event, 3), datetime.date(2026, 12, 28))
        self.run_at("2026-12-25T09:00")
        self.assertEqual(self.reminders(), [])
        self.run_at("2026-12-28T09:00")
        self.assertEqual(self.reminders(), [("a@example.jp", "1"), ("b@example.jp", "1")])
        self.run_at("2027-01-02T09:00")
        self.assertEqual(len(self.reminders()), 2)

    def test_it_skips_people_who_registered_after_the_reminder_was_due(self) -> None:
        event = self.make("2026-11-13T14:00", capacity_venue=5)
        self.run_at("2026-11-10T09:00")
        with time_machine.travel(jst("2026-11-11T12:00"), tick=False):
            register(event, "late@example.jp")  # 2 days before: gets the 1-day reminder only
        self.run_at("2026-11-11T13:00")
        self.assertNotIn(("late@example.jp", "3"), self.reminders())
        self.run_at("2026-11-12T09:00")
        self.assertIn(("late@example.jp", "1"), self.reminders())

    def test_it_delivers_the_reminder_through_a_real_smtp_server(self) -> None:
        event = self.make("2026-11-13T14:00")
        with (
            smtp_server() as inbox,
            time_machine.travel(jst("2026-11-12T09:00"), tick=False),
            self.mail_sent(),
        ):
            with scope(platform=self.platform):
                do_send_reminders()
        with scopes_disabled():
            self.assertEqual(OutboxMail.objects.filter(kind="events.reminder", state="sent").count(), 2)
        reminders = [m for m in inbox if "開催】" in m["Subject"]]  # the registration mails left too
        self.assertEqual(sorted(m["To"] for m in reminders), ["a@example.jp", "b@example.jp"])
        self.assertIn("【明日開催】", reminders[0]["Subject"])
        text = body_of(reminders[0])
        self.assertIn(event.title, text)
        self.assertIn("11月13日", text)


class ReminderSettingsTestCase(BaseTestCase):
    DATA = {
        "title": "孤独・孤立対策シンポジウム",
        "slug": "symposium",
        "starts_at": "2030-12-26T13:30",
        "capacity_venue": "100",
        "capacity_online": "0",
        "allocation": "first_come",
        "offer_hours": "48",
        "fee": "無料",
        "table_size": "8",
    }

    def test_it_takes_the_days_as_people_type_them(self) -> None:
        client = self.login(self.admin)
        response = client.post(
            self.url("events:staff_create"), {**self.DATA, "reminder_days_text": "１、７　3"}
        )
        self.assertEqual(response.status_code, 302)
        with scopes_disabled():
            event = Event.objects.get(slug="symposium")
        self.assertEqual(event.reminder_days, [7, 3, 1])
        self.assertFalse(event.reminders_on_business_days)  # an unticked box
        page = client.get(self.url("events:staff_edit", event.uuid))
        self.assertContains(page, 'value="7, 3, 1"')

    def test_it_refuses_words_and_far_days(self) -> None:
        client = self.login(self.admin)
        for text, message in (("前日", "数字で"), ("30", "1〜14日前"), ("1,2,3,4", "3回まで")):
            page = client.post(self.url("events:staff_create"), {**self.DATA, "reminder_days_text": text})
            self.assertContains(page, message, status_code=200)
