"""Test set-up for the LINE channel: a real fake-LINE HTTP server and a real task worker."""

from __future__ import annotations

import io
from unittest import mock

from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.client import Client
from django_scopes import scope
from django_tasks_db.management.commands import db_worker

from consultations.line_api import signature
from consultations.line_fake import FakeLine, body_of
from consultations.services.channels import do_configure_line
from consultations.views import line as line_views
from tsunagari.lib.testing import BaseTestCase

SECRET = "0123456789abcdef0123456789abcdef"
TOKEN = "test-channel-access-token"


def run_worker() -> str:
    """Run the django-tasks database worker until the queue is empty (the real worker).

    On SQLite with transaction_mode IMMEDIATE the worker opens its own ``BEGIN EXCLUSIVE``,
    which cannot nest in the test case's transaction; saying EXCLUSIVE (the same as IMMEDIATE
    in WAL mode) makes it use ``transaction.atomic`` instead, i.e. a savepoint here.
    """
    out = io.StringIO()
    mode = getattr(connection, "transaction_mode", None)
    if connection.vendor == "sqlite":
        connection.transaction_mode = "EXCLUSIVE"  # type: ignore[attr-defined]
    # Between tasks the worker closes "old" connections, which inside a test case's transaction
    # would close the test's own connection (Django's test client disconnects the same hook).
    keep_connection = mock.patch.object(db_worker, "close_old_connections", lambda: None)
    try:
        keep_connection.start()
        call_command(
            "db_worker",
            "--batch",
            "--queue-name",
            "*",
            "--no-startup-delay",
            "--no-reload",
            stdout=out,
            stderr=out,
            verbosity=0,
        )
    finally:
        keep_connection.stop()
        if connection.vendor == "sqlite":
            connection.transaction_mode = mode  # type: ignore[attr-defined]
    return out.getvalue()


class LineTestCase(BaseTestCase):
    fake: FakeLine

    @classmethod
    def setUpClass(cls) -> None:
        cls.fake = FakeLine(access_token=TOKEN).start()
        cls._line_settings = override_settings(LINE_API_BASE=cls.fake.url, LINE_API_DATA_BASE=cls.fake.url)
        cls._line_settings.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls._line_settings.disable()
        cls.fake.stop()

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with scope(platform=cls.platform):
            cls.channel = do_configure_line(cls.platform, secret=SECRET, token=TOKEN, basic_id="@733gquft")

    def setUp(self) -> None:
        super().setUp()
        line_views._channels.clear()  # rows of earlier test classes were rolled back, not saved
        state = self.fake.state
        with state.lock:
            state.requests.clear()
            state.tokens.clear()
            state.retry_keys.clear()
            state.contents.clear()
            state.delivered.clear()

    def post_events(self, *events, secret: str = SECRET, slug: str = "alpha", client: Client | None = None):  # type: ignore[no-untyped-def]
        body = body_of(*events)
        return self.post_body(body, signature(secret, body), slug=slug, client=client)

    def post_body(self, body: bytes, sig: str, *, slug: str = "alpha", client: Client | None = None):  # type: ignore[no-untyped-def]
        return (client or self.client).post(
            f"/line/{slug}/webhook", body, content_type="application/json", headers={"X-Line-Signature": sig}
        )
