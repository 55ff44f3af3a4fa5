"""XSS payloads through every free-text field into every page, PDF and mail (issue 16).

The URL × role matrix's objects are made (one of each kind a staff URL addresses), then every
free-text column of every installed model but Django's own (the project's, and the libraries'
whose rows pages show, such as sign-in records) — names, titles, notes, bodies, encrypted
consultation text — is overwritten with a script payload. Every staff page (as the secretariat,
or the role that opens it), every public page of the platform (with the payload as the search
words too), the mail magazine's HTML part and the HTML of every PDF rendered on the way (caught at
``tsunagari.lib.pdf.render``) must show the payload only escaped: the raw ``<script>`` or
``<svg onload>`` never reaches a browser or WeasyPrint. CSV and Excel exports are not HTML;
what a spreadsheet would run from them is ``test_formula_safe``'s matter.
"""

from __future__ import annotations

import re
from unittest import mock
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_scopes import scopes_disabled

from platforms.tests.test_url_matrix import objects_for, staff_patterns
from tsunagari.lib import pdf
from tsunagari.lib.testing import BaseTestCase, make_member

LONG = "<script>alert(1)</script>"
SHORT = "<svg onload=1>"
RAW = re.compile(rb"<script>alert\(1\)</script>|<svg onload=1>")
# Columns that are not free text a person typed: identifiers, machine formats, hashes. A
# payload there tests nothing about escaping and breaks the parsers that read them.
NOT_FREE_TEXT = re.compile(
    r"(^|_)(slug|code|codes|token|hash|digest|key|keys|uuid|ref|id|ids|kind|status|state|type|mime|"
    r"content_type|ext|extension|lang|language|locale|version|ip|address_ip|path|file|filename|"
    r"checksum|etag|colour|color|format|scheme|pattern|regex|unit|currency|timezone|fingerprint|"
    r"secret|password|otp|postcode|postal_code|phone|fax|tel|jis|source|method|operator|target)$"
)


def free_text_fields(model: type[models.Model]) -> list[models.Field]:
    found = []
    for field in model._meta.concrete_fields:
        if not isinstance(field, (models.CharField, models.TextField)):
            continue
        if isinstance(field, (models.SlugField, models.EmailField, models.URLField)):
            continue
        if field.choices or field.unique or field.primary_key or NOT_FREE_TEXT.search(field.name):
            continue
        if field.max_length is not None and field.max_length < len(SHORT) + 6:
            continue
        found.append(field)
    return found


def poison() -> int:
    """Overwrite every free-text column of every row of the installed models (Django's own excepted:
    content types, permissions, sessions and the admin's log, which no product page shows); the
    count of columns."""
    base = str(settings.BASE_DIR)
    columns = 0
    with scopes_disabled():
        for model in apps.get_models():
            module = model.__module__.split(".")[0]
            if not apps.get_app_config(model._meta.app_label).path.startswith(base) or module == "django":
                continue
            fields = free_text_fields(model)
            if not fields:
                continue
            # Row by row, the primary key after the payload: some names are unique per platform.
            for pk in model._base_manager.values_list("pk", flat=True):
                values = {
                    f.name: (LONG if f.max_length is None or f.max_length >= len(LONG) + 6 else SHORT)
                    + f"#{pk}"
                    for f in fields
                }
                model._base_manager.filter(pk=pk).update(**values)
            columns += len(fields)
    return columns


def public_routes() -> list[str]:
    """Public routes under the platform slug that take no other argument."""
    found: list[str] = []

    def walk(patterns: list, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("p/<slug:platform_slug>/"):
                rest = route.removeprefix("p/<slug:platform_slug>/")
                if not rest.startswith("staff/") and "<" not in rest:
                    found.append("/p/alpha/" + rest)

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


class XssSweepTestCase(BaseTestCase):
    def test_it_chooses_free_text_and_leaves_identifiers_alone(self) -> None:
        from directory.models import Service
        from partnership.models import MemberOrganisation

        names = {f.name for f in free_text_fields(MemberOrganisation)}
        self.assertIn("name", names)
        self.assertNotIn("email", names)
        self.assertNotIn("status", names)
        self.assertIn("description", {f.name for f in free_text_fields(Service)})

    def test_it_escapes_every_free_text_field_on_every_page_and_mail(self) -> None:
        objects = objects_for(self.platform, make_member(self.platform, "NPO法人マトリクス"))
        columns = poison()
        self.assertGreater(columns, 200)
        clients = [
            self.login(self.users[kind], Client())
            for kind in ("secretariat_admin", "member_staff", "counsellor")
        ]
        unescaped: list[str] = []
        errors: list[str] = []
        pages = 0
        rendered: list[str] = []
        real_render = pdf.render

        def render(html: str):  # type: ignore[no-untyped-def]
            rendered.append(html)
            return real_render(html)

        patcher = mock.patch.object(pdf, "render", render)
        patcher.start()
        self.addCleanup(patcher.stop)
        for name, _route, converters in staff_patterns():
            args: list[object] = ["alpha"]
            if any(c.endswith("uuid") for c in converters):
                args.append(getattr(objects[name], "uuid"))
            url = reverse(name, args=args)
            for client in clients:
                response = client.get(url)
                if response.status_code != 403:
                    break
            if response.status_code >= 500:
                errors.append(f"{response.status_code} {url}")
            if response.streaming or not response.get("Content-Type", "").startswith(
                ("text/html", "image/svg")
            ):
                continue
            pages += 1
            if RAW.search(response.content):
                unescaped.append(url)
        visitor = Client()
        for url in public_routes():
            for target in (url, f"{url}?q={quote(LONG)}&keyword={quote(LONG)}"):
                response = visitor.get(target)
                if response.status_code >= 500:
                    errors.append(f"{response.status_code} {target}")
                if response.get("Content-Type", "").startswith("text/html"):
                    pages += 1
                    if RAW.search(response.content):
                        unescaped.append(target)
        self.assertGreater(len(rendered), 3)
        unescaped += [f"pdf #{i}" for i, html in enumerate(rendered) if RAW.search(html.encode())]
        # The mail magazine is the one mail with an HTML part: its body, and a link built to break out.
        from mailings.models import Issue
        from mailings.services.issues import body_html

        with scopes_disabled():
            issues = list(Issue.objects.select_related("mailing_list", "platform"))
            self.assertTrue(issues)
            for issue in issues:
                issue.body += f'\n\nhttps://example.jp/a"{LONG}\n\n{SHORT}https://example.jp/'
                for part in (body_html(issue, unsubscribe=f"https://example.jp/u?x={LONG}"),):
                    if RAW.search(part.encode()):
                        unescaped.append(f"mail {issue.uuid}")
        self.assertEqual(errors, [])
        self.assertEqual(unescaped, [])
        self.assertGreater(pages, 150)
