"""Search answers' pieces kept per service (directory.pieces) are never served stale: a changed
service, organisation, phone, schedule, location or attribute is written again, and "open now"
follows the hour even when the card is kept.

TransactionTestCase: pieces are kept only from committed rows (a transaction that changed the
directory neither reads nor keeps them), as a server process sees them."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from directory import pieces
from directory.models import Location, Phone, Schedule, ServiceAtLocation
from directory.tests.search_helpers import make_service
from platforms.services.creation import do_create_platform
from tsunagari.lib.testing import RestoringTransactionTestCase

JST = ZoneInfo("Asia/Tokyo")
TUESDAY_10 = datetime.datetime(2026, 2, 17, 10, 0, tzinfo=JST)
TUESDAY_18 = datetime.datetime(2026, 2, 17, 18, 0, tzinfo=JST)


@override_settings(PUBLIC_RATE_LIMITS={}, DIRECTORY_API_CACHE_SECONDS=0, DIRECTORY_PIECES=100)
class PiecesTestCase(RestoringTransactionTestCase):
    def setUp(self) -> None:
        pieces.clear()
        with scopes_disabled():
            self.platform = do_create_platform(slug="kakera", code="240001", name="カケラ県PF")
            self.service = make_service(
                self.platform,
                "ひだまり相談室",
                "くらしの相談を聞きます。",
                phone="059-111-2222",
                point=(34.7, 136.5),
                hours=[("MO,TU,WE,TH,FR", "09:00", "17:00")],
            )

    def tearDown(self) -> None:
        pieces.clear()

    def api(self, path: str = "/p/kakera/hsds/services?search=ひだまり") -> dict:
        response = self.client.get(path)
        self.assertEqual(response.status_code, 200)
        return response.json()["contents"][0]

    def page(self) -> str:
        response = self.client.get("/p/kakera/search", {"q": "ひだまり"})
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def queries(self, fetch) -> int:  # type: ignore[no-untyped-def]
        with CaptureQueriesContext(connection) as captured:
            fetch()
        return len(captured)

    def test_an_api_item_is_kept_until_its_service_or_organisation_changes(self) -> None:
        for path in ("/p/kakera/hsds/services?search=ひだまり", "/hsds/services?search=ひだまり"):
            first = self.queries(lambda p=path: self.api(p))
            self.assertLess(self.queries(lambda p=path: self.api(p)), first)  # kept: not loaded again
        self.assertEqual(self.api()["name"], "ひだまり相談室")
        with scopes_disabled():
            self.service.name = "ひだまり相談室（新）"
            self.service.save()
        self.assertEqual(self.api()["name"], "ひだまり相談室（新）")
        self.assertEqual(self.api("/hsds/services?search=ひだまり")["name"], "ひだまり相談室（新）")
        with scopes_disabled():
            organization = self.service.organization
            organization.name = "新しい運営団体"
            organization.save()
        self.assertEqual(self.api()["organization"]["name"], "新しい運営団体")

    def test_an_api_item_is_not_shared_between_scopes(self) -> None:
        platform_item = self.api()
        all_item = self.api("/hsds/services?search=ひだまり")
        self.assertEqual(platform_item, all_item)
        self.assertIn(
            ("service-list-item", self.platform.pk, self.service.pk),
            pieces.get_many(pieces.current(), [("service-list-item", self.platform.pk, self.service.pk)]),
        )

    def test_a_card_shows_a_changed_service_and_phone(self) -> None:
        with time_machine.travel(TUESDAY_10, tick=False):
            first = self.queries(self.page)
            self.assertLess(self.queries(self.page), first)  # kept: not loaded nor rendered again
            self.assertIn("059-111-2222", self.page())
            with scopes_disabled():
                phone = Phone.objects.get(service=self.service)
                phone.number = "059-999-0000"
                phone.save()
            page = self.page()
            self.assertIn("059-999-0000", page)
            self.assertNotIn("059-111-2222", page)
            with scopes_disabled():
                self.service.description = "夜間も受け付けます。"
                self.service.is_anonymous = True
                self.service.save()
            page = self.page()
            self.assertIn("夜間も受け付けます。", page)
            self.assertIn("匿名OK", page)

    def test_open_now_follows_the_hour_and_the_schedules(self) -> None:
        with time_machine.travel(TUESDAY_10, tick=False):
            self.assertIn("今開いています", self.page())
            self.assertIn("今開いています", self.page())  # from the kept card
        with time_machine.travel(TUESDAY_18, tick=False):
            self.assertNotIn("今開いています", self.page())  # same kept card, another hour
            with scopes_disabled():
                schedule = Schedule.objects.get(service=self.service)
                schedule.closes_at = datetime.time(20, 0)
                schedule.save()
            self.assertIn("今開いています", self.page())
            with scopes_disabled():
                schedule.delete()
            self.assertNotIn("今開いています", self.page())

    def test_a_card_follows_its_locations_schedules(self) -> None:
        with time_machine.travel(TUESDAY_18, tick=False):
            self.assertNotIn("今開いています", self.page())
            with scopes_disabled():
                location = Location.objects.get(service_at_locations__service=self.service)
                evening = Schedule.objects.create(
                    platform=self.platform,
                    location=location,
                    freq="WEEKLY",
                    byday="TU",
                    opens_at=datetime.time(17, 0),
                    closes_at=datetime.time(21, 0),
                )
            self.assertIn("今開いています", self.page())
            with scopes_disabled():
                ServiceAtLocation.objects.filter(service=self.service).delete()
            self.assertNotIn("今開いています", self.page())  # the location no longer serves it
            with scopes_disabled():
                self.assertTrue(Schedule.objects.filter(pk=evening.pk).exists())

    def test_a_card_is_kept_per_language(self) -> None:
        plain = self.page()
        easy = self.client.get("/p/kakera/search", {"q": "ひだまり", "easy": "1"}).content.decode()
        again = self.client.get("/p/kakera/search", {"q": "ひだまり", "easy": "0"}).content.decode()
        card = plain[plain.index('class="card service-card') :]
        self.assertIn(card[: card.index("</li>")], again)
        self.assertIn("ひだまり相談室", easy)

    @override_settings(DIRECTORY_PIECES=0)
    def test_nothing_is_kept_when_turned_off(self) -> None:
        self.page()
        self.api()
        self.assertEqual(
            pieces.get_many(pieces.current(), [("service-list-item", self.platform.pk, self.service.pk)]), {}
        )
