"""PDFs of the day: seating chart, name cards, certificates (WeasyPrint, tagged).

Rendered here until the shared ``tsunagari.lib.pdf`` lands on main; then ``render`` becomes
a call to it.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string


def render(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # imported here: loading WeasyPrint costs ~0.5 s

    html = render_to_string(template, context)
    return HTML(string=html).write_pdf(pdf_tags=True)  # type: ignore[no-any-return]
