"""Capacity under concurrent registrations: parallel requests, each on its own database connection.

PostgreSQL only (``make pytest-pg`` / scripts/pgtest.sh): there each thread is a separate server
session, and only the row lock on the event keeps two of them from taking the last seat.
SQLite serialises every writer with its IMMEDIATE transactions (and the in-memory test database
cannot be shared between threads), so the race cannot happen there.
"""

from __future__ import annotations

import threading
import unittest

from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import Client, TransactionTestCase
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from accounts.permissions import Actor
from events.models import Registration
from events.services.registration import RegistrationError, SignUp, do_cancel, do_register
from events.services.seating import do_move_to_table
from events.tests.helpers import make_event
from platforms.services.creation import do_create_platform


def _parallel(count: int, work) -> list[object]:  # type: ignore[no-untyped-def]
    """Run ``work(i)`` in ``count`` threads released at the same moment; results (or errors) in order."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - collected and checked by the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@unittest.skipUnless(connection.vendor == "postgresql", "row locks are tested on PostgreSQL")
class CapacityRaceTestCase(TransactionTestCase):
    def setUp(self) -> None:
        with scopes_disabled():
            self.platform = do_create_platform(slug="shiga", code="250007", name="滋賀県PF")
        self.event = make_event(self.platform, "forum", capacity_venue=100, waitlist=True)
        with scope(platform=self.platform):
            for index in range(99):
                do_register(self.event, SignUp(name=f"参加者{index}", email=f"p{index}@example.jp"))

    def test_it_gives_the_last_seat_to_exactly_one_of_two_parallel_registrations(self) -> None:
        def work(index: int) -> str:
            with scope(platform=self.platform):
                return do_register(
                    self.event, SignUp(name=f"最後{index}", email=f"last{index}@example.jp")
                ).status

        results = _parallel(2, work)
        self.assertEqual(sorted(results), ["confirmed", "waitlisted"], results)  # type: ignore[type-var]
        with scopes_disabled():
            self.assertEqual(Registration.objects.filter(event=self.event, status="confirmed").count(), 100)

    def test_it_holds_capacity_under_twenty_parallel_requests(self) -> None:
        url = reverse("events:register", args=["shiga", "forum"])

        def work(index: int) -> int:
            response = Client().post(
                url, {"name": f"並行{index}", "email": f"race{index}@example.jp", "mode": "venue"}
            )
            return response.status_code

        codes = _parallel(20, work)
        self.assertEqual(codes, [302] * 20)
        with scopes_disabled():
            states = list(Registration.objects.filter(event=self.event).values_list("status", flat=True))
        self.assertEqual(states.count("confirmed"), 100)
        self.assertEqual(states.count("waitlisted"), 19)

    def test_it_takes_one_of_two_parallel_submits_with_the_same_email(self) -> None:
        def work(index: int) -> object:
            with scope(platform=self.platform):
                try:
                    return do_register(self.event, SignUp(name="二重", email="twice@example.jp")).status
                except RegistrationError as error:
                    return error.messages[0]

        results = _parallel(2, work)
        self.assertIn("confirmed", results)
        self.assertTrue(any("既に申し込まれています" in str(r) for r in results), results)
        with scopes_disabled():
            self.assertEqual(
                Registration.objects.filter(event=self.event, email_key="twice@example.jp").count(), 1
            )

    def test_it_offers_a_freed_seat_once_when_two_cancel_and_one_registers_at_the_same_time(self) -> None:
        with scope(platform=self.platform):
            do_register(self.event, SignUp(name="満席", email="full@example.jp"))
            waiting = [
                do_register(self.event, SignUp(name=f"待ち{i}", email=f"w{i}@example.jp")) for i in range(3)
            ]
            leaving = list(
                Registration.objects.filter(event=self.event, status="confirmed").order_by("id")[:2]
            )
        self.assertEqual({w.status for w in waiting}, {"waitlisted"})

        def work(index: int) -> object:
            with scope(platform=self.platform):
                if index < 2:
                    return do_cancel(leaving[index])
                return do_register(self.event, SignUp(name="新規", email="new@example.jp")).status

        _parallel(3, work)
        with scopes_disabled():
            holding = Registration.objects.filter(event=self.event).holding_seats().count()
            offered = list(
                Registration.objects.filter(event=self.event, status="offered").values_list(
                    "email", flat=True
                )
            )
            new = Registration.objects.get(event=self.event, email_key="new@example.jp")
        self.assertEqual(holding, 100)
        self.assertEqual(sorted(offered), ["w0@example.jp", "w1@example.jp"])  # in order, before the newcomer
        self.assertEqual(new.status, "waitlisted")


@unittest.skipUnless(connection.vendor == "postgresql", "row locks are tested on PostgreSQL")
class TableSizeRaceTestCase(TransactionTestCase):
    """Two staff drag two people onto the last chair of one table at the same moment."""

    def setUp(self) -> None:
        with scopes_disabled():
            self.platform = do_create_platform(slug="shiga", code="250007", name="滋賀県PF")
        self.event = make_event(self.platform, "forum", capacity_venue=20, table_size=4)
        with scope(platform=self.platform):
            self.people = [
                do_register(self.event, SignUp(name=f"参加者{index}", email=f"p{index}@example.jp"))
                for index in range(8)
            ]
        with scopes_disabled():
            Registration.objects.filter(pk__in=[p.pk for p in self.people[:3]]).update(table=1)
            Registration.objects.filter(pk__in=[p.pk for p in self.people[3:]]).update(table=2)

    def test_it_seats_only_one_of_two_parallel_moves_on_the_last_chair(self) -> None:
        actor = Actor(user=None, role=None, platform=self.platform)

        def work(index: int) -> str:
            with scope(platform=self.platform):
                do_move_to_table(self.people[3 + index], 1, actor=actor)
                return "moved"

        results = _parallel(2, work)
        self.assertEqual(results.count("moved"), 1, results)
        self.assertEqual(sum(isinstance(r, ValidationError) for r in results), 1, results)
        with scopes_disabled():
            self.assertEqual(Registration.objects.filter(event=self.event, table=1).count(), 4)
