"""Split hours on one day (9:00〜12:00 and 13:00〜16:00), from an HSDS import to the public pages.

The service comes from the HSDS example data set with its schedules replaced by two weekly
ranges on the same weekdays, as a municipality's export carries a lunch break: the staff form
shows and edits both ranges, overlaps are refused naming the days, and the navigator's
「今開いています」 and 「次に開くのは」 respect the gap at lunch (and a 祝日).
"""

from __future__ import annotations

import csv
import datetime
import shutil
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from directory.hours import order_problem, overlaps
from directory.models import Schedule, Service, ServiceChange
from directory.services.tabular import do_export_hsds, do_import_hsds
from directory.tests.hsds_fixtures import EXAMPLE, EXAMPLE_SERVICE
from directory.tests.test_services_staff import rows
from tsunagari.lib.testing import BaseTestCase

JST = ZoneInfo("Asia/Tokyo")
MORNING = "5a0c2f5e-0001-4c3e-9d7a-8e1f00000001"
AFTERNOON = "5a0c2f5e-0002-4c3e-9d7a-8e1f00000002"
MONTHLY = "5a0c2f5e-0003-4c3e-9d7a-8e1f00000003"
T = datetime.time


def at(day: int, hour: int, minute: int = 0, month: int = 12, year: int = 2026) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=JST)


class RangeChecksTestCase(BaseTestCase):
    def test_it_accepts_a_lunch_break_and_names_the_days_of_an_overlap(self) -> None:
        weekdays = ["MO", "TU", "WE", "TH", "FR"]
        self.assertEqual(overlaps([(weekdays, T(9), T(12)), (weekdays, T(13), T(16))]), [])
        self.assertEqual(overlaps([(weekdays, T(9), T(12)), (weekdays, T(12), T(16))]), [])  # back to back
        self.assertEqual(
            overlaps([(weekdays, T(9), T(12)), (["WE", "FR"], T(11, 30), T(16))]),
            ["水・金曜日: 9:00〜12:00 と 11:30〜16:00 の時間帯が重なっています。"],
        )
        self.assertEqual(
            overlaps([(["FR"], T(19), T(2)), (["SA"], T(1), T(5))]),
            ["土曜日: 前日からの 19:00〜翌2:00 と 1:00〜5:00 の時間帯が重なっています。"],
        )
        every_day = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
        self.assertEqual(
            overlaps([(every_day, T(0), T(0)), (["SU"], T(10), T(12))]),
            ["日曜日: 24時間 と 10:00〜12:00 の時間帯が重なっています。"],
        )

    def test_it_takes_an_end_before_the_start_as_overnight_only_in_the_evening(self) -> None:
        self.assertEqual(order_problem(T(19), T(2)), "")
        self.assertEqual(order_problem(T(16), T(9)), "")
        self.assertEqual(order_problem(T(9), T(9)), "")  # 24 hours
        self.assertIn("終了時刻 12:00 が開始時刻 13:00 より前です", order_problem(T(13), T(12)))
        self.assertIn("終了時刻 9:00 が開始時刻 10:00 より前です", order_problem(T(10), T(9)))


class SplitHoursTestCase(BaseTestCase):
    """A service imported from HSDS with two ranges on each weekday."""

    def setUp(self) -> None:
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder)
        shutil.copytree(EXAMPLE, folder / "in")
        with (EXAMPLE / "schedules.csv").open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        schedules = [
            {"id": MORNING, "service_id": EXAMPLE_SERVICE, "freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR"}
            | {"opens_at": "09:00:00", "closes_at": "12:00:00", "description": "平日 9時〜12時、13時〜16時"},
            {"id": AFTERNOON, "service_id": EXAMPLE_SERVICE, "freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR"}
            | {"opens_at": "13:00:00", "closes_at": "16:00:00", "notes": "昼休み 12時〜13時"},
            {"id": MONTHLY, "service_id": EXAMPLE_SERVICE, "freq": "MONTHLY", "byday": "2SA,4SA"}
            | {"opens_at": "10:00:00", "closes_at": "12:00:00"},
        ]
        with (folder / "in" / "schedules.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=header)
            writer.writeheader()
            writer.writerows(schedules)
        # The example's phone is a British number in quotes; a Japanese service has a Japanese one.
        phones = (folder / "in" / "phones.csv").read_text(encoding="utf-8")
        (folder / "in" / "phones.csv").write_text(
            phones.replace('"""+44 1234 234567"""', "0596-21-5556"), encoding="utf-8"
        )
        with scope(platform=self.platform):
            do_import_hsds(self.platform, folder / "in")
            self.service = Service.objects.get(uuid=EXAMPLE_SERVICE)
        self.folder = folder

    def ranges(self) -> list[tuple[str, str, str]]:
        with scope(platform=self.platform):
            return [
                (s.byday, s.opens_at.strftime("%H:%M"), s.closes_at.strftime("%H:%M"))
                for s in Schedule.objects.filter(service=self.service, freq="WEEKLY").order_by("opens_at")
            ]

    def edit_url(self) -> str:
        return self.url("directory:service_edit", self.service.uuid)

    def post_ranges(self, *items: dict, initial: int = 2):  # type: ignore[no-untyped-def]
        form = self.client.get(self.edit_url()).context["form"]
        data = {name: value for name, value in form.initial.items() if name in form.fields and value}
        phones = [{k: v for k, v in row.items() if v} for row in form.initial.get("phones") or []]
        data.update(rows("phones", *phones, initial=len(phones)))
        data.update(rows("schedules", *items, initial=initial))
        for key in ("target_groups", "age_bands", "terms"):
            data[key] = form.initial.get(key) or []
        return self.client.post(self.edit_url(), data)

    def test_it_shows_both_ranges_of_the_day_in_the_staff_form(self) -> None:
        self.login(self.admin)
        response = self.client.get(self.edit_url())
        schedules = response.context["form"].schedules
        self.assertEqual(
            [
                (row.initial["byday"], row.initial["opens_at"], row.initial["closes_at"])
                for row in schedules.forms[:2]
            ],
            [
                (["MO", "TU", "WE", "TH", "FR"], "09:00", "12:00"),
                (["MO", "TU", "WE", "TH", "FR"], "13:00", "16:00"),
            ],
        )
        self.assertEqual(len(schedules.forms), 3)  # and an empty row to add a third
        self.assertContains(response, 'value="13:00"')
        self.assertContains(response, "月〜金 9:00〜12:00、13:00〜16:00")
        self.assertContains(response, "毎月第2・第4土曜日 10:00〜12:00")  # kept, not a row
        detail = self.client.get(self.url("directory:service", self.service.uuid))
        self.assertContains(detail, "月〜金 9:00〜12:00、13:00〜16:00")
        self.assertNotContains(detail, "WEEKLY")

    def test_it_refuses_overlapping_ranges_naming_the_days_and_writes_nothing(self) -> None:
        self.login(self.admin)
        weekdays = ["MO", "TU", "WE", "TH", "FR"]
        response = self.post_ranges(
            {"id": MORNING, "byday": weekdays, "opens_at": "09:00", "closes_at": "12:00"},
            {"id": AFTERNOON, "byday": ["TU", "TH"], "opens_at": "11:00", "closes_at": "16:00"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "火・木曜日: 9:00〜12:00 と 11:00〜16:00 の時間帯が重なっています。")
        response = self.post_ranges(
            {"id": MORNING, "byday": weekdays, "opens_at": "13:00", "closes_at": "12:00"},
            {"id": AFTERNOON, "byday": weekdays, "opens_at": "13:00", "closes_at": "16:00"},
        )
        self.assertContains(response, "月〜金: 終了時刻 12:00 が開始時刻 13:00 より前です。")
        self.assertEqual(
            self.ranges(), [("MO,TU,WE,TH,FR", "09:00", "12:00"), ("MO,TU,WE,TH,FR", "13:00", "16:00")]
        )

    def test_it_edits_removes_and_adds_ranges_keeping_the_rest_of_each_schedule(self) -> None:
        self.login(self.admin)
        weekdays = ["MO", "TU", "WE", "TH", "FR"]
        response = self.post_ranges(
            {"id": MORNING, "byday": weekdays, "opens_at": "09:00", "closes_at": "12:00"},
            {"id": AFTERNOON, "byday": ["MO", "WE", "FR"], "opens_at": "13:00", "closes_at": "17:00"},
            {"id": "", "byday": ["TU", "TH"], "opens_at": "13:30", "closes_at": "15:00"},
        )
        self.assertRedirects(response, self.url("directory:service", self.service.uuid))
        self.assertEqual(
            self.ranges(),
            [
                ("MO,TU,WE,TH,FR", "09:00", "12:00"),
                ("MO,WE,FR", "13:00", "17:00"),
                ("TU,TH", "13:30", "15:00"),
            ],
        )
        with scope(platform=self.platform):
            afternoon = Schedule.objects.get(uuid=AFTERNOON)
            self.assertEqual(afternoon.notes, "昼休み 12時〜13時")  # the row's other HSDS fields stay
            self.assertTrue(Schedule.objects.filter(uuid=MONTHLY, byday="2SA,4SA").exists())
            self.assertEqual(Schedule.objects.get(uuid=MORNING).description, "平日 9時〜12時、13時〜16時")
        response = self.post_ranges(
            {"id": MORNING, "byday": weekdays, "opens_at": "09:00", "closes_at": "12:00"},
            {
                "id": AFTERNOON,
                "byday": ["MO", "WE", "FR"],
                "opens_at": "13:00",
                "closes_at": "17:00",
                "DELETE": "on",
            },
            initial=3,
        )
        self.assertRedirects(response, self.url("directory:service", self.service.uuid))
        self.assertEqual(self.ranges(), [("MO,TU,WE,TH,FR", "09:00", "12:00")])
        # the HSDS export carries every schedule, one row each
        with scope(platform=self.platform):
            do_export_hsds(self.platform, self.folder / "out")
        with (self.folder / "out" / "schedules.csv").open(encoding="utf-8-sig", newline="") as handle:
            exported = [r for r in csv.DictReader(handle) if r["service_id"] == EXAMPLE_SERVICE]
        self.assertEqual(sorted(r["byday"] for r in exported), ["2SA,4SA", "MO,TU,WE,TH,FR"])

    def test_it_lets_a_member_propose_split_hours_that_the_secretariat_approves(self) -> None:
        with scopes_disabled():
            Service.objects.filter(pk=self.service.pk).update(member=self.member_org)
        self.login(self.users[Role.MEMBER_STAFF])
        response = self.post_ranges(
            {
                "id": MORNING,
                "byday": ["MO", "TU", "WE", "TH", "FR"],
                "opens_at": "09:00",
                "closes_at": "11:30",
            },
            {
                "id": AFTERNOON,
                "byday": ["MO", "TU", "WE", "TH", "FR"],
                "opens_at": "13:00",
                "closes_at": "16:00",
            },
        )
        self.assertRedirects(response, self.url("directory:service", self.service.uuid))
        self.assertEqual(self.ranges()[0], ("MO,TU,WE,TH,FR", "09:00", "12:00"))  # not yet
        with scope(platform=self.platform):
            change = ServiceChange.objects.get(service=self.service)
        self.assertEqual(list(change.changes), ["schedules"])
        self.login(self.admin)
        review = self.client.get(self.url("directory:change", change.uuid))
        self.assertContains(review, "月〜金 9:00〜11:30")
        self.client.post(self.url("directory:change", change.uuid), {"action": "approve"})
        self.assertEqual(
            self.ranges(), [("MO,TU,WE,TH,FR", "09:00", "11:30"), ("MO,TU,WE,TH,FR", "13:00", "16:00")]
        )

    def test_it_is_closed_at_lunch_and_says_when_it_opens_again(self) -> None:
        page = self.url("directory:service_page", self.service.uuid)
        cases = [
            (at(8, 10), True, None),  # Tuesday morning
            (at(8, 12, 30), False, "12月8日（火） 13:00"),  # the lunch break
            (at(8, 15, 59), True, None),
            (at(8, 16, 0), False, "12月9日（水） 9:00"),
            (at(12, 10, 30), True, None),  # the 2nd Saturday: 毎月第2・第4土曜日 10:00〜12:00
            (at(19, 10, 30), False, "12月21日（月） 9:00"),  # the 3rd Saturday
            (at(11, 11, month=1, year=2027), False, "1月12日（火） 9:00"),  # 成人の日
        ]
        for moment, is_open, next_text in cases:
            with self.subTest(at=moment), time_machine.travel(moment, tick=False):
                response = self.client.get(page)
                self.assertEqual("今開いています" in response.content.decode(), is_open)
                if next_text:
                    self.assertContains(response, f"次に開くのは {next_text} からです。")
                found = self.client.get(self.url("directory:search"), {"open_now": "on"})
                names = [s.name for s in found.context["services"]]
                self.assertEqual("Community Counselling" in names, is_open)
