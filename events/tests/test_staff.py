"""Staff pages: create and publish, proposals by members, phone sign-ups, cancellation, exports."""

from __future__ import annotations

import csv
import io

from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import Role
from audit.models import AuditEntry
from events.models import Event, Registration
from events.tests.helpers import make_event, register
from tsunagari.lib.testing import BaseTestCase


class StaffEventsTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.event = make_event(self.platform, capacity_venue=2)

    def test_it_creates_a_draft_and_publishes_it(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            self.url("events:staff_create"),
            {
                "title": "孤独・孤立対策シンポジウム",
                "slug": "symposium",
                "starts_at": "2030-12-26T13:30",
                "deadline": "2030-12-20T12:00",
                "capacity_venue": "100",
                "capacity_online": "0",
                "allocation": "first_come",
                "waitlist": "on",
                "offer_hours": "48",
                "fee": "無料",
                "table_size": "8",
            },
        )
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        with scopes_disabled():
            event = Event.objects.get(slug="symposium")
        self.assertEqual(event.status, Event.Status.DRAFT)
        self.assertEqual(
            self.client.get(reverse("events:detail", args=["alpha", "symposium"])).status_code, 404
        )
        self.client.post(self.url("events:staff_status", event.uuid), {"action": "publish"})
        self.assertEqual(
            self.client.get(reverse("events:detail", args=["alpha", "symposium"])).status_code, 200
        )

    def test_it_names_a_taken_slug_and_impossible_dates(self) -> None:
        self.login(self.admin)
        data = {
            "title": "重複",
            "slug": "forum",
            "starts_at": "2030-12-26T13:30",
            "capacity_venue": "10",
            "capacity_online": "0",
            "allocation": "first_come",
            "offer_hours": "48",
            "fee": "無料",
            "table_size": "8",
        }
        self.assertContains(self.client.post(self.url("events:staff_create"), data), "既に使われています")
        data.update(slug="other", deadline="2030-12-27T00:00")
        self.assertContains(self.client.post(self.url("events:staff_create"), data), "開始日時より前")
        data.update(deadline="", capacity_venue="0")
        self.assertContains(self.client.post(self.url("events:staff_create"), data), "定員を1以上")

    def test_it_lets_a_member_propose_and_the_secretariat_return_then_approve(self) -> None:
        self.login(self.users[Role.MEMBER_STAFF])
        response = self.client.post(
            self.url("events:staff_create"),
            {
                "title": "子ども食堂まつり",
                "slug": "kodomo",
                "starts_at": "2030-08-01T10:00",
                "capacity_venue": "40",
                "capacity_online": "0",
                "fee": "無料",
            },
        )
        self.assertEqual(response.status_code, 302)
        with scopes_disabled():
            event = Event.objects.get(slug="kodomo")
        self.assertEqual((event.status, event.proposed_by), (Event.Status.PROPOSED, self.member_org))
        self.assertEqual(
            self.client.post(self.url("events:staff_status", event.uuid), {"action": "publish"}).status_code,
            403,
        )
        # another member's staff cannot see it
        self.assertEqual(self.client.get(self.url("events:staff_event", self.event.uuid)).status_code, 403)
        self.login(self.admin)
        self.client.post(self.url("events:staff_status", event.uuid), {"action": "return", "reason": ""})
        event.refresh_from_db()
        self.assertEqual(event.status, Event.Status.PROPOSED)  # a return needs its reason
        self.client.post(
            self.url("events:staff_status", event.uuid),
            {"action": "return", "reason": "日時を確認してください"},
        )
        event.refresh_from_db()
        self.assertEqual(
            (event.status, event.return_reason), (Event.Status.RETURNED, "日時を確認してください")
        )
        self.client.post(self.url("events:staff_status", event.uuid), {"action": "publish"})
        event.refresh_from_db()
        self.assertEqual(event.status, Event.Status.PUBLISHED)

    def test_it_enters_a_phone_sign_up_without_email(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            self.url("events:staff_signup", self.event.uuid),
            {
                "source": "phone",
                "name": "甲賀 一郎",
                "phone": "０７７－５２８－３５１２",
                "region": "甲賀市",
                "mode": "venue",
            },
        )
        self.assertEqual(response.status_code, 302)
        with scopes_disabled():
            person = Registration.objects.get(event=self.event)
        self.assertEqual((person.source, person.status, person.phone), ("phone", "confirmed", "077-528-3512"))

    def test_it_cancels_for_a_caller_and_reports_who_was_offered_the_seat(self) -> None:
        first = register(self.event, "a@example.jp")
        register(self.event, "b@example.jp")
        register(self.event, "c@example.jp", name="草津 次郎")
        self.login(self.admin)
        asked = self.client.get(self.url("events:registration_cancel", first.uuid))
        self.assertContains(asked, "申込を取り消す")
        first.refresh_from_db()
        self.assertEqual(first.status, "confirmed")  # opening the page cancels nothing
        response = self.client.post(self.url("events:registration_cancel", first.uuid), follow=True)
        self.assertContains(response, "草津 次郎 さんに空席をご案内しました")

    def test_it_exports_the_roster_as_csv_for_excel(self) -> None:
        register(self.event, "a@example.jp", name='=HYPERLINK("x")', organisation="NPO法人あい")
        self.login(self.admin)
        response = self.client.get(self.url("events:roster_csv", self.event.uuid))
        text = response.content.decode("utf-8")
        self.assertTrue(text.startswith("\ufeff受付番号"))
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        self.assertEqual(rows[1][3], '\'=HYPERLINK("x")')
        self.assertEqual(rows[1][5], "NPO法人あい")
        with scopes_disabled():
            entry = AuditEntry.objects.get(action=AuditEntry.EXPORT)
        self.assertEqual((entry.actor, entry.data), (self.admin, {"what": "roster", "rows": 1}))

    def test_it_shows_figures_and_an_empty_state(self) -> None:
        self.login(self.admin)
        page = self.client.get(self.url("events:staff_event", self.event.uuid))
        self.assertContains(page, "まだ申込はありません")
        register(self.event, "a@example.jp")
        page = self.client.get(self.url("events:staff_event", self.event.uuid))
        self.assertContains(page, "a@example.jp".split("@")[0])

    def test_it_answers_404_for_another_platforms_event(self) -> None:
        other = make_event(self.other_platform, "beta-forum")
        person = register(other, "x@example.jp")
        self.login(self.admin)
        for name, obj in [
            ("events:staff_event", other),
            ("events:seating", other),
            ("events:registration_cancel", person),
        ]:
            self.assertEqual(self.client.get(self.url(name, obj.uuid)).status_code in (404, 405), True, name)
            self.assertEqual(self.client.post(self.url(name, obj.uuid)).status_code, 404, name)
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url("events:staff_list")).status_code, 404)
