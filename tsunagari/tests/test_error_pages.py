"""Error pages that help (issue 19): in the layout and the language, with somewhere to turn."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.db import OperationalError, connection, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.test import Client, RequestFactory
from django.utils import translation
from django_scopes import scopes_disabled

from directory.models import SupportListSettings
from directory.tests.search_helpers import make_service
from tsunagari import errors
from tsunagari.lib.testing import BaseTestCase


class DatabaseDown:
    """Every query fails as with a database that is down (connection.execute_wrapper)."""

    def __init__(self) -> None:
        self.attempts = 0

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
        self.attempts += 1
        raise OperationalError("could not connect to server: Connection refused")


class ErrorPagesTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        make_service(
            cls.platform, "いのちの電話（テスト）", "", is_crisis_line=True, is_24h=True, phone="0120-000-000"
        )
        with scopes_disabled():
            SupportListSettings.objects.create(
                platform=cls.platform,
                fallback_name="アルファ県福祉総合相談窓口",
                fallback_phone="058-000-1111",
                fallback_hours="月〜金 8:30〜17:15",
            )

    def setUp(self) -> None:
        errors._memo.clear()

    def assert_helpful(self, response: Any, status: int, title: str, *, lang: str = "ja") -> None:
        self.assertEqual(response.status_code, status)
        self.assertContains(response, f'<html lang="{lang}">', status_code=status)
        self.assertContains(response, 'name="viewport"', status_code=status)
        self.assertContains(response, f'<h1 id="error-title">{title}</h1>', status_code=status, html=False)
        self.assertContains(response, 'href="/static/css/site.css"', status_code=status)

    def assert_platform_help(self, response: Any, status: int) -> None:
        self.assertContains(response, "アルファ県PF", status_code=status)
        self.assertContains(response, 'href="/p/alpha/"', status_code=status)
        self.assertContains(response, "いのちの電話（テスト）", status_code=status)
        self.assertContains(response, 'href="tel:0120000000"', status_code=status)
        self.assertContains(response, "アルファ県福祉総合相談窓口", status_code=status)
        self.assertContains(response, 'href="tel:0580001111"', status_code=status)

    def test_it_answers_404_in_japanese_with_the_platforms_help(self) -> None:
        response = self.client.get(self.url("directory:service_page", uuid.uuid4()))
        self.assert_helpful(response, 404, "ページが見つかりません")
        self.assert_platform_help(response, 404)
        # A path under the platform that names no page at all.
        response = self.client.get("/p/alpha/no-such-page/")
        self.assert_helpful(response, 404, "ページが見つかりません")
        self.assert_platform_help(response, 404)

    def test_it_answers_404_in_english_when_english_is_active(self) -> None:
        response = self.client.get("/p/alpha/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
        self.assert_helpful(response, 404, "Page not found", lang="en")
        self.assertContains(response, "If you need to talk to someone right now", status_code=404)

    def test_it_answers_404_outside_a_platform_with_the_national_lines(self) -> None:
        response = self.client.get("/p/no-such-platform/")
        self.assert_helpful(response, 404, "ページが見つかりません")
        self.assertContains(response, "よりそいホットライン", status_code=404)
        self.assertContains(response, 'href="/"', status_code=404)

    def test_it_answers_400_for_a_bad_host(self) -> None:
        response = self.client.get("/p/alpha/", HTTP_HOST="evil.example")
        self.assert_helpful(response, 400, "リクエストを処理できませんでした")

    def test_it_answers_403_for_a_role_that_may_not_see_the_page(self) -> None:
        self.login(self.users["member_staff"])
        response = self.client.get(self.url("directory:support_list_settings"))
        self.assert_helpful(response, 403, "このページは表示できません")

    def test_it_explains_a_csrf_failure(self) -> None:
        client = Client(enforce_csrf_checks=True)
        response = client.post(self.url("partnership:join"), {"name": "x"})
        self.assert_helpful(response, 403, "送信できませんでした")
        self.assertContains(response, "Cookie", status_code=403)
        self.assert_platform_help(response, 403)

    def test_it_renders_500_with_the_database_down_from_what_it_remembers(self) -> None:
        self.client.get(self.url("directory:home"))  # the platform's help is remembered
        self.client.raise_request_exception = False
        down = DatabaseDown()
        with connection.execute_wrapper(down):
            response = self.client.get(self.url("directory:search"), {"q": "相談"})
        self.assertGreater(down.attempts, 0)  # the database really was asked, and failed
        # The database away: 503 with Retry-After (load balancers and clients retry), same help.
        self.assert_helpful(response, 503, "ただいま表示できません")
        self.assert_platform_help(response, 503)
        self.assertEqual(response["Retry-After"], "60")
        self.assertContains(response, "データベースに接続できません", status_code=503)

    def test_it_answers_503_when_the_database_file_cannot_be_opened(self) -> None:
        # A real failure, no wrapper: a SQLite database in a folder that does not exist.
        absent = SQLiteWrapper(
            {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": "/nonexistent/folder/db.sqlite3",
                "OPTIONS": {},
                "TIME_ZONE": None,
                "CONN_MAX_AGE": 0,
                "CONN_HEALTH_CHECKS": False,
                "AUTOCOMMIT": True,
                "ATOMIC_REQUESTS": False,
            },
            "absent",
        )
        request = RequestFactory().get("/p/alpha/search")
        request.platform = self.platform  # type: ignore[attr-defined]
        try:
            absent.ensure_connection()
        except OperationalError:
            response = errors.server_error(request)
        self.assertEqual(response.status_code, 503)
        self.assertContains(response, "データベースに接続できません", status_code=503)
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT * FROM no_such_table_here")
        except Exception:  # noqa: BLE001 - a bug in a query is a 500, not the database away
            response = errors.server_error(request)
        self.assertEqual(response.status_code, 500)

    def test_it_renders_500_without_any_query(self) -> None:
        for lang, title in (("ja", "ただいま表示できません"), ("en", "Temporarily unavailable")):
            request = RequestFactory().get("/p/alpha/search")
            request.platform = self.platform  # type: ignore[attr-defined]
            down = DatabaseDown()
            with translation.override(lang), connection.execute_wrapper(down):
                response = errors.server_error(request)
            self.assertEqual(down.attempts, 0)
            self.assert_helpful(response, 500, title, lang=lang)
            self.assertContains(response, "アルファ県PF", status_code=500)
            # Nothing remembered yet: the shipped national lines.
            self.assertContains(response, "よりそいホットライン", status_code=500)
