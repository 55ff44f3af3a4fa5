"""Reads of partnership shared by its views, forms, services and other apps, by topic:

- ``members``: the public register and a member's public card, the staff list, tier usage, the
  member a role acts for, pending change requests and withdrawals, an open expulsion, a change's
  diff, fiscal-year labels;
- ``councils``: councils with their seat counts, who sits on them, the members that could be
  seated, the core-partner ranking, the check of an imported seat CSV against the stored councils;
- ``applications``: what the platform knows of an applicant (the rejoin ban), the application a
  form stored before, the members that may recommend, an application's possible duplicates.

Callers import the names from here. Every read runs inside the platform scope the middleware (or
a test) has entered. Queries never import ``partnership.services``; services import queries.
"""

from partnership.queries.applications import (
    RECOMMENDING_ORG_TYPES,
    ApplicantCheck,
    Duplicates,
    ban_message,
    check_applicant,
    possible_duplicates,
    recommenders,
    submitted_application,
)
from partnership.queries.councils import (
    DEFAULT_TOP,
    CouncilRef,
    MemberRef,
    PartnerRow,
    active_members_by_name,
    addable_members,
    check_seat_rows,
    core_partner_ranking,
    council_seats,
    councils_with_counts,
)
from partnership.queries.members import (
    CHANGEABLE_FIELDS,
    DiffRow,
    PublicCard,
    PublicItem,
    add_years,
    change_diff,
    display_value,
    field_label,
    fiscal_year_label,
    member_values,
    open_expulsion,
    organisation_of,
    pending_change_requests,
    pending_withdrawals,
    public_card,
    public_register,
    staff_members,
    tier_usage,
    type_counts,
)

__all__ = [
    "CHANGEABLE_FIELDS",
    "DEFAULT_TOP",
    "RECOMMENDING_ORG_TYPES",
    "ApplicantCheck",
    "CouncilRef",
    "DiffRow",
    "Duplicates",
    "MemberRef",
    "PartnerRow",
    "PublicCard",
    "PublicItem",
    "active_members_by_name",
    "add_years",
    "addable_members",
    "ban_message",
    "change_diff",
    "check_applicant",
    "check_seat_rows",
    "core_partner_ranking",
    "council_seats",
    "councils_with_counts",
    "display_value",
    "field_label",
    "fiscal_year_label",
    "member_values",
    "open_expulsion",
    "organisation_of",
    "pending_change_requests",
    "pending_withdrawals",
    "possible_duplicates",
    "public_card",
    "public_register",
    "recommenders",
    "staff_members",
    "submitted_application",
    "tier_usage",
    "type_counts",
]
