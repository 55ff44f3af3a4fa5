"""Accessibility of every resident page, checked by axe-core in Debian's Chromium (issue 19).

axe-core comes with the pinned ``axe-playwright-python`` package (its own copy of axe.min.js,
injected into the page; nothing is downloaded). Every resident page, at phone and desktop width,
in Japanese, やさしい日本語 and English: no serious or critical violation. The same class checks
the map (marker images load, markers never overlap, readable attribution) and takes phone
screenshots of the error pages (var/screenshots/error-*.png).
"""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory, override_settings
from django_scopes import scope, scopes_disabled
from playwright.sync_api import Page, Route

from directory.models import SupportListSettings
from directory.tests.search_helpers import make_service
from partnership.models import ActivityField
from surveys.services.questionnaire import do_create_survey, do_open_survey
from tsunagari import errors
from tsunagari.lib.browser import BrowserTestCase
from tsunagari.tests.test_error_pages import DatabaseDown

AXE = Axe()
# target-size (WCAG 2.2 AA 2.5.8) on as well: markers close together must stay separate targets.
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}
BLOCKING = {"serious", "critical"}
MODES = {"ja": ({}, ""), "easy": ({}, "easy=1"), "en": ({"locale": "en-US"}, "")}


def violations(page: Page) -> list[dict[str, Any]]:
    result = AXE.run(page, options=AXE_OPTIONS)
    return [v for v in result.response["violations"] if v.get("impact") in BLOCKING]


def describe(found: list[dict[str, Any]]) -> str:
    return "; ".join(
        f"{v['id']} ({v['impact']}): " + ", ".join(str(n["target"]) for n in v["nodes"][:4]) for v in found
    )


@pytest.mark.browser
@override_settings(DIRECTORY_MAP_TILES="/static/no-tiles/{z}/{x}/{y}.png")  # offline: tiles 404
class AccessibilityTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        p = self.platform
        # Three places within a few metres of each other, one across town.
        for i, (name, point) in enumerate(
            (
                ("市役所 福祉課", (35.42330, 136.76060)),
                ("市役所 子育て支援課", (35.42332, 136.76062)),
                ("社会福祉協議会", (35.42340, 136.76070)),
                ("よりそいカフェ", (35.43500, 136.78000)),
            )
        ):
            make_service(
                p,
                f"{name}の相談",
                "くらしの困りごとを聞きます。",
                terms=["cat-relations"],
                phone=f"058-111-{2000 + i}",
                point=point,
                address={"address_1": f"薮田南{i + 1}-1", "city": "岐阜市", "state_province": "岐阜県"},
                hours=[("MO,TU,WE,TH,FR", "09:00", "17:00")],
            )
        self.line = make_service(
            p,
            "いのちの電話（テスト）",
            "",
            is_crisis_line=True,
            is_24h=True,
            is_national=True,
            phone="0120-000-000",
        )
        with scopes_disabled():
            SupportListSettings.objects.create(
                platform=p,
                fallback_name="アルファ県福祉総合相談窓口",
                fallback_phone="058-000-1111",
                fallback_hours="月〜金 8:30〜17:15",
            )
        with scope(platform=p):
            survey = do_create_survey(
                p,
                slug="kodoku",
                title="孤独・孤立に関する実態調査",
                template="national",
                description="日ごろの暮らしについてお聞きします。",
            )
            survey.allow_open_web = True  # anyone may answer: the start page has its button
            survey.save(update_fields=["allow_open_web"])
            do_open_survey(survey)
        self.assertTrue(ActivityField.objects.exists())

    def resident_pages(self) -> dict[str, str]:
        with scopes_disabled():
            service = self.line
        return {
            "home": self.live_url("directory:home", "alpha"),
            "search": self.live_url("directory:search", "alpha") + "?q=相談",
            "search-none": self.live_url("directory:search", "alpha") + "?category=cat-school",
            "search-night": self.live_url("directory:search", "alpha") + "?open_now=on&category=cat-work",
            "guide": self.live_url("directory:guide", "alpha"),
            "guide-step": self.live_url("directory:guide", "alpha") + "?who=self",
            "map": self.live_url("directory:map", "alpha"),
            "service": self.live_url("directory:service_page", "alpha", service.uuid),
            "chat": self.live_url("consultations:chat", "alpha"),
            "survey": self.live_url("surveys:start", "alpha", "kodoku"),
            "survey-page": self.live_url("surveys:start", "alpha", "kodoku"),
            "register": self.live_url("partnership:register", "alpha"),
            "join": self.live_url("partnership:join", "alpha"),
            "404": self.live_url("/p/alpha/no-such-page/"),
        }

    def open(self, page: Page, name: str, url: str, query: str) -> None:
        if query:
            url += ("&" if "?" in url else "?") + query
        page.goto(url)
        if "/join/" in url:
            cache.clear()  # the join form's hourly throttle counts every submission of this run
        if name in ("join", "survey-page"):
            # The join form with its errors; a survey's first page of questions, then its errors.
            page.locator("main form button[type=submit]").last.click()
            page.wait_for_load_state()
        if name == "survey-page":
            self.assertIn("/kodoku/1/", page.url)
            page.locator("main form button[type=submit]").last.click()
            page.wait_for_load_state()
        if "/map/" in url:
            page.wait_for_selector(".leaflet-marker-icon")

    def test_it_finds_no_serious_violation_on_any_resident_page(self) -> None:
        failures: list[str] = []
        checked = 0
        for mode, (options, query) in MODES.items():
            for viewport in ("mobile", "desktop"):
                page = self.new_page(viewport, **options)  # type: ignore[arg-type]
                for name, url in self.resident_pages().items():
                    try:
                        self.open(page, name, url, query)
                    except Exception as error:  # noqa: BLE001 - report every page, not the first
                        failures.append(f"{name} {mode} {viewport}: {error.__class__.__name__} at {page.url}")
                        continue
                    found = violations(page)
                    checked += 1
                    if found:
                        failures.append(f"{name} {mode} {viewport}: {describe(found)}")
                page.context.close()
        print(f"\naxe: {checked} page views, {len(failures)} with serious or critical violations")
        self.assertEqual(failures, [])

    def test_it_reports_the_violations_it_is_there_to_find(self) -> None:
        # The check itself works: light grey on grey, an image without alt text, two
        # overlapping small buttons.
        page = self.new_page("mobile")
        page.set_content(
            '<html lang="ja"><body><main><p style="color:#999;background:#aaa">読みにくい文</p>'
            '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
            '<button style="position:absolute;left:10px;top:200px;width:16px;height:16px">a</button>'
            '<button style="position:absolute;left:14px;top:204px;width:16px;height:16px">b</button>'
            "</main></body></html>"
        )
        self.assertLessEqual(
            {"color-contrast", "image-alt", "target-size"}, {v["id"] for v in violations(page)}
        )

    def test_it_shows_the_500_page_without_the_database_on_a_phone(self) -> None:
        errors._memo.clear()
        page = self.new_page("mobile")
        page.goto(self.live_url("directory:home", "alpha"))  # the server remembers the help
        down = DatabaseDown()
        with connection.execute_wrapper(down):
            html = errors.server_error(RequestFactory().get("/p/alpha/search")).content
        self.assertEqual(down.attempts, 0)

        def answer(route: Route) -> None:
            route.fulfill(status=500, body=html, content_type="text/html; charset=utf-8")

        page.route("**/p/alpha/search*", answer)
        page.goto(self.live_url("directory:search", "alpha") + "?q=x")
        self.assertEqual(page.locator("h1").inner_text(), "ただいま表示できません")
        self.assertEqual(page.locator(".brand").inner_text(), "アルファ県PF")
        for expected in ("いのちの電話（テスト）", "アルファ県福祉総合相談窓口", "058-000-1111"):
            self.assertIn(expected, page.locator("main").inner_text())
        self.assertEqual(page.locator("html").get_attribute("lang"), "ja")
        # The layout's stylesheet applies: the page is not wider than the phone.
        self.assertLessEqual(page.evaluate("document.documentElement.scrollWidth"), 390)
        self.assertEqual(violations(page), [])
        self.screenshot(page, "error-500-mobile")

    def test_it_shows_the_404_page_with_the_platforms_help_on_a_phone(self) -> None:
        page = self.new_page("mobile")
        response = page.goto(self.live_url("/p/alpha/services/00000000-0000-4000-8000-000000000000/"))
        assert response is not None
        self.assertEqual(response.status, 404)
        main = page.locator("main").inner_text()
        for expected in (
            "ページが見つかりません",
            "アルファ県PFのトップへ",
            "いのちの電話（テスト）",
            "アルファ県福祉総合相談窓口",
        ):
            self.assertIn(expected, main)
        self.assertLessEqual(page.evaluate("document.documentElement.scrollWidth"), 390)
        self.screenshot(page, "error-404-mobile")

    def test_it_shows_the_after_hours_help_on_a_phone(self) -> None:
        page = self.new_page("mobile")
        # No 仕事 window is open (there is none): national 24-hour lines, then the fallback window.
        page.goto(self.live_url("directory:search", "alpha") + "?open_now=on&category=cat-work")
        help_box = page.locator(".after-hours")
        self.assertIn("今開いている地域の窓口はありません", help_box.inner_text())
        text = help_box.inner_text()
        self.assertLess(text.index("いのちの電話（テスト）"), text.index("アルファ県福祉総合相談窓口"))
        self.assertLessEqual(page.evaluate("document.documentElement.scrollWidth"), 390)
        self.screenshot(page, "search-after-hours-mobile")

    def test_it_draws_separate_markers_with_their_images_and_a_readable_attribution(self) -> None:
        for viewport in ("mobile", "desktop"):
            page = self.new_page(viewport)
            missing: list[str] = []
            page.on(
                "response", lambda r: missing.append(r.url) if r.status == 404 and "marker" in r.url else None
            )
            page.goto(self.live_url("directory:map", "alpha"))
            page.wait_for_selector(".leaflet-marker-icon")
            icons = page.locator(".leaflet-marker-icon")
            boxes = [icons.nth(i).bounding_box() for i in range(icons.count())]
            self.assertGreaterEqual(len(boxes), 2)
            loaded = page.evaluate(
                "Array.from(document.querySelectorAll('.leaflet-marker-icon')).map(i => i.complete && i.naturalWidth)"
            )
            self.assertTrue(all(loaded), loaded)
            self.assertEqual(missing, [])
            for i, a in enumerate(boxes):
                for b in boxes[i + 1 :]:
                    assert a is not None and b is not None
                    overlap = (
                        a["x"] < b["x"] + b["width"]
                        and b["x"] < a["x"] + a["width"]
                        and a["y"] < b["y"] + b["height"]
                        and b["y"] < a["y"] + a["height"]
                    )
                    self.assertFalse(overlap, (a, b))
            # The places a few metres apart share one marker that names them all.
            titles = [icons.nth(i).get_attribute("title") or "" for i in range(icons.count())]
            self.assertTrue(any("3 か所" in t and "社会福祉協議会" in t for t in titles), titles)
            self.assertIn("OpenStreetMap", page.locator(".leaflet-control-attribution").inner_text())
            self.screenshot(page, f"map-markers-{viewport}")
