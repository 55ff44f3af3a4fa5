"""PDFs with WeasyPrint: the paper questionnaire (same 問 numbering as the web) and mailed letters."""

from __future__ import annotations

from typing import Any

from surveys import logic
from surveys.models import QuestionnaireVersion, Survey
from tsunagari.lib.pdf import template_to_pdf


def questionnaire_pdf(survey: Survey, version: QuestionnaireVersion, *, easy: bool = False) -> bytes:
    numbers = logic.number_of(version)
    outline = [
        (section, [(item, logic.describe_conditions(item.question, numbers)) for item in items])
        for section, items in logic.outline(version)
    ]
    context = {
        "survey": survey,
        "version": version,
        "outline": outline,
        "easy": easy,
        "platform": survey.platform,
    }
    return template_to_pdf("surveys/print/questionnaire.html", context)


ADDRESS_KEYS = {
    "postal": ("郵便番号", "postal_code", "〒"),
    "address": ("住所", "address", "所在地"),
    "name": ("氏名", "name", "宛名", "名前"),
}


def _address_block(address: dict[str, Any]) -> dict[str, str]:
    """Postal code, address and name from the frame's columns (by their usual Japanese names)."""
    out = {}
    for part, keys in ADDRESS_KEYS.items():
        out[part] = next((str(address[k]) for k in keys if address.get(k)), "")
    return out


def qr_svg(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def letters_pdf(sample: Any, survey_url: str) -> bytes:
    """One A4 letter per invitation: window-envelope address, the request, the URL, QR code and code."""
    from surveys.models import Invitation

    letters = []
    for invitation in Invitation.objects.filter(sample=sample).order_by("id"):
        url = f"{survey_url}?code={invitation.code}"
        letters.append(
            {"code": invitation.code, "url": url, "qr": qr_svg(url), **_address_block(invitation.address)}
        )
    context = {
        "survey": sample.survey,
        "platform": sample.survey.platform,
        "letters": letters,
        "survey_url": survey_url,
    }
    return template_to_pdf("surveys/print/letters.html", context)
