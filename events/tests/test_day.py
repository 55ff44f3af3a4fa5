"""On the day: seating by region, the printed chart, QR check-in, feedback results, certificates."""

from __future__ import annotations

import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import Role
from events.models import Course, Feedback, Registration
from events.queries import course_attendance, figures, group_key, satisfaction_shares, seated_people
from events.services.feedback import do_submit_feedback
from events.services.registration import do_check_in
from events.services.seating import do_assign_tables
from events.tables import plan
from events.tests.helpers import make_event, register, staff_actor
from tsunagari.lib.testing import BaseTestCase, make_member

REGIONS = (
    ["大津市"] * 30 + ["草津市"] * 20 + ["彦根市"] * 17 + ["長浜市"] * 13 + ["甲賀市"] * 11 + ["高島市"] * 9
)


def pdf_text(body: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(body)
        handle.flush()
        return subprocess.run(
            ["pdftotext", "-layout", handle.name, "-"], capture_output=True, check=True, text=True
        ).stdout


class SeatingTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.event = make_event(self.platform, capacity_venue=100, waitlist=False)
        for index, region in enumerate(REGIONS):
            register(self.event, f"p{index}@example.jp", name=f"参加者{index:03d}", region=region)

    def test_it_balances_100_people_at_tables_of_8_and_keeps_regions_together(self) -> None:
        with scopes_disabled():
            tables = do_assign_tables(
                self.event, attribute="region", table_size=8, actor=staff_actor(self.admin, self.platform)
            )
        sizes = [len(people) for people in tables.values()]
        self.assertEqual(len(tables), 13)
        self.assertEqual(sum(sizes), 100)
        self.assertLessEqual(max(sizes) - min(sizes), 1)
        self.assertLessEqual(max(sizes), 8)
        # each region spans no more tables than it needs plus the two it may share at its ends
        for region, count in Counter(REGIONS).items():
            spanned = {n for n, people in tables.items() if any(p.region == region for p in people)}
            self.assertLessEqual(len(spanned), -(-count // 7) + 1, region)
            self.assertEqual(sorted(spanned), list(range(min(spanned), max(spanned) + 1)), region)

    def test_it_plans_nothing_for_nobody_and_refuses_tables_of_one(self) -> None:
        self.assertEqual(plan([], "region", 8), {})
        with self.assertRaisesMessage(Exception, "2人以上"):
            plan([Registration(name="x")], "region", 1)

    def test_it_assigns_moves_and_prints_the_chart_and_name_cards(self) -> None:
        self.login(self.admin)
        url = self.url("events:seating", self.event.uuid)
        self.client.post(url, {"action": "assign", "attribute": "region", "table_size": "8"})
        with scopes_disabled():
            person = Registration.objects.get(event=self.event, email_key="p0@example.jp")
        self.client.post(url, {"action": "move", "registration": str(person.uuid), "table": "13"})
        person.refresh_from_db()
        self.assertEqual(person.table, 13)
        self.assertContains(
            self.client.post(
                url, {"action": "move", "registration": str(person.uuid), "table": "x"}, follow=True
            ),
            "1から999",
        )
        response = self.client.get(self.url("events:seating_pdf", self.event.uuid))
        self.assertEqual(response["Content-Type"], "application/pdf")
        text = pdf_text(response.content)
        self.assertIn("13番テーブル", text)
        self.assertIn("参加者000", text)
        Path("var/screenshots").mkdir(parents=True, exist_ok=True)
        Path("var/screenshots/events-seating.pdf").write_bytes(response.content)

    def test_it_checks_in_by_the_qr_page_and_undoes_a_mistake(self) -> None:
        with scopes_disabled():
            person = Registration.objects.get(event=self.event, email_key="p1@example.jp")
        self.login(self.admin)
        url = reverse("events:checkin", args=["alpha", person.uuid])
        self.assertContains(self.client.get(url), "受付する")
        self.client.post(url, {"action": "in"})
        self.client.post(url, {"action": "in"})  # scanned twice
        person.refresh_from_db()
        first = person.checked_in_at
        self.assertIsNotNone(first)
        self.client.post(url, {"action": "in"})
        person.refresh_from_db()
        self.assertEqual(person.checked_in_at, first)
        self.client.post(url, {"action": "undo"})
        person.refresh_from_db()
        self.assertIsNone(person.checked_in_at)
        self.login(self.users[Role.VIEWER])
        self.assertEqual(self.client.get(url).status_code, 403)

    def test_it_searches_the_reception_list_by_kana_and_name(self) -> None:
        self.login(self.admin)
        response = self.client.get(self.url("events:reception", self.event.uuid), {"q": "参加者042"})
        self.assertContains(response, "参加者042")
        self.assertNotContains(response, "参加者043")


class FeedbackTestCase(BaseTestCase):
    def test_it_reports_shigas_shares_with_counts(self) -> None:
        event = make_event(self.platform, capacity_venue=100)
        answers = (
            ["satisfied"] * 52 + ["rather_satisfied"] * 28 + ["rather_dissatisfied"] * 11 + ["no_answer"] * 9
        )
        with scopes_disabled():
            for answer in answers:
                do_submit_feedback(event, satisfaction=answer, actor=staff_actor(self.admin, self.platform))
            shares, total = satisfaction_shares(event)
            stats = figures(event)
        self.assertEqual(total, 100)
        by_code = {s.code: (s.count, s.percent) for s in shares}
        self.assertEqual(by_code["rather_dissatisfied"], (11, 11))
        self.assertEqual(by_code["no_answer"], (9, 9))
        self.assertEqual(stats.satisfied, 80)
        self.login(self.admin)
        page = self.client.get(self.url("events:feedback_results", event.uuid))
        self.assertContains(page, "やや不満")
        self.assertContains(page, "(80%)".replace("(", "（").replace(")", "）"))

    def test_it_refuses_an_unknown_answer(self) -> None:
        event = make_event(self.platform)
        with scopes_disabled(), self.assertRaisesMessage(Exception, "満足度を選んでください"):
            do_submit_feedback(event, satisfaction="great")
        with scopes_disabled():
            self.assertFalse(Feedback.objects.exists())


class CourseTestCase(BaseTestCase):
    def test_it_counts_sessions_and_prints_certificates_for_those_who_attended_enough(self) -> None:
        with scopes_disabled():
            course = Course.objects.create(
                platform=self.platform,
                title="つながりサポーター養成研修",
                min_sessions=2,
                certificate_title="つながりサポーター",
            )
        sessions = [make_event(self.platform, f"s{n}", course=course, capacity_venue=10) for n in range(3)]
        attended = {"a@example.jp": 3, "b@example.jp": 2, "c@example.jp": 1}
        for email, times in attended.items():
            for index, session in enumerate(sessions):
                person = register(
                    session, email, name={"a": "岐阜 一郎", "b": "大垣 二郎", "c": "高山 三郎"}[email[0]]
                )
                if index < times:
                    with scopes_disabled():
                        do_check_in(person)
        with scopes_disabled():
            lines = {line.email: (line.attended, line.completed) for line in course_attendance(course)}
        self.assertEqual(
            lines, {"a@example.jp": (3, True), "b@example.jp": (2, True), "c@example.jp": (1, False)}
        )
        self.login(self.admin)
        response = self.client.get(self.url("events:course_certificates", course.uuid))
        text = pdf_text(response.content)
        self.assertIn("岐阜 一郎", text)
        self.assertIn("大垣 二郎", text)
        self.assertNotIn("高山 三郎", text)
        self.assertIn("つながりサポーター", text)
        self.assertEqual(text.count(self.platform.name), 2)  # one certificate each, signed once
        Path("var/screenshots").mkdir(parents=True, exist_ok=True)
        Path("var/screenshots/events-certificates.pdf").write_bytes(response.content)


class SeatingByMemberTypeTestCase(BaseTestCase):
    def test_it_seats_people_with_the_member_type_of_their_organisation_and_outsiders_together(self) -> None:
        event = make_event(self.platform, capacity_venue=100, waitlist=False)
        with scopes_disabled():
            npo = make_member(self.platform, "ＮＰＯ法人ひだまり", org_type="npo")
            company = make_member(self.platform, "株式会社つながり商事", org_type="company")
        written = [
            ("NPO法人ひだまり", 5),  # as people type it: half-width letters
            ("ＮＰＯ法人 ひだまり", 3),  # a space, full width
            ("株式会社つながり商事", 4),
            ("どこかの自治会", 3),  # not a member
            ("", 1),
        ]
        index = 0
        for organisation, count in written:
            for _ in range(count):
                register(event, f"m{index}@example.jp", name=f"参加者{index:03d}", organisation=organisation)
                index += 1
        with scopes_disabled():
            tables = do_assign_tables(
                event, attribute="member_type", table_size=4, actor=staff_actor(self.admin, self.platform)
            )
            key = group_key(seated_people(event), "member_type")
        groups = {n: sorted({key(p) for p in people}) for n, people in tables.items()}
        labels = {str(npo.get_org_type_display()), str(company.get_org_type_display()), "会員外"}
        self.assertEqual(set().union(*groups.values()), labels)
        by_person = {p.email: key(p) for people in tables.values() for p in people}
        self.assertEqual(Counter(by_person.values())[str(npo.get_org_type_display())], 8)
        self.assertEqual(Counter(by_person.values())["会員外"], 4)
        # the 8 of the NPO fill two tables of 4 on their own
        self.assertEqual(sum(1 for g in groups.values() if g == [str(npo.get_org_type_display())]), 2)
        self.login(self.admin)
        page = self.client.get(self.url("events:seating", event.uuid))
        self.assertContains(page, "会員の種別")
