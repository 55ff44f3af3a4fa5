"""Capabilities of consultations: codename -> role kinds.

Registered from the app's ``AppConfig.ready()``; views ask with ``@permission_required``,
services and templates with ``can`` (see ``accounts.permissions``)."""

from __future__ import annotations

from accounts.models import Role
from accounts.permissions import SECRETARIAT, SECRETARIAT_ADMIN, SECRETARIAT_OR_VIEWER

# Who works the inbox: the secretariat and the counsellors.
INBOX = SECRETARIAT | {Role.COUNSELLOR}

CAPABILITIES: dict[str, frozenset[str]] = {
    # the consultation report (small cells suppressed outside the secretariat)
    "consultations.view_report": SECRETARIAT | {Role.COUNSELLOR, Role.VIEWER},
    # the consultation report without small-cell suppression
    "consultations.view_unsuppressed_report": SECRETARIAT,
    # casework settings
    "consultations.change_casework_settings": SECRETARIAT_ADMIN,
    # read and answer conversations, consents, referrals from the inbox
    "consultations.use_inbox": INBOX,
    # referrals (member staff: those sent to their organisation)
    "consultations.view_referrals": INBOX | {Role.MEMBER_STAFF},
    # forward a referral held at the secretariat
    "consultations.forward_referrals": SECRETARIAT,
    # the LINE channel and desk settings
    "consultations.manage_desk": SECRETARIAT_ADMIN,
    # the platform's own crisis words
    "consultations.edit_crisis_words": SECRETARIAT,
    # opening hours and closed periods
    "consultations.edit_hours": SECRETARIAT,
    # tracked links and their counts
    "consultations.view_links": SECRETARIAT_OR_VIEWER,
    # create tracked links
    "consultations.edit_links": SECRETARIAT,
    # export or erase a consulter's data
    "consultations.manage_personal_data": SECRETARIAT_ADMIN,
    # open a case from a conversation
    "consultations.open_case": SECRETARIAT,
    # cases (member staff: those their organisation works on)
    "consultations.view_cases": SECRETARIAT | {Role.MEMBER_STAFF},
}
