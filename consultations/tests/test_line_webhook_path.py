"""The webhook's own cost (issue 21 item 3): its requests skip the middleware a signed machine
URL does not need, and a bad signature does not reload and decrypt the channel each time."""

from __future__ import annotations

import io
import sys
from unittest import mock

from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from consultations import crypto
from consultations.line_api import signature
from consultations.line_fake import body_of, make_event
from consultations.models import InboundEvent
from consultations.services.channels import do_configure_line
from consultations.tests.helpers import SECRET, LineTestCase
from consultations.views import line as line_views
from tsunagari import wsgi

USER = "U" + "2" * 32


def environ(path: str, body: bytes, sig: str) -> dict[str, object]:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_X_LINE_SIGNATURE": sig,
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
    }


class WebhookMiddlewareTestCase(LineTestCase):
    def call(self, path: str, body: bytes, sig: str) -> tuple[str, dict[str, str], bytes]:
        answer: dict[str, object] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> None:
            answer["status"], answer["headers"] = status, dict(headers)

        # As Django's test client does: the request signals must not close the test's database
        # connection (inside the test's transaction, PostgreSQL's would be closed and lost).
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            result = wsgi.application(environ(path, body, sig), start_response)
            try:
                content = b"".join(result)
            finally:
                result.close()  # type: ignore[attr-defined]
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return str(answer["status"]), answer["headers"], content  # type: ignore[return-value]

    def test_webhook_requests_skip_the_session_csrf_auth_and_platform_middleware(self) -> None:
        handler = wsgi.application.handler_for("/line/alpha/webhook")
        assert isinstance(handler, wsgi.WebhookHandler)
        self.assertNotIn("django.contrib.sessions.middleware.SessionMiddleware", handler.middleware)
        self.assertNotIn("accounts.middleware.PlatformMiddleware", handler.middleware)
        # Every other URL keeps the whole stack, also one that only looks like the webhook.
        for path in ("/", "/line/alpha/webhook/", "/line/alpha/webhooks", "/p/alpha/inbox/"):
            self.assertNotIsInstance(wsgi.application.handler_for(path), wsgi.WebhookHandler, path)

    def test_a_webhook_through_the_light_path_is_verified_stored_and_answered_with_the_headers(self) -> None:
        body = body_of(make_event("text", USER, text="はじめまして"))
        status, headers, content = self.call("/line/alpha/webhook", body, signature(SECRET, body))
        self.assertEqual(status, "200 OK", content)
        self.assertIn(b'"stored": 1', content)
        self.assertEqual(headers["X-Content-Type-Options"], "nosniff")
        self.assertNotIn("Set-Cookie", headers)
        status, _headers, _content = self.call("/line/alpha/webhook", body, signature("f" * 32, body))
        self.assertEqual(status, "400 Bad Request")
        with scopes_disabled():
            self.assertEqual(InboundEvent.objects.count(), 1)


class BadSignatureTestCase(LineTestCase):
    def test_a_bad_signature_costs_one_query_and_no_decryption_once_the_channel_is_read(self) -> None:
        self.assertEqual(self.post_events(make_event("text", USER, text="こんにちは")).status_code, 200)
        with (
            CaptureQueriesContext(connection) as queries,
            mock.patch.object(crypto, "decrypt", wraps=crypto.decrypt) as decrypt,
        ):
            response = self.post_events(make_event("text", USER, text="x"), secret="f" * 32)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(decrypt.call_count, 0)
        self.assertEqual(len(queries.captured_queries), 1, [q["sql"] for q in queries.captured_queries])

    def test_a_secret_changed_by_another_process_is_read_at_the_first_request_it_signs(self) -> None:
        self.assertEqual(self.post_events(make_event("text", USER, text="こんにちは")).status_code, 200)
        # Another process changes the secret: this process's cache does not hear of it.
        cached = dict(line_views._channels)
        with scope(platform=self.platform):
            do_configure_line(self.platform, secret="e" * 32, token="t")
        line_views._channels.update(cached)  # as this process's memory still holds it
        cached_channel = line_views._channels["alpha"][2]
        assert cached_channel is not None
        self.assertEqual(cached_channel.line_channel_secret, SECRET)
        response = self.post_events(make_event("text", USER, text="新しい秘密"), secret="e" * 32)
        self.assertEqual(response.status_code, 200)
        # And the old secret is still accepted within the overlap window.
        response = self.post_events(make_event("text", USER, text="古い秘密"), secret=SECRET)
        self.assertEqual(response.status_code, 200)
