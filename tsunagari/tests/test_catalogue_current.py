"""Every Japanese UI string of the apps whose English is kept complete has an English entry.

``test_i18n`` checks the entries a catalogue has (none empty or fuzzy); this checks the other
way round: a ``gettext`` call or ``{% translate %}`` tag added without running
``manage.py update_messages`` (so the string is in no catalogue, and English pages show
Japanese) fails here, naming the file and the string. Apps not listed yet are being written by
others; add an app once its catalogue is complete.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

from tsunagari.tests.test_i18n import CATALOGUES, read_po

ROOT = Path(settings.BASE_DIR)
CHECKED = [
    "accounts",
    "audit",
    "consultations",
    "directory",
    "events",
    "gaps",
    "governance",
    "mailings",
    "network",
    "operations",
    "outcomes",
    "partnership",
    "platforms",
    "surveys",
    "tsunagari",
]
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
TAG = re.compile(
    r"""\{%\s*(?:translate|trans)\s+(["'])(.+?)\1(?:\s+(?:as\s+\w+|noop|context\s+(["']).*?\3))*\s*%\}"""
)
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def translated() -> set[str]:
    found: set[str] = set()
    for po in CATALOGUES:
        for entry in read_po(po):
            msgstr = entry.get("msgstr_plural") or entry.get("msgstr")
            if entry["msgid"] and msgstr and not entry.get("fuzzy"):
                found.add(str(entry["msgid"]))
    return found


def python_strings(path: Path) -> list[str]:
    strings = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in GETTEXT:
            continue
        first = node.args[1] if name.startswith("pgettext") and len(node.args) > 1 else node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            strings.append(first.value)
    return strings


def sources() -> list[Path]:
    paths = []
    for app in CHECKED:
        for path in sorted((ROOT / app).rglob("*")):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts or path.suffix not in (".py", ".html", ".txt"):
                continue
            paths.append(path)
    return paths + sorted((ROOT / "templates").rglob("*.html"))


class CatalogueCurrentTestCase(SimpleTestCase):
    def test_it_has_an_english_entry_for_every_japanese_string_of_the_checked_apps(self) -> None:
        known = translated()
        missing = []
        checked = 0
        for path in sources():
            if path.suffix == ".py":
                strings = python_strings(path)
            else:
                strings = [m.group(2) for m in TAG.finditer(path.read_text(encoding="utf-8"))]
            for text in strings:
                if not JAPANESE.search(text):
                    continue
                checked += 1
                if text not in known and text.replace("%", "%%") not in known:
                    missing.append(f"{path.relative_to(ROOT)}: {text}")
        self.assertGreater(checked, 1500)
        self.assertEqual(missing, [])
