"""Browser tests: Debian's Chromium driven through Playwright against Django's live server.

Two ways to use it (both launch ``/usr/bin/chromium``; ``playwright install`` is never needed):

``BrowserTestCase`` — a ``StaticLiveServerTestCase`` with the same fixtures as
``tsunagari.lib.testing.BaseTestCase`` (platforms ``alpha``/``beta``, ``self.users[kind]``,
``self.outsider``), rebuilt before every test::

    @pytest.mark.browser
    class MemberListBrowserTestCase(BrowserTestCase):
        def test_it_lists_members_on_a_phone(self) -> None:
            page = self.new_page(viewport="mobile", user=self.admin)
            page.goto(self.live_url("partnership:members", "alpha"))
            self.assertEqual(page.locator("h1").inner_text(), "会員一覧")
            self.screenshot(page, "members-mobile")

``BrowserMixin`` — the same helpers for your own ``StaticLiveServerTestCase`` subclass.

Screenshots go to ``var/screenshots/<name>.png`` (``screenshot``), or to
``<name>-mobile.png`` and ``<name>-desktop.png`` at 390x844 and 1280x900 (``screenshots``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

if TYPE_CHECKING:
    from accounts.models import User
    from partnership.models import MemberOrganisation
    from platforms.models import Platform

CHROMIUM = os.environ.get("TSUNAGARI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORTS: dict[str, dict[str, int]] = {
    "mobile": {"width": 390, "height": 844},
    "desktop": {"width": 1280, "height": 900},
}
Viewport = Literal["mobile", "desktop"]

# Playwright's sync API keeps an asyncio loop running in the test thread, which makes Django
# refuse database access from that thread ("SynchronousOnlyOperation") unless this is set.
_ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def screenshot_dir() -> Path:
    path = Path(settings.VAR_DIR) / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def launch_chromium(playwright: Playwright) -> Browser:
    """Launch Debian's headless Chromium with the flags this machine's closed network needs."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(
            f"{CHROMIUM} not found: run `make setup` as root (installs Debian's chromium) "
            "or set TSUNAGARI_CHROMIUM to a Chromium binary."
        )
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def new_context(browser: Browser, viewport: Viewport = "desktop", **options: Any) -> BrowserContext:
    """A fresh context (own cookies) in Japanese, Tokyo time, at the given viewport."""
    defaults: dict[str, Any] = {
        "viewport": VIEWPORTS[viewport],
        "locale": "ja-JP",
        "timezone_id": "Asia/Tokyo",
        "is_mobile": viewport == "mobile",
        "has_touch": viewport == "mobile",
        "device_scale_factor": 1,
    }
    defaults.update(options)
    context = browser.new_context(**defaults)
    context.set_default_timeout(10_000)
    return context


def save_screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save a PNG of ``page`` as ``var/screenshots/<name>.png`` and return its path."""
    path = screenshot_dir() / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def login_context(context: BrowserContext, user: Any, base_url: str) -> None:
    """Give ``context`` a session of ``user`` with a verified second factor (as after TOTP)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device, _created = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key or "",
                "url": base_url,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )


# The mixin is only ever mixed into a live-server test case: type it as one.
if TYPE_CHECKING:
    _MixinBase = StaticLiveServerTestCase
else:
    _MixinBase = object


class BrowserMixin(_MixinBase):
    """Playwright helpers for a ``StaticLiveServerTestCase``: one Chromium per test class."""

    live_server_url: str
    playwright: Playwright
    browser: Browser
    _contexts: list[BrowserContext]
    _previous_async_unsafe: str | None

    @classmethod
    def setUpClass(cls) -> None:
        cls._previous_async_unsafe = os.environ.get(_ASYNC_UNSAFE)
        os.environ[_ASYNC_UNSAFE] = "true"
        super().setUpClass()
        serialized = {
            alias: connections[alias].__dict__.get("_test_serialized_contents") for alias in connections
        }
        cls.playwright = sync_playwright().start()
        # With Playwright's event loop running in this thread, Django keeps this thread's
        # database connections in a separate (context-local) store, so the test code gets new
        # connection objects. Give them the test database's serialized contents, which
        # ``serialized_rollback`` needs to restore the rows of data migrations after a flush.
        for alias, contents in serialized.items():
            if contents is not None:
                connections[alias]._test_serialized_contents = contents  # type: ignore[attr-defined]
        try:
            cls.browser = launch_chromium(cls.playwright)
        except Exception:
            connections.close_all()
            cls.playwright.stop()
            raise

    @classmethod
    def tearDownClass(cls) -> None:
        try:
            cls.browser.close()
            # Close the connections opened while the loop ran, before they become unreachable.
            connections.close_all()
            cls.playwright.stop()
            super().tearDownClass()
            if getattr(cls, "serialized_rollback", False):
                cls._restore_serialized_contents()
        finally:
            if cls._previous_async_unsafe is None:
                os.environ.pop(_ASYNC_UNSAFE, None)
            else:
                os.environ[_ASYNC_UNSAFE] = cls._previous_async_unsafe

    @classmethod
    def _restore_serialized_contents(cls) -> None:
        """Leave the database as this class found it: the last test's flush emptied it."""
        from tsunagari.lib.testing import restore_serialized_contents

        restore_serialized_contents(cls.databases)

    def setUp(self) -> None:
        super().setUp()
        self._contexts = []

    def tearDown(self) -> None:
        for context in self._contexts:
            context.close()
        super().tearDown()

    def live_url(self, name_or_path: str, *args: Any, **kwargs: Any) -> str:
        """Absolute live-server URL of a path ("/healthz") or a URL name ("accounts:login")."""
        path = (
            name_or_path if name_or_path.startswith("/") else reverse(name_or_path, args=args, kwargs=kwargs)
        )
        return f"{self.live_server_url}{path}"

    def new_page(self, viewport: Viewport = "desktop", user: Any = None, **options: Any) -> Page:
        """A page in a fresh context; with ``user``, logged in with a verified second factor."""
        context = new_context(self.browser, viewport, **options)
        self._contexts.append(context)
        if user is not None:
            login_context(context, user, self.live_server_url)
        return context.new_page()

    def screenshot(self, page: Page, name: str, *, full_page: bool = True) -> Path:
        """Save ``var/screenshots/<name>.png`` of the page as it is now."""
        return save_screenshot(page, name, full_page=full_page)

    def screenshots(self, url: str, name: str, user: Any = None) -> dict[str, Path]:
        """Open ``url`` at mobile and desktop sizes and save ``<name>-mobile/-desktop.png``."""
        paths = {}
        for viewport in ("mobile", "desktop"):
            page = self.new_page(viewport, user=user)
            page.goto(url)
            paths[viewport] = save_screenshot(page, f"{name}-{viewport}")
        return paths


class BrowserTestCase(BrowserMixin, StaticLiveServerTestCase):
    """Live-server browser test with BaseTestCase's platforms, users per role and outsider.

    Live-server tests commit to the database, so the fixtures are created before each test
    and everything is flushed after it; ``serialized_rollback`` restores the rows that data
    migrations created (activity fields) for the tests that run later.
    """

    serialized_rollback = True
    platform: Platform
    other_platform: Platform
    member_org: MemberOrganisation
    other_member: MemberOrganisation
    users: dict[str, User]
    admin: User
    outsider: User

    @classmethod
    def _fixture_setup(cls) -> None:
        # Start from an empty database whatever ran before in this process: a plain
        # TransactionTestCase's flush re-creates the content types under new ids, and loading the
        # serialized rows (content type 1 …) on top of those would break their unique names.
        # The sequences are kept: the serialized rows come back under their old ids, and a
        # sequence reset to 1 would hand those ids out again to the next test's rows
        # (PostgreSQL: duplicate key on directory_taxonomy_pkey).
        for db_name in sorted(cls.databases):
            call_command(
                "flush",
                verbosity=0,
                interactive=False,
                database=db_name,
                inhibit_post_migrate=True,
                reset_sequences=False,
            )
        super()._fixture_setup()  # type: ignore[misc]  # Django's private hook, not in django-stubs

    def setUp(self) -> None:
        from tsunagari.lib.testing import BaseTestCase

        super().setUp()
        vars(BaseTestCase)["setUpTestData"].__func__(type(self))  # the classmethod, run for this class
