"""Invitation codes as typed by a respondent or keyed from paper, in their stored shape (no database)."""

from __future__ import annotations


def normalise_code(code: str) -> str:
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    raw = raw.translate(
        str.maketrans(
            "ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＳＴＵＶＷＸＹＺ２３４５６７８９",
            "ABCDEFGHJKLMNPQRSTUVWXYZ23456789",
        )
    )
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else raw
