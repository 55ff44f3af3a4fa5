"""The printed サポートリスト as PDF (WeasyPrint + Noto Sans CJK JP, embedded as subsets).

Layout after Ise's 「伊勢つながりサポートリスト」 (seed 003): a cover, a table of contents
with 「リストの使い方」, then one table per category with the columns 相談内容 /
相談・連絡先 / 受付日時 / 所在地, category marks and a 予約 mark, and on every page a
running header (title, 予約 legend) and a running footer with the platform's fallback
window (「迷ったら…」) and the page number. A5 is a booklet: the page count is padded
with メモ pages to a multiple of four for saddle stitching.

This module only lays out a ``Document``; building it from the directory data and
caching the bytes live in ``directory.services.support_list``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.template.loader import render_to_string

from directory.hours import Hours
from tsunagari.lib import pdf

# Eight colours, white text on each has a contrast ratio of at least 4.5:1.
PALETTE = ("#b3261e", "#8a5000", "#1b6e3a", "#0b5cad", "#6a1b9a", "#00696b", "#9c2c6b", "#4a4a4a")


@dataclass(frozen=True)
class PageSize:
    key: str
    css: str
    margins: str
    base_pt: float
    widths: tuple[int, int, int, int]  # 相談内容, 相談・連絡先, 受付日時, 所在地 (percent)
    memo_lines: int
    summary_chars: int  # a service's description is cut to this length under its name


SIZES = {
    "a4": PageSize("a4", "A4", "20mm 13mm 27mm 13mm", 11.5, (26, 29, 25, 20), 18, 60),
    "a5": PageSize("a5", "A5", "15mm 8mm 22mm 8mm", 10, (25, 30, 25, 20), 12, 36),
}


@dataclass(frozen=True)
class Mark:
    name: str
    colour: int


@dataclass(frozen=True)
class Phone:
    number: str
    label: str = ""
    fax: bool = False


@dataclass
class Entry:
    topic: str
    provider: str
    summary: str = ""
    marks: list[Mark] = field(default_factory=list)
    reservation: bool = False
    phones: list[Phone] = field(default_factory=list)
    hours: Hours = field(default_factory=lambda: Hours([], [], False))
    address: list[str] = field(default_factory=list)
    url: str = ""


@dataclass
class Section:
    anchor: str
    name: str
    colour: int
    entries: list[Entry]


@dataclass(frozen=True)
class Fallback:
    lead: str
    name: str
    phone: str = ""
    hours: str = ""


@dataclass
class Document:
    title: str
    subtitle: str
    issuer: str
    as_of: str
    howto: str
    fallback: Fallback
    sections: list[Section]
    size: PageSize
    intro: str = ""
    issuer_contact: str = ""
    lang: str = "ja"
    memo_pages: int = 0
    # The メモ pages alone, numbered on from first_page (laid out apart, then joined).
    memo_only: bool = False
    first_page: int = 1

    # Values the template reads.
    @property
    def page_size(self) -> str:
        return self.size.css

    @property
    def margins(self) -> str:
        return self.size.margins

    @property
    def base_pt(self) -> float:
        return self.size.base_pt

    @property
    def small_pt(self) -> float:
        return round(self.size.base_pt * 0.8, 1)

    @property
    def widths(self) -> tuple[int, int, int, int]:
        return self.size.widths

    @property
    def palette(self) -> tuple[str, ...]:
        return PALETTE

    @property
    def memo_lines(self) -> range:
        return range(self.size.memo_lines)

    @property
    def memo_page_range(self) -> range:
        return range(self.memo_pages)


PDF_TEMPLATE = "directory/support_list/pdf.html"


def _html(doc: Document) -> str:
    return render_to_string(PDF_TEMPLATE, {"doc": doc})


def render_pdf(doc: Document) -> tuple[bytes, int]:
    """(PDF bytes, page count). A5 booklets are padded to a multiple of four pages: the メモ
    pages are laid out alone, numbered on, and joined (not the whole list laid out again)."""
    document = pdf.render(_html(doc))
    pages = len(document.pages)
    if doc.size.key == "a5" and pages % 4:
        memo = replace(doc, memo_pages=4 - pages % 4, memo_only=True, first_page=pages + 1)
        document = pdf.join(document, pdf.render(_html(memo)))
        doc.memo_pages = memo.memo_pages
        pages = len(document.pages)
    return pdf.write(document), pages
