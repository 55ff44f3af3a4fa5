"""A private platform (``is_public`` off) shows no public face (issue 16).

Every public URL under ``/p/<slug>/`` answers 404 to a visitor, as for a slug that does not
exist; the platform's own staff see the pages under a banner; personal signed links
(``reachable_when_private``) keep working; another platform's staff get 404 too.
"""

from __future__ import annotations

import re
import uuid

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_scopes import scopes_disabled

from accounts.middleware import PlatformMiddleware
from accounts.models import Role
from mailings.models import MailingList
from mailings.services.subscriptions import do_subscribe, manage_token
from tsunagari.lib.testing import BaseTestCase

BANNER = "このプラットフォームは非公開です"
SAMPLE = {"uuid": str(uuid.UUID(int=1)), "int": "1", "slug": "x", "str": "x", "path": "x"}
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def public_patterns() -> list[tuple[str, object]]:
    """(route, view) of every non-staff URL under a platform slug, from the resolver."""
    found: list[tuple[str, object]] = []

    def walk(patterns: list, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("p/<slug:platform_slug>/"):
                if not route.startswith("p/<slug:platform_slug>/staff/"):
                    found.append((route, pattern.callback))

    walk(get_resolver().url_patterns, "")
    return found


def concrete(route: str, slug: str) -> str:
    def value(match: re.Match[str]) -> str:
        converter, name = match.group(1) or "str", match.group(2)
        return slug if name == "platform_slug" else SAMPLE.get(converter, "x")

    return "/" + CONVERTER.sub(value, route).lstrip("^").rstrip("$")


class PrivatePlatformTestCase(BaseTestCase):
    def setUp(self) -> None:
        with scopes_disabled():
            self.platform.is_public = False
            self.platform.save(update_fields=["is_public"])

    def test_it_answers_404_to_visitors_on_every_public_url(self) -> None:
        patterns = public_patterns()
        self.assertGreater(len(patterns), 40)
        hidden = 0
        for route, view in patterns:
            if getattr(view, "reachable_when_private", False):
                continue
            hidden += 1
            url = concrete(route, self.platform.slug)
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
                self.assertEqual(self.client.post(url, {"name": "x"}).status_code, 404)
        self.assertGreater(hidden, 30)

    def test_it_refuses_every_public_url_in_the_middleware_before_the_view(self) -> None:
        """Not the view's own 404 for a sample address (an unknown link code or survey slug would
        give one anyway): the middleware itself refuses every public page of a private platform,
        web chat, survey answering and /go/ links included, and lets the same pages through
        when the platform is public."""
        reached: list[str] = []

        def view_reached(request: HttpRequest) -> HttpResponse:
            reached.append(request.path)
            return HttpResponse()

        middleware = PlatformMiddleware(view_reached)
        urls = [
            concrete(route, self.platform.slug)
            for route, view in public_patterns()
            if not getattr(view, "reachable_when_private", False)
        ]
        for needed in ("/p/alpha/chat/", "/p/alpha/chat/room/", "/p/alpha/go/x", "/p/alpha/s/x/1/"):
            self.assertIn(needed, urls)
        for url in urls:
            request = RequestFactory().get(url)
            request.user = AnonymousUser()
            with self.subTest(url=url), self.assertRaises(Http404):
                middleware(request)
        self.assertEqual(reached, [])
        with scopes_disabled():
            self.platform.is_public = True
            self.platform.save(update_fields=["is_public"])
        for url in urls:
            request = RequestFactory().get(url)
            request.user = AnonymousUser()
            middleware(request)
        self.assertEqual(reached, urls)

    def test_it_answers_the_same_404_as_a_platform_that_does_not_exist(self) -> None:
        private = self.client.get(f"/p/{self.platform.slug}/")
        missing = self.client.get("/p/no-such-platform/")
        self.assertEqual((private.status_code, missing.status_code), (404, 404))
        token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
        self.assertEqual(
            token.sub(b"", private.content.replace(self.platform.slug.encode(), b"")),
            token.sub(b"", missing.content.replace(b"no-such-platform", b"")),
        )

    def test_it_keeps_only_personal_signed_links_open(self) -> None:
        open_views = sorted(
            f"{view.__module__}.{view.__name__}"  # type: ignore[attr-defined]
            for _route, view in public_patterns()
            if getattr(view, "reachable_when_private", False)
        )
        self.assertEqual(
            open_views,
            [
                "events.views.public.feedback",
                "events.views.public.manage",
                "events.views.public.manage_qr",
                "governance.views.public.respond",
                "governance.views.written.ballot",
                "mailings.views.public.confirm",
                "mailings.views.public.preferences",
                "mailings.views.public.unsubscribe",
                "network.views.board.forwarded_file",
                "network.views.board.grant_unsubscribe",
                "network.views.board.unsubscribe",
                "surveys.views.fieldwork.prospect_stop",
            ],
        )

    def test_it_lets_a_subscriber_unsubscribe_while_the_platform_is_private(self) -> None:
        with scopes_disabled():
            mailing_list = MailingList.objects.create(
                platform=self.platform, slug="news", name="つながり通信"
            )
            subscriber = do_subscribe(mailing_list, "hanako@example.jp", confirmed=True)
        url = reverse("mailings:unsubscribe", args=["alpha", subscriber.uuid, manage_token(subscriber)])
        self.assertEqual(self.client.get(reverse("mailings:list", args=["alpha", "news"])).status_code, 404)
        response = Client().post(
            url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )
        self.assertEqual(response.status_code, 200)
        subscriber.refresh_from_db()
        self.assertEqual(subscriber.status, "unsubscribed")

    def test_it_shows_the_pages_to_its_own_staff_under_a_banner(self) -> None:
        for kind in (Role.SECRETARIAT_ADMIN, Role.MEMBER_STAFF, Role.VIEWER):
            client = self.login(self.users[kind], Client())
            with self.subTest(kind=kind):
                self.assertContains(client.get("/p/alpha/privacy/"), BANNER)
        self.login(self.outsider)
        self.assertEqual(self.client.get("/p/alpha/privacy/").status_code, 404)

    def test_it_shows_no_banner_on_a_public_platform(self) -> None:
        self.login(self.admin)
        with scopes_disabled():
            self.platform.is_public = True
            self.platform.save(update_fields=["is_public"])
        response = self.client.get("/p/alpha/privacy/")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, BANNER)
