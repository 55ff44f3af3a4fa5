from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, SimpleTestCase, override_settings

from tsunagari.lib.proxy import RealClientAddressMiddleware


def _seen(request: HttpRequest) -> HttpResponse:
    return HttpResponse(request.META["REMOTE_ADDR"])


class RealClientAddressTestCase(SimpleTestCase):
    def address(self, remote: str, **headers: str) -> str:
        request = RequestFactory().get("/", REMOTE_ADDR=remote, **headers)
        return RealClientAddressMiddleware(_seen)(request).content.decode()

    @override_settings(TRUSTED_PROXIES=["127.0.0.1"])
    def test_it_takes_the_address_the_trusted_proxy_saw(self) -> None:
        self.assertEqual(self.address("127.0.0.1", HTTP_X_REAL_IP="203.0.113.7"), "203.0.113.7")
        self.assertEqual(self.address("127.0.0.1", HTTP_X_REAL_IP="2001:db8::1"), "2001:db8::1")

    @override_settings(TRUSTED_PROXIES=["127.0.0.1"])
    def test_it_ignores_the_header_from_anyone_else(self) -> None:
        self.assertEqual(self.address("198.51.100.9", HTTP_X_REAL_IP="203.0.113.7"), "198.51.100.9")

    @override_settings(TRUSTED_PROXIES=["127.0.0.1"])
    def test_it_ignores_forwarded_for_and_garbage(self) -> None:
        # nginx overwrites X-Real-IP; X-Forwarded-For is whatever the client wrote.
        self.assertEqual(self.address("127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6"), "127.0.0.1")
        self.assertEqual(self.address("127.0.0.1", HTTP_X_REAL_IP="not-an-address"), "127.0.0.1")

    @override_settings(TRUSTED_PROXIES=[])
    def test_it_trusts_nobody_unless_told(self) -> None:
        self.assertEqual(self.address("127.0.0.1", HTTP_X_REAL_IP="203.0.113.7"), "127.0.0.1")
