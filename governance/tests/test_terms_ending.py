"""Terms ending: ``governance_tasks`` mails the secretariat once about each seat whose term ends
within 30 days (run daily; at 年末 too), and never about a term already over or further away."""

from __future__ import annotations

import datetime
import io
import zoneinfo

import time_machine
from django.core.management import call_command
from django_scopes import scopes_disabled

from governance.models import Seat
from governance.tests.helpers import make_body
from tsunagari.lib.smtp import body_of, smtp_server
from tsunagari.lib.testing import BaseTestCase

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
# The last working morning of the year: the notices still go out.
MORNING = datetime.datetime(2026, 12, 28, 7, 30, tzinfo=TOKYO)
TODAY = MORNING.date()


class TermsEndingTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.platform.contact_email = "jimukyoku@alpha.example.jp"
        self.platform.save(update_fields=["contact_email"])
        _body, seats = make_body(self.platform, n=4)
        ends = [
            TODAY + datetime.timedelta(days=30),  # the last day of the window
            TODAY,  # ends today
            TODAY + datetime.timedelta(days=31),  # too far
            TODAY - datetime.timedelta(days=1),  # already over
        ]
        with scopes_disabled():
            for seat, ends_on in zip(seats, ends, strict=True):
                Seat.objects.filter(pk=seat.pk).update(ends_on=ends_on)
        self.seats = seats

    def run_tasks(self) -> str:
        out = io.StringIO()
        with time_machine.travel(MORNING, tick=False), smtp_server() as inbox, self.mail_sent():
            call_command("governance_tasks", stdout=out)
        self.inbox = inbox
        return out.getvalue()

    def test_it_mails_each_ending_term_once(self) -> None:
        self.assertIn("2 terms ending", self.run_tasks())
        notices = [m for m in self.inbox if "任期満了" in m["Subject"]]
        self.assertEqual([m["To"] for m in notices], ["jimukyoku@alpha.example.jp"] * 2)
        names = sorted(next(s.name for s in self.seats[:2] if s.name in m["Subject"]) for m in notices)
        self.assertEqual(names, sorted(s.name for s in self.seats[:2]))
        self.assertIn("2026年12月28日", "".join(body_of(m) for m in notices))
        with scopes_disabled():
            marked = dict(
                Seat.objects.filter(pk__in=[s.pk for s in self.seats]).values_list("pk", "reminded_on")
            )
        self.assertEqual([marked[s.pk] for s in self.seats], [TODAY, TODAY, None, None])

        self.assertIn("0 terms ending", self.run_tasks())  # the next run: nothing again
        self.assertEqual([m for m in self.inbox if "任期満了" in m["Subject"]], [])
