"""PDFs: HTML (a Django template) to a tagged PDF with WeasyPrint and the Noto CJK fonts.

The one way the apps make a PDF (the サポートリスト, questionnaires, invitation letters, survey
reports). Templates set ``font-family: "Noto Sans CJK JP", …`` (Debian's ``fonts-noto-cjk``,
installed by ``make setup``); WeasyPrint embeds the glyphs used as subsets. Every PDF is
tagged (``pdf_tags``), so screen readers can read it. WeasyPrint is imported on first use
(loading it costs ~0.5 s) and the font configuration is built once per process.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string

if TYPE_CHECKING:
    from weasyprint import Document
    from weasyprint.text.fonts import FontConfiguration

FONT_STACK = '"Noto Sans CJK JP", "Noto Sans JP", sans-serif'
MONO_FONT_STACK = '"Noto Sans Mono CJK JP", "DejaVu Sans Mono", monospace'


@functools.cache
def _fonts() -> FontConfiguration:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render(html: str) -> Document:
    """The laid-out document (``len(document.pages)`` counts pages); ``write`` makes the bytes."""
    from weasyprint import HTML

    return HTML(string=html).render(font_config=_fonts())


def write(document: Document) -> bytes:
    return document.write_pdf(pdf_tags=True)


def html_to_pdf(html: str) -> bytes:
    return write(render(html))


def template_to_pdf(template: str, context: dict[str, Any]) -> bytes:
    return html_to_pdf(render_to_string(template, context))
