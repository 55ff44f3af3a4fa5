"""Pages carry no <style> blocks: styles live in static/css/site.css (or an app's static CSS), so
the Content-Security-Policy can forbid inline styles. Print templates rendered to PDF by
WeasyPrint (never served as pages) keep theirs."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

ROOT = Path(settings.BASE_DIR)


def page_templates() -> list[Path]:
    found = []
    for path in ROOT.rglob("templates/**/*.html"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {".venv", "var", "node_modules"}:
            continue
        if "print" in relative.parts or "pdf" in path.stem:
            continue  # rendered to PDF, not served
        found.append(path)
    return found


class NoInlineStyleTest(SimpleTestCase):
    def test_it_finds_no_style_block_in_any_page_template(self) -> None:
        templates = page_templates()
        self.assertGreater(len(templates), 50)
        offenders = [str(p.relative_to(ROOT)) for p in templates if "<style" in p.read_text().lower()]
        self.assertEqual(offenders, [])
