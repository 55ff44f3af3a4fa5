"""The roster of people who completed a course (Gifu's つながりサポーター), kept for later invitations."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from audit.models import AuditEntry
from events.models import Course, Registration
from events.queries import supporters
from events.tests.helpers import make_event, register
from tsunagari.lib.testing import BaseTestCase


class SupportersTestCase(BaseTestCase):
    def setUp(self) -> None:
        with scopes_disabled():
            self.course = Course.objects.create(
                platform=self.platform, title="つながりサポーター養成研修", min_sessions=2
            )
            self.follow_up = Course.objects.create(
                platform=self.platform, title="フォローアップ研修", min_sessions=1
            )
        self.sessions = [
            make_event(self.platform, f"s{n}", course=self.course, capacity_venue=50) for n in range(3)
        ]
        self.later = make_event(self.platform, "follow", course=self.follow_up, capacity_venue=50)

    def attend(self, event, email: str, name: str, day: int, **extra) -> Registration:  # type: ignore[no-untyped-def]
        person = register(event, email, name=name, **extra)
        with scopes_disabled():
            Registration.objects.filter(pk=person.pk).update(
                checked_in_at=timezone.make_aware(datetime.datetime(2026, 10, day, 10))
            )
        return person

    def test_it_lists_each_person_who_completed_once_with_every_course_and_the_day_it_was_reached(
        self,
    ) -> None:
        self.attend(self.sessions[0], "hanako@example.jp", "山田 花子", 3, organisation="ひだまり")
        self.attend(
            self.sessions[1], "Hanako@Example.jp", "山田花子", 10, organisation="NPOひだまり"
        )  # as retyped
        self.attend(self.sessions[2], "hanako@example.jp", "山田 花子", 17)
        self.attend(self.later, "hanako@example.jp", "山田 花子", 24)
        self.attend(self.sessions[0], "taro@example.jp", "鈴木 太郎", 3)  # one session of two: not yet
        register(self.sessions[1], "jiro@example.jp", name="佐藤 次郎")  # registered, never came
        with scope(platform=self.platform):
            roster = supporters()
        self.assertEqual(len(roster), 1)
        line = roster[0]
        self.assertEqual(line.courses, ["つながりサポーター養成研修", "フォローアップ研修"])
        self.assertEqual(line.completed_on, datetime.date(2026, 10, 10))  # the second attendance
        self.assertEqual(line.organisation, "NPOひだまり")  # the latest given (the last visit left it empty)
        self.assertEqual(line.name, "山田 花子")
        self.login(self.admin)
        page = self.client.get(self.url("events:supporters"))
        self.assertContains(page, "山田 花子")
        self.assertNotContains(page, "鈴木 太郎")
        self.assertContains(page, "2026年10月10日")

    def test_it_exports_the_roster_for_the_secretariat_only_and_logs_the_export(self) -> None:
        self.attend(self.later, "=cmd@example.jp", "=HYPERLINK(1)", 5)
        self.login(self.admin)
        response = self.client.get(self.url("events:supporters_csv"))
        text = response.content.decode("utf-8-sig")
        self.assertIn("'=HYPERLINK(1)", text)  # formula-safe
        self.assertIn("フォローアップ研修", text)
        self.assertTrue(AuditEntry.objects.filter(action=AuditEntry.EXPORT, data__what="supporters").exists())
        self.login(self.users[Role.VIEWER])
        self.assertEqual(self.client.get(self.url("events:supporters")).status_code, 200)
        self.assertEqual(self.client.get(self.url("events:supporters_csv")).status_code, 403)

    def test_it_says_how_the_roster_fills_when_nobody_has_completed(self) -> None:
        self.login(self.admin)
        self.assertContains(self.client.get(self.url("events:supporters")), "まだ修了した方はいません")
