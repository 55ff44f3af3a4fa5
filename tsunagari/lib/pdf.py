"""PDFs: HTML (a Django template) to a tagged PDF with WeasyPrint and the Noto CJK fonts.

The one way the apps make a PDF (the サポートリスト, questionnaires, invitation letters, survey
reports). Templates set ``font-family: "Noto Sans CJK JP", …`` (Debian's ``fonts-noto-cjk``,
installed by ``make setup``); WeasyPrint embeds the glyphs used as subsets. Every PDF is
tagged (``pdf_tags``), so screen readers can read it. WeasyPrint is imported on first use
(loading it costs ~0.5 s) and the font configuration is built once per process.

Speed (issue 21 item 5): most of the time is WeasyPrint's layout (the サポートリスト of 500
services: ~5.5 s CPU of layout and ~2.4 s of tagged write for 74 pages); this module removes a
cost of the tagged write that grew with pages × tagged elements (``_fast_page_references``),
and pauses Python's cyclic garbage collector while WeasyPrint lays out and writes
(``_gc_paused``).
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string

if TYPE_CHECKING:
    from weasyprint import Document
    from weasyprint.text.fonts import FontConfiguration

FONT_STACK = '"Noto Sans CJK JP", "Noto Sans JP", sans-serif'
MONO_FONT_STACK = '"Noto Sans Mono CJK JP", "DejaVu Sans Mono", monospace'


@functools.cache
def _fast_page_references() -> None:
    """pydyf's ``PDF.page_references`` built a new tuple of every page's reference on each
    read, and WeasyPrint's tagging reads it once per tagged element ('Pg'), so a tagged write
    cost pages × elements (a 74-page サポートリスト: 16,000 reads of 74 references). The
    replacement keeps the tuple until a page is added: the same references, the same bytes."""
    import pydyf

    def page_references(self: pydyf.PDF) -> tuple[bytes, ...]:
        kids = self.pages["Kids"]
        cached = self.__dict__.get("_tsunagari_page_references")
        if cached is None or cached[0] != len(kids):
            cached = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
            self.__dict__["_tsunagari_page_references"] = cached
        return cached[1]

    pydyf.PDF.page_references = property(page_references)  # type: ignore[method-assign,assignment]


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """WeasyPrint allocates hundreds of thousands of long-lived objects (boxes, styles, PDF
    objects), so the collector's full collections ran again and again over all of them while
    finding next to nothing (a 74-page サポートリスト: eight full collections per render, 20–35 %
    of its CPU time; peak memory the same within 7 MB). Paused for the render or the write,
    then resumed as it was (a nested call leaves it to the outer one)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@functools.cache
def _fonts() -> FontConfiguration:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render(html: str) -> Document:
    """The laid-out document (``len(document.pages)`` counts pages); ``write`` makes the bytes."""
    from weasyprint import HTML

    with _gc_paused():
        return HTML(string=html).render(font_config=_fonts())


def join(*documents: Document) -> Document:
    """One document of the pages of several laid out apart (in this process, with the same
    fonts), the first one's metadata: an appendix laid out alone is not laid out again with the
    pages before it. Its CSS numbers its pages on (``@page :first { counter-reset: page N }``)."""
    first, *_ = documents
    return first.copy([page for document in documents for page in document.pages])


def write(document: Document) -> bytes:
    _fast_page_references()
    with _gc_paused():
        return document.write_pdf(pdf_tags=True)


def html_to_pdf(html: str) -> bytes:
    return write(render(html))


def template_to_pdf(template: str, context: dict[str, Any]) -> bytes:
    return html_to_pdf(render_to_string(template, context))
