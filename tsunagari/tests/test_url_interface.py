"""Published URLs are an interface: their paths and names stay as recorded.

People bookmark pages, print QR codes of ``/p/<slug>/go/<code>``, mail signed links, and other
systems call ``/hsds/`` and ``/line/<slug>/webhook``; templates and code reverse the names.
``urls.json`` records, for every URL the project publishes (the admin site aside: its URLs follow
the registered models), its name, its route (the full pattern, as the resolver concatenates it),
its view, and the name that a sample address of the route resolves to. The last column catches a
route that another one placed before it now shadows: order may change, resolution may not.

A URL that disappears or changes fails here. A new URL is allowed and need not be recorded; to
record the current resolver (after a deliberate change), run::

    TSUNAGARI_RECORD_URLS=1 .venv/bin/pytest -q -p no:randomly tsunagari/tests/test_url_interface.py
"""

from __future__ import annotations

import functools
import importlib
import inspect
import json
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.test import SimpleTestCase
from django.urls import URLPattern, URLResolver, get_resolver, resolve

FIXTURE = Path(__file__).with_name("urls.json")
SAMPLE = {"uuid": str(uuid.UUID(int=1)), "int": "1", "slug": "x", "str": "x", "path": "x"}
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def view_name(callback: object) -> str:
    """A stable dotted name of a URL's view (class-based views by class, partials by function)."""
    target = getattr(callback, "view_class", None) or callback
    if isinstance(target, functools.partial):
        target = target.func
    return f"{getattr(target, '__module__', '?')}.{getattr(target, '__qualname__', '?')}"


def walk(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, object]]:
    """(full name, full route, callback) of every URL, in resolution order."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield namespace + (pattern.name or ""), prefix + str(pattern.pattern), pattern.callback


def sample_path(route: str) -> str:
    """A concrete address of a route: the demo platform's slug, a fixed value per converter."""

    def value(match: re.Match[str]) -> str:
        converter, name = match.group(1) or "str", match.group(2)
        return "alpha" if name == "platform_slug" else SAMPLE.get(converter, "x")

    return "/" + CONVERTER.sub(value, route)


def current() -> list[dict[str, str]]:
    rows = []
    for name, route, callback in walk(get_resolver().url_patterns):
        if name.startswith("admin:"):
            continue
        match = resolve(sample_path(route))
        rows.append(
            {
                "name": name,
                "route": route,
                "view": view_name(callback),
                "resolves_to": match.view_name,
            }
        )
    return rows


def key(row: dict[str, str]) -> tuple[str, str]:
    return row["name"], row["route"]


class UrlInterfaceTestCase(SimpleTestCase):
    def setUp(self) -> None:
        if os.environ.get("TSUNAGARI_RECORD_URLS"):
            FIXTURE.write_text(json.dumps(current(), ensure_ascii=False, indent=1) + "\n")
        self.recorded = json.loads(FIXTURE.read_text())
        self.now = {key(row): row for row in current()}

    def test_it_records_every_url(self) -> None:
        self.assertGreater(len(self.recorded), 250)
        self.assertIn("consultations:line_webhook", {row["name"] for row in self.recorded})

    def test_it_keeps_every_recorded_path_and_name(self) -> None:
        missing = [key(row) for row in self.recorded if key(row) not in self.now]
        self.assertEqual(missing, [])

    def test_it_keeps_every_view(self) -> None:
        moved = [
            (key(row), row["view"], self.now[key(row)]["view"])
            for row in self.recorded
            if key(row) in self.now and self.now[key(row)]["view"] != row["view"]
        ]
        self.assertEqual(moved, [])

    def test_it_resolves_every_route_to_the_same_url(self) -> None:
        """No route is shadowed by one that now comes before it (nor freed from one that did)."""
        changed = [
            (key(row), row["resolves_to"], self.now[key(row)]["resolves_to"])
            for row in self.recorded
            if key(row) in self.now and self.now[key(row)]["resolves_to"] != row["resolves_to"]
        ]
        self.assertEqual(changed, [])

    def test_it_has_no_two_urls_of_one_name_and_route(self) -> None:
        rows = current()
        self.assertEqual(len({key(row) for row in rows}), len(rows))

    def test_it_resolves_the_line_webhook_before_any_platform_page(self) -> None:
        """LINE's webhook is the busiest URL: nothing but the home page and healthz is tried first."""
        names = [name for name, _route, _callback in walk(get_resolver().url_patterns)]
        self.assertEqual(names[:3], ["index", "healthz", "consultations:line_webhook"])

    def test_it_gives_no_view_of_a_platform_page_the_slug(self) -> None:
        """The middleware drops ``platform_slug`` (views read ``request.platform``); only a view that
        resolves its own platform (LINE's webhook, outside /p/<slug>/) takes it."""
        taking = []
        for name, route, callback in walk(get_resolver().url_patterns):
            if "<slug:platform_slug>" not in route or getattr(callback, "resolves_own_platform", False):
                continue
            if "platform_slug" in inspect.signature(callback).parameters:  # type: ignore[arg-type]
                taking.append(name)
        self.assertEqual(taking, [])
        own = [
            name
            for name, _route, callback in walk(get_resolver().url_patterns)
            if getattr(callback, "resolves_own_platform", False)
        ]
        self.assertEqual(own, ["consultations:line_webhook"])

    def test_it_keeps_every_app_in_the_mounted_shape(self) -> None:
        """An app's urls.py lists public_patterns / staff_patterns (and root_patterns) without the
        platform or staff prefix; tsunagari/urls.py mounts them (CONTRIBUTING, step 6)."""
        checked = 0
        root = Path(__file__).resolve().parents[2]
        for config in apps.get_app_configs():
            # The project's own apps: a virtualenv inside the checkout (a fresh clone's .venv)
            # holds Django's apps below the same root, so the path alone does not tell.
            if Path(config.path).resolve() != root / config.name.replace(".", "/"):
                continue
            try:
                module = importlib.import_module(f"{config.name}.urls")
            except ModuleNotFoundError:
                continue
            if config.name == "tsunagari":
                continue
            checked += 1
            with self.subTest(app=config.name):
                self.assertFalse(hasattr(module, "urlpatterns"))
                for kind in ("public_patterns", "staff_patterns"):
                    for pattern in getattr(module, kind, []):
                        self.assertNotIn("platform_slug", str(pattern.pattern))
                        self.assertFalse(str(pattern.pattern).startswith("staff/"), pattern)
        self.assertGreaterEqual(checked, 14)
