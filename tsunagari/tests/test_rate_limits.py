"""Rate limits on groups of public requests (issue 16, finding 5): the public HSDS API, the
navigator's search, survey starts and every other anonymous POST, per client address and shared
by all workers; over a limit the Japanese 429 page (JSON for the API) with Retry-After.

The numbers are made small here (settings.PUBLIC_RATE_LIMITS) so that the tests stay short;
each test starts with empty counters: it clears the cache first, since counters committed
earlier in the same window by another test on the same worker (a live-server test commits)
are not rolled back with this one (the full run failed twice that way: 429 on the first try)."""

from __future__ import annotations

import time

import time_machine
from django.core.cache import cache
from django.test import override_settings
from django_scopes import scopes_disabled

from accounts.models import Role
from surveys.services.questionnaire import do_create_survey, do_open_survey
from tsunagari.lib.testing import BaseTestCase

SMALL = {"hsds": (3, 300), "search": (3, 60), "survey_start": (2, 600), "anonymous_post": (4, 600)}


@override_settings(PUBLIC_RATE_LIMITS=SMALL)
class PublicRateLimitTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        # The counters run in fixed windows (a multiple of 60 s): start each test just after
        # the next hour begins, which starts every window here, so that no window ends
        # between the requests of one test (the clock keeps running from there).
        hour = (int(time.time()) // 3600 + 1) * 3600
        traveller = time_machine.travel(hour + 1, tick=True)
        traveller.start()
        self.addCleanup(traveller.stop)

    def assert_limited(self, response) -> None:  # type: ignore[no-untyped-def]
        self.assertEqual(response.status_code, 429)
        self.assertGreaterEqual(int(response["Retry-After"]), 1)

    def test_it_limits_the_navigator_search_with_a_japanese_page(self) -> None:
        for _i in range(3):
            self.assertEqual(self.client.get("/p/alpha/search", {"q": "相談"}).status_code, 200)
        response = self.client.get("/p/alpha/search", {"q": "相談"})
        self.assert_limited(response)
        self.assertContains(response, "分ほどたってから", status_code=429)
        # The page still leaves a number to call.
        self.assertContains(response, "0120-279-338", status_code=429)
        # Another client is not affected.
        self.assertEqual(self.client.get("/p/alpha/search", REMOTE_ADDR="192.0.2.8").status_code, 200)

    def test_it_limits_the_public_api_with_json(self) -> None:
        for _i in range(3):
            self.assertEqual(self.client.get("/p/alpha/hsds/services").status_code, 200)
        response = self.client.get("/hsds/services")  # the aggregate counts with it
        self.assert_limited(response)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertIn("しばらくしてから", response.json()["detail"])

    def test_it_limits_survey_starts(self) -> None:
        with scopes_disabled():
            do_open_survey(
                do_create_survey(self.platform, slug="kodoku", title="実態調査", template="national")
            )
        for _i in range(2):
            # Started (302) or refused for its own reason (409): either way a start was tried.
            self.assertIn(self.client.post("/p/alpha/s/kodoku/").status_code, (302, 409))
        self.assert_limited(self.client.post("/p/alpha/s/kodoku/"))

    def test_it_limits_every_anonymous_post_but_not_signed_in_staff(self) -> None:
        for _i in range(4):
            self.assertNotEqual(self.client.post("/p/alpha/mailings/", {}).status_code, 429)
        self.assert_limited(self.client.post("/p/alpha/members/", {}))
        staff = self.login(self.users[Role.SECRETARIAT_STAFF])
        for _i in range(6):
            self.assertNotEqual(staff.post("/p/alpha/staff/", {}).status_code, 429)

    @override_settings(PUBLIC_RATE_LIMITS={})
    def test_it_can_be_switched_off_for_benchmarks(self) -> None:
        for _i in range(6):
            self.assertEqual(self.client.get("/p/alpha/search").status_code, 200)
