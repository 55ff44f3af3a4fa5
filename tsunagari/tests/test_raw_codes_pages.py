"""No raw code in what a person reads on any staff page or PDF.

A crawl over every staff URL of the test platform as the secretariat (with the URL × role
matrix's objects, so pages with a UUID open on a real object): the visible text of each HTML
page, and the text of each PDF (pdftotext), must not show an internal code — a dotted action
code (``application.approved``), a snake_case value (``loneliness_direct``, ``not_required``)
or an untranslated choice key standing alone (``pending``, ``stratum``). Codes stay in JSON, CSV
code columns and attributes, which are not read as text.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from django.apps import apps
from django.test import Client
from django.urls import reverse

from platforms.tests.test_url_matrix import objects_for, staff_patterns
from tsunagari.lib.testing import BaseTestCase, make_member

DOTTED = re.compile(r"(?<![\w./@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)*\.[a-z][a-z0-9]*(?:_[a-z0-9]+)*(?![\w/@-])")
SNAKE = re.compile(r"(?<![\w./@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/@-])")
NOT_CODE = re.compile(
    r"https?://\S+|[\w.+-]+@[\w.-]+|\b[\w-]+(?:\.[\w-]+)*\.(?:jp|com|org|net|io|go|lg|or|ne|co|ac)\b"
    r"|\b[\w-]+\.(?:csv|xlsx|pdf|json|zip|txt|html|png|svg|ics|xml|yaml)\b"
)
# Internal words that are not choice keys but have leaked before.
WORDS = {"stratum", "strata", "none", "null", "true", "false"}


def choice_keys() -> set[str]:
    """Lowercase choice values of every model field (``pending``, ``npo`` …)."""
    keys = set(WORDS)
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z_]{2,}", value):
                    keys.add(value)
    return keys


class VisibleText(HTMLParser):
    """Text nodes a person sees as words: not scripts, styles or templates, and not what a page
    marks as code on purpose (a survey's question codes in their own column, a command line)."""

    SKIP = {"script", "style", "template", "code", "kbd", "samp"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.nodes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth and data.strip():
            self.nodes.append(data.strip())


def raw_codes(nodes: list[str], keys: set[str]) -> list[str]:
    found = []
    for node in nodes:
        text = NOT_CODE.sub(" ", node)
        found += DOTTED.findall(text) + SNAKE.findall(text)
        if node in keys:
            found.append(node)
    return found


def pdf_text(content: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.pdf"
        path.write_bytes(content)
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout


class RawCodePagesTestCase(BaseTestCase):
    def test_it_finds_codes_in_text_and_not_in_addresses(self) -> None:
        keys = {"pending", "stratum"}
        self.assertEqual(
            raw_codes(["操作: application.approved", "層: stratum", "loneliness_direct", "pending"], keys),
            ["application.approved", "loneliness_direct", "pending"],
        )
        self.assertEqual(raw_codes(["層: stratum"], keys), [])  # a word inside a sentence is not a choice
        self.assertEqual(
            raw_codes(["jimukyoku@alpha.example.jp https://alpha.example.jp/a_b", "members.csv"], keys), []
        )

    def test_it_shows_no_raw_code_on_any_staff_page_or_pdf(self) -> None:
        objects = objects_for(self.platform, make_member(self.platform, "NPO法人マトリクス"))
        keys = choice_keys() - {"matrix"}  # the matrix objects' own names ("matrix"), not codes
        for kind, user in self.users.items():  # the fixture's users are named by their role kind
            user.name = f"職員 {list(self.users).index(kind) + 1}"
            user.save(update_fields=["name"])
        # as the secretariat; a page only another role opens (自団体の登録情報) as that role
        clients = [
            self.login(self.users[kind], Client())
            for kind in ("secretariat_admin", "member_staff", "counsellor")
        ]
        problems: dict[str, list[str]] = {}
        pages = pdfs = 0
        for name, _route, converters in staff_patterns():
            args: list[object] = ["alpha"]
            if any(c.endswith("uuid") for c in converters):
                args.append(getattr(objects[name], "uuid"))
            url = reverse(name, args=args)
            for client in clients:
                response = client.get(url)
                if response.status_code != 403:
                    break
            if response.status_code != 200:
                continue
            kind = response.get("Content-Type", "")
            if response.streaming:
                continue
            if kind.startswith("text/html"):
                parser = VisibleText()
                parser.feed(response.content.decode())
                nodes = parser.nodes
                pages += 1
            elif kind.startswith("application/pdf"):
                nodes = [line.strip() for line in pdf_text(response.content).splitlines() if line.strip()]
                pdfs += 1
            else:
                continue
            found = raw_codes(nodes, keys)
            if found:
                problems[f"{name} {url}"] = sorted(set(found))
        self.maxDiff = None
        self.assertEqual(problems, {})
        self.assertGreater(pages, 110)
        self.assertGreater(pdfs, 0)
