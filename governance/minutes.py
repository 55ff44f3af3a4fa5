"""議事録: drafted from the meeting's record, printed as PDF (WeasyPrint) and Word (python-docx).

The PDF is for signature (議事録署名人 lines at the end); the Word file is for secretariats that
finish minutes in Word. Dates are printed in 和暦 as the seeds' minutes are.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone

from governance.models import AgendaItem, Meeting, Minutes, Response, Seat
from governance.queries import meeting_items, responses_by_seat, seats_on
from tsunagari.lib.jpcalendar import wareki_date
from tsunagari.lib.pdf import template_to_pdf


def record(meeting: Meeting) -> dict[str, Any]:
    """Who attended how, who delegated to whom, every item with its result: the minutes' facts."""
    seats = seats_on(meeting.body, meeting.day)
    responses = responses_by_seat(meeting)
    attended: list[tuple[Seat, Response]] = []
    delegated: list[tuple[Seat, Response]] = []
    emailed: list[tuple[Seat, Response]] = []
    absent: list[Seat] = []
    for seat in seats:
        r = responses.get(seat.pk)
        if r is not None and r.checked_in_at is not None:
            attended.append((seat, r))
        elif r is not None and r.mode == Response.Mode.PROXY and r.proxy_to is not None:
            delegated.append((seat, r))
        elif r is not None and r.mode == Response.Mode.EMAIL and r.email_votes:
            emailed.append((seat, r))
        else:
            absent.append(seat)
    items = meeting_items(meeting)
    return {
        "meeting": meeting,
        "date": wareki_date(meeting.day),
        "time": timezone.localtime(meeting.starts_at).strftime("%H:%M"),
        "attended": attended,
        "delegated": delegated,
        "emailed": emailed,
        "absent": absent,
        "items": items,
        "chair": meeting.chair.name if meeting.chair else meeting.chair_name,
    }


def _result(item: AgendaItem) -> str:
    if not item.needs_vote:
        return "報告"
    if item.passed is None:
        return "未議決"
    v = item.verdict
    word = "可決" if item.passed else "否決"
    return f"{word}（賛成{v.get('yes', 0)}、反対{v.get('no', 0)}、棄権{v.get('abstain', 0)}。母数{v.get('voters', 0)}、必要{v.get('required', 0)}。{'、'.join(v.get('articles', []))}）"


def draft_text(meeting: Meeting) -> str:
    """The minutes' first draft, as plain text the secretariat then edits."""
    r = record(meeting)
    lines = [
        f"{meeting.body.name} 第{meeting.number}回 議事録",
        "",
        f"1 日時　{r['date']} {r['time']}〜",
        f"2 場所　{meeting.place or 'オンライン'}{'（オンライン併用）' if meeting.online_url and meeting.place else ''}",
        f"3 出席　{len(r['attended'])}団体（委任 {len(r['delegated'])}団体、電子メールによる表決 {len(r['emailed'])}団体）",
    ]
    lines += [
        f"　　{seat.name}{'（オンライン）' if resp.mode == Response.Mode.ONLINE else ''}"
        for seat, resp in r["attended"]
    ]
    if r["delegated"]:
        lines.append("　委任")
        lines += [
            f"　　{seat.name} → {resp.proxy_to.name}（{'、'.join(resp.proxy_items)}）"
            for seat, resp in r["delegated"]
            if resp.proxy_to is not None
        ]
    if r["emailed"]:
        lines.append("　電子メールによる表決")
        lines += [f"　　{seat.name}" for seat, _resp in r["emailed"]]
    if r["absent"]:
        lines.append("　欠席")
        lines += [f"　　{seat.name}" for seat in r["absent"]]
    lines += [f"4 議長　{r['chair'] or '（選出せず）'}", "5 議事"]
    for item in r["items"]:
        lines.append(f"　{item.code}　{item.title}　…　{_result(item)}")
        if item.description:
            lines.append(f"　　{item.description}")
    if meeting.notes:
        lines += ["6 議事の経過", meeting.notes]
    return "\n".join(lines)


def pdf(minutes: Minutes) -> bytes:
    """The minutes for signature, A4 (tsunagari.lib.pdf)."""
    context = {
        "minutes": minutes,
        "meeting": minutes.meeting,
        "platform": minutes.platform,
        "date": wareki_date(minutes.meeting.day),
        "signers": [s.strip() for s in minutes.signers.replace(",", "、").split("、") if s.strip()],
        "paragraphs": minutes.text.split("\n"),
    }
    return template_to_pdf("governance/print/minutes.html", context)


def docx(minutes: Minutes) -> bytes:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Noto Sans CJK JP"
    style.font.size = Pt(10.5)
    lines = minutes.text.split("\n")
    document.add_heading(lines[0] if lines else str(minutes.meeting), level=1)
    for line in lines[1:]:
        document.add_paragraph(line)
    document.add_paragraph("")
    document.add_paragraph("上記のとおり相違ないことを証するため、ここに署名する。")
    document.add_paragraph(wareki_date(minutes.meeting.day))
    for signer in [s.strip() for s in minutes.signers.replace(",", "、").split("、") if s.strip()] or [
        "",
        "",
    ]:
        document.add_paragraph(f"議事録署名人　{signer}　　　　　　　　　　　印")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
