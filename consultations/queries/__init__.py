"""Reads of the consultation desk shared by its views, services and commands, by topic:

- ``conversations``: the shared inbox (list, search, unread counts, staff), the counsellor's
  record, the consultation links' figures;
- ``casework``: who may see which case and referral (the consent gate) and the lists they see;
- ``erasure``: what erasing a person or a case would touch;
- ``report``: the consultation statistics and their small-count suppression.

Callers import the names from here (``from consultations.queries import inbox``). Queries
never import ``consultations.services``; services import queries.
"""

from consultations.queries.casework import (
    CaseView,
    MemberRow,
    can_respond,
    case_for,
    cases_visible_to,
    city_windows,
    referral_for,
    referrals_visible_to,
)
from consultations.queries.conversations import (
    SEARCHED_LABELS,
    InboxFilters,
    inbox,
    line_url,
    link_stats,
    record_of,
    staff_users,
    unread_summary,
    with_unread,
)
from consultations.queries.erasure import (
    CaseErasurePreview,
    ErasurePreview,
    case_erasure_preview,
    erasure_preview,
    raw_events_of,
    with_content,
)
from consultations.queries.report import COUNT_KEYS, bars, build_report, suppress, threshold_for

__all__ = [
    "COUNT_KEYS",
    "SEARCHED_LABELS",
    "CaseErasurePreview",
    "CaseView",
    "ErasurePreview",
    "InboxFilters",
    "MemberRow",
    "bars",
    "build_report",
    "can_respond",
    "case_erasure_preview",
    "case_for",
    "cases_visible_to",
    "city_windows",
    "erasure_preview",
    "inbox",
    "line_url",
    "link_stats",
    "raw_events_of",
    "record_of",
    "referral_for",
    "referrals_visible_to",
    "staff_users",
    "suppress",
    "threshold_for",
    "unread_summary",
    "with_content",
    "with_unread",
]
