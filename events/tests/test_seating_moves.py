"""Moving one person to another table: the plain form (no JavaScript) and the page's JSON request
(drag and drop) go through one service that enforces the table size and writes the audit log."""

from __future__ import annotations

from django_scopes import scopes_disabled

from audit.models import AuditEntry
from events.models import Registration
from events.services.seating import do_assign_tables
from events.tests.helpers import make_event, register, staff_actor
from tsunagari.lib.testing import BaseTestCase

JSON = {"HTTP_ACCEPT": "application/json"}


class SeatMoveTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.event = make_event(self.platform, capacity_venue=10, table_size=3)
        for n, region in enumerate(["大津市"] * 3 + ["草津市"] * 2 + ["彦根市"] * 2):
            register(self.event, f"p{n}@example.jp", name=f"参加者{n}", region=region)
        with scopes_disabled():
            do_assign_tables(
                self.event, attribute="region", table_size=3, actor=staff_actor(self.admin, self.platform)
            )
        self.url_ = self.url("events:seating", self.event.uuid)

    def at(self, table: int) -> list[Registration]:
        with scopes_disabled():
            return list(Registration.objects.filter(event=self.event, table=table).order_by("id"))

    def test_it_moves_with_the_plain_form_and_audits_it(self) -> None:
        client = self.login(self.admin)
        person = self.at(1)[0]
        response = client.post(
            self.url_, {"action": "move", "registration": str(person.uuid), "table": "2"}, follow=True
        )
        self.assertContains(response, f"{person.name} さんを2番テーブルに移しました。")
        self.assertEqual(len(self.at(2)), 3)
        with scopes_disabled():
            entry = AuditEntry.objects.filter(action="events.move_seat").latest("id")
        self.assertEqual(entry.data, {"from": 1, "to": 2})
        self.assertEqual(entry.actor, self.admin)
        self.assertEqual(entry.object_id, str(person.uuid))

    def test_it_refuses_a_full_table_on_the_server(self) -> None:
        client = self.login(self.admin)
        self.assertEqual([len(self.at(n)) for n in (1, 2, 3)], [3, 2, 2])
        person = self.at(2)[0]
        response = client.post(
            self.url_, {"action": "move", "registration": str(person.uuid), "table": "1"}, follow=True
        )
        self.assertContains(response, "1番テーブルは満席です（3人）")
        self.assertEqual(len(self.at(1)), 3)
        # the same through the script's request: 409 with the message, nothing moved or logged
        response = client.post(
            self.url_, {"action": "move", "registration": str(person.uuid), "table": "1"}, **JSON
        )
        self.assertEqual(response.status_code, 409)
        self.assertIn("満席", response.json()["error"])
        with scopes_disabled():
            self.assertFalse(AuditEntry.objects.filter(action="events.move_seat").exists())

    def test_it_answers_the_drag_with_json_and_allows_a_new_table_or_unassigned(self) -> None:
        client = self.login(self.users["secretariat_staff"])
        person = self.at(1)[0]
        response = client.post(
            self.url_, {"action": "move", "registration": str(person.uuid), "table": "4"}, **JSON
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json(), {"ok": True, "message": f"{person.name} さんを4番テーブルに移しました。"}
        )
        response = client.post(
            self.url_, {"action": "move", "registration": str(person.uuid), "table": ""}, **JSON
        )
        self.assertEqual(response.json()["ok"], True)
        with scopes_disabled():
            person.refresh_from_db()
        self.assertIsNone(person.table)
        page = client.get(self.url_)
        self.assertContains(page, "未割り当て")
        self.assertContains(page, 'data-table="4"')  # the empty next table, a drop target

    def test_it_keeps_other_roles_and_platforms_out(self) -> None:
        person = self.at(1)[0]
        data = {"action": "move", "registration": str(person.uuid), "table": "2"}
        self.assertEqual(self.login(self.users["viewer"]).post(self.url_, data).status_code, 403)
        self.assertEqual(self.login(self.outsider).post(self.url_, data, **JSON).status_code, 404)
        other = make_event(self.other_platform, "beta-forum")
        stranger = register(other, "x@example.jp")
        response = self.login(self.admin).post(
            self.url_, {"action": "move", "registration": str(stranger.uuid), "table": "2"}, **JSON
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(len(self.at(1)), 3)
