"""Statistics: consult_report (command and staff page), small-count suppression, the Yamagata demo month."""

from __future__ import annotations

import datetime
import io
import json
from collections import Counter

from django.core.management import CommandError, call_command
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from consultations import demo_casework
from consultations.models import ChannelKind
from consultations.tests.casework import make_conversation
from platforms.services.creation import do_create_platform
from tsunagari.lib.testing import BaseTestCase

TOKYO = datetime.timezone(datetime.timedelta(hours=9))


def at(day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, 0, tzinfo=TOKYO)


class ReportTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        first = make_conversation(cls.platform, "a", "b", label="P001", at=at(2, 19), state="closed")
        # The same person again, and two others on the web chat, one outside the period.
        with scopes_disabled():
            second = make_conversation(cls.platform, "c", label="P001B", at=at(5, 23))
            second.consulter = first.consulter
            second.save()
        make_conversation(cls.platform, "d", kind=ChannelKind.WEB, label="P002", at=at(9, 19))
        make_conversation(cls.platform, "e", kind=ChannelKind.WEB, label="P003", at=at(31, 12))
        make_conversation(cls.platform, "f", label="OUT1", at=datetime.datetime(2026, 4, 1, 10, tzinfo=TOKYO))
        make_conversation(cls.other_platform, "g", label="BETA", at=at(3, 19))
        cls.first, cls.second = first, second

    def report(self, *extra: str) -> dict:
        out = io.StringIO()
        call_command(
            "consult_report",
            "alpha",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--json",
            *extra,
            stdout=out,
        )
        return json.loads(out.getvalue())

    def test_it_counts_people_consultations_messages_and_channels(self) -> None:
        data = self.report()
        self.assertEqual((data["consulters"], data["consultations"]), (3, 4))
        self.assertEqual(data["messages"]["from_consulters"], 5)
        channels = {row["key"]: (row["count"], row["consulters"]) for row in data["by_channel"]}
        self.assertEqual(channels, {"line": (2, 1), "web": (2, 2)})
        hours = {row["key"]: row["count"] for row in data["by_hour"] if row["count"]}
        self.assertEqual(hours, {"19": 2, "23": 1, "12": 1})
        for key in ("consulters", "consultations", "by_age_band", "by_topic", "by_channel", "referrals"):
            self.assertIn(key, data)

    def test_it_counts_age_bands_per_person_and_topics_per_consultation(self) -> None:
        self.login(self.users[Role.COUNSELLOR])
        record = lambda c, band, topics: self.client.post(  # noqa: E731
            self.url("consultations:conversation", c.uuid),
            {"action": "record", "rec-age_band": band, "rec-topics": topics, "rec-risk_level": "none"},
        )
        record(self.first, "30s", ["family", "work"])
        record(self.second, "30s", ["family"])
        data = self.report()
        bands = {row["key"]: row["count"] for row in data["by_age_band"]}
        self.assertEqual((bands["30s"], bands["unknown"]), (1, 2))  # one person, however many consultations
        topics = {row["key"]: row["count"] for row in data["by_topic"]}
        self.assertEqual((topics["family"], topics["work"]), (2, 1))
        self.assertIn("合計は相談件数と一致しません", data["topics_note"])

    def test_it_suppresses_small_counts_outside_the_secretariat(self) -> None:
        data = self.report("--suppress")
        self.assertEqual(data["consulters"], 3)
        self.assertEqual(data["consultations"], 4)
        channels = {row["key"]: row["count"] for row in data["by_channel"]}
        self.assertEqual(channels, {"line": "<3", "web": "<3"})
        self.login(self.users[Role.VIEWER])
        page = self.client.get(
            self.url("consultations:report"), {"date_from": "2026-03-01", "date_to": "2026-03-31"}
        )
        self.assertContains(page, "&lt;3")
        self.assertContains(
            page, "<svg", count=7
        )  # age, topic, channel, household case contacts, hour, response, referral outcomes
        self.client.logout()
        self.login(self.users[Role.SECRETARIAT_STAFF])
        page = self.client.get(
            self.url("consultations:report"), {"date_from": "2026-03-01", "date_to": "2026-03-31"}
        )
        self.assertNotContains(page, "&lt;3")
        self.assertEqual(page.context["report"]["by_channel"][0]["count"], 2)

    def test_it_rejects_bad_arguments_with_a_clear_message(self) -> None:
        with self.assertRaisesMessage(CommandError, "--from: not a date"):
            call_command("consult_report", "alpha", "--from", "2026-3-1", "--to", "2026-03-31")
        with self.assertRaisesMessage(CommandError, "unknown platform"):
            call_command("consult_report", "gamma", "--from", "2026-03-01", "--to", "2026-03-31")
        self.login(self.users[Role.SECRETARIAT_STAFF])
        page = self.client.get(
            self.url("consultations:report"), {"date_from": "2026-03-31", "date_to": "2026-03-01"}
        )
        self.assertContains(page, "終了日は開始日以降にしてください。", status_code=400)


class YamagataDemoMonthTestCase(BaseTestCase):
    def test_it_generates_a_month_that_reports_85_people_and_203_consultations(self) -> None:
        with scopes_disabled():
            platform = do_create_platform(
                slug="yamagata-shi", code="062014", name="山形市つながりよりそうプラットフォーム"
            )
        created: Counter[str] = Counter()
        with scope(platform=platform):
            demo_casework.load(platform, "yamagata-shi", created)
            demo_casework.load(platform, "yamagata-shi", created)  # idempotent
        self.assertEqual((created["consulters"], created["consultations"]), (85, 203))
        out = io.StringIO()
        call_command(
            "consult_report",
            "yamagata-shi",
            "--from",
            "2023-02-01",
            "--to",
            "2023-02-28",
            "--json",
            stdout=out,
        )
        data = json.loads(out.getvalue())
        self.assertEqual((data["consulters"], data["consultations"]), (85, 203))
        bands = [row["count"] for row in data["by_age_band"]]
        self.assertEqual(bands, [5, 13, 20, 22, 16, 8, 1])
        topics = {row["label"]: row["count"] for row in data["by_topic"]}
        self.assertEqual(
            (topics["家族関係"], topics["仕事・就労"], topics["病気・障害"], topics["離婚"]), (44, 39, 27, 1)
        )
        self.assertEqual(sum(topics.values()), 178)
        self.assertEqual(data["by_channel"][0]["count"], 203)
