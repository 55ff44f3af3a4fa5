"""The events app's KPI sources in the outcomes registry: figures of the events held in a period."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django_scopes import scopes_disabled

from events.services.feedback import do_submit_feedback
from events.services.registration import do_check_in
from events.tests.helpers import make_event, register, staff_actor
from outcomes import sources
from tsunagari.lib.testing import BaseTestCase

TOKYO = ZoneInfo("Asia/Tokyo")
FY = (datetime.date(2026, 4, 1), datetime.date(2027, 3, 31))


class EventSourcesTestCase(BaseTestCase):
    def setUp(self) -> None:
        actor = staff_actor(self.admin, self.platform)
        with time_machine.travel(datetime.datetime(2026, 5, 1, 10, tzinfo=TOKYO), tick=False):
            self.forum = make_event(
                self.platform,
                "forum",
                starts_at=datetime.datetime(2026, 6, 20, 13, tzinfo=TOKYO),
                capacity_venue=4,
            )
            self.talk = make_event(
                self.platform,
                "talk",
                starts_at=datetime.datetime(2026, 9, 1, 13, tzinfo=TOKYO),
                capacity_venue=4,
            )
            forum = [register(self.forum, f"f{n}@example.jp") for n in range(5)]  # 4 confirmed, 1 waiting
            talk = [register(self.talk, f"t{n}@example.jp") for n in range(2)]
        with scopes_disabled():
            for person in forum[:3] + talk[:2]:
                do_check_in(person, actor=actor)
            for answer in ["satisfied"] * 3 + ["rather_satisfied", "dissatisfied"]:
                do_submit_feedback(self.forum, satisfaction=answer, actor=actor)
        register(make_event(self.other_platform, "beta-forum"), "x@example.jp")  # another platform

    def measure(self, key: str, parameter: str = "") -> Decimal | None:
        source = sources.get(key)
        assert source is not None, key
        return sources.measure(source, self.platform, *FY, parameter)

    def test_it_measures_the_year_and_one_event(self) -> None:
        self.assertEqual(self.measure("events.registrations"), Decimal(7))
        self.assertEqual(self.measure("events.attended"), Decimal(5))
        self.assertEqual(self.measure("events.attendance_rate"), Decimal("83.3"))  # 5 of 6 confirmed
        self.assertEqual(self.measure("events.waiting"), Decimal(1))
        self.assertEqual(self.measure("events.satisfaction"), Decimal("80.0"))
        self.assertEqual(self.measure("events.attendance_rate", str(self.talk.uuid)), Decimal("100.0"))
        self.assertIsNone(self.measure("events.satisfaction", str(self.talk.uuid)))  # no answers
        with scopes_disabled():
            choices = sources.get("events.attended").choices(self.platform)  # type: ignore[union-attr,misc]
        self.assertIn(str(self.forum.uuid), [value for value, _label in choices])

    def test_it_hides_a_satisfaction_share_of_fewer_than_five_answers(self) -> None:
        none = sources.measure(
            sources.get("events.satisfaction"),
            self.platform,
            datetime.date(2026, 4, 1),
            datetime.date(2026, 6, 19),
        )  # type: ignore[arg-type]
        self.assertIsNone(none)
