"""Event figures by period: registrations, attendance rate, waiting list and satisfaction, on a
page and as CSV (tsunagari.lib.downloads), per event and in total."""

from __future__ import annotations

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import time_machine
from django_scopes import scope, scopes_disabled

from events.queries import period_figures
from events.services.feedback import do_submit_feedback
from events.services.registration import do_check_in
from events.tests.helpers import make_event, register, staff_actor
from tsunagari.lib.testing import BaseTestCase

TOKYO = ZoneInfo("Asia/Tokyo")


class FiguresTestCase(BaseTestCase):
    def setUp(self) -> None:
        actor = staff_actor(self.admin, self.platform)
        with time_machine.travel(datetime.datetime(2026, 5, 1, 10, tzinfo=TOKYO), tick=False):
            forum = make_event(
                self.platform,
                "forum",
                title="=つながりフォーラム",  # a title a spreadsheet would run as a formula
                starts_at=datetime.datetime(2026, 6, 20, 13, tzinfo=TOKYO),
                deadline=None,
                capacity_venue=4,
            )
            seminar = make_event(
                self.platform,
                "seminar",
                title="研修会",
                starts_at=datetime.datetime(2027, 3, 31, 23, 30, tzinfo=TOKYO),  # late on the FY's last day
                deadline=None,
                capacity_venue=2,
            )
            old = make_event(
                self.platform,
                "old",
                title="前年度の会",
                starts_at=datetime.datetime(2026, 3, 31, 10, tzinfo=TOKYO),
            )
            people = [register(forum, f"f{n}@example.jp") for n in range(6)]  # 4 confirmed, 2 waiting
            register(seminar, "s1@example.jp")
        with scopes_disabled():
            for person in people[:3]:
                do_check_in(person, actor=actor)
            for answer in ("satisfied", "satisfied", "rather_dissatisfied"):
                do_submit_feedback(forum, satisfaction=answer, actor=actor)
        self.old = old

    def test_it_counts_the_fiscal_year_per_event_and_in_total(self) -> None:
        with scope(platform=self.platform):
            figures = period_figures(datetime.date(2026, 4, 1), datetime.date(2027, 3, 31))
        self.assertEqual([line.event.slug for line in figures.events], ["forum", "seminar"])
        forum, seminar = figures.events
        self.assertEqual((forum.registered, forum.confirmed, forum.waiting, forum.attended), (6, 4, 2, 3))
        self.assertEqual(forum.attendance_rate, 0.75)
        self.assertAlmostEqual(forum.satisfaction_rate or 0, 2 / 3)
        self.assertEqual((seminar.confirmed, seminar.attended, seminar.attendance_rate), (1, 0, 0.0))
        self.assertIsNone(seminar.satisfaction_rate)
        self.assertEqual(figures.totals["registered"], 7)
        self.assertEqual(figures.attendance_rate, 3 / 5)

    def test_it_shows_the_page_and_exports_csv(self) -> None:
        client = self.login(self.users["viewer"])
        with time_machine.travel(datetime.datetime(2026, 12, 7, 9, tzinfo=TOKYO), tick=False):
            page = client.get(self.url("events:figures"))  # this fiscal year by default
        self.assertContains(page, "=つながりフォーラム")
        self.assertContains(page, "75%")
        self.assertNotContains(page, "前年度の会")
        response = client.get(self.url("events:figures_csv") + "?start=2026-04-01&end=2027-03-31")
        self.assertEqual(response.status_code, 200)
        self.assertIn("filename*=utf-8''%E3%82%A4%E3%83%99", response["Content-Disposition"])
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0][:4], ["開催日", "イベント名", "定員", "申込"])
        self.assertEqual(
            rows[1][:10], ["2026-06-20", "'=つながりフォーラム", "4", "6", "4", "2", "0", "3", "0", "75.0%"]
        )
        self.assertEqual(rows[1][10:], ["3", "2", "66.7%"])
        self.assertEqual(rows[2][0], "2027-03-31")
        self.assertEqual(rows[3][1], "合計（2件）")
        self.assertEqual(rows[3][3], "7")

    def test_it_refuses_a_reversed_period_and_other_roles(self) -> None:
        client = self.login(self.admin)
        page = client.get(self.url("events:figures") + "?start=2027-03-31&end=2026-04-01")
        self.assertContains(page, "終了日は開始日以降にしてください。")
        self.assertEqual(
            self.login(self.users["member_staff"]).get(self.url("events:figures")).status_code, 403
        )
        self.assertEqual(self.login(self.outsider).get(self.url("events:figures")).status_code, 404)
