"""Objects for the staff-URL × role matrix (platforms/tests/test_url_matrix.py): one per uuid URL.

The referral and the case are addressed to the organisation of the platform's
member_staff user, so that the role the guard lets in also sees the object.
"""

from __future__ import annotations

import datetime

from accounts.models import Role
from consultations.models import (
    BusinessHours,
    CannedReply,
    Case,
    CaseOrigin,
    CaseParticipant,
    Channel,
    ChannelKind,
    Consent,
    Consulter,
    CrisisWord,
    Medium,
    Referral,
    SpecialPeriod,
    TrackedLink,
)
from consultations.tests.casework import make_consent, make_conversation
from partnership.models import MemberOrganisation
from platforms.models import Platform


def _desk_objects(platform: Platform) -> dict[str, object]:
    hours = BusinessHours.objects.create(
        platform=platform, weekday=0, start=datetime.time(18), end=datetime.time(21)
    )
    period = SpecialPeriod.objects.create(
        platform=platform,
        name="強化月間",
        start_date=datetime.date(2030, 5, 1),
        end_date=datetime.date(2030, 5, 31),
        closed=True,
    )
    link = TrackedLink.objects.create(
        platform=platform, code=f"m{platform.slug}", medium=Medium.FLYER, label="チラシ"
    )
    channel = Channel.objects.create(platform=platform, kind=ChannelKind.WEB, name="Web")
    person = Consulter.objects.create(
        platform=platform, channel=channel, identity_hash=f"m{platform.slug}", label="MTRX"
    )
    word = CrisisWord.objects.create(platform=platform, word="matrix", folded="matrix")
    return {
        "consultations:crisis_word_delete": word,
        "consultations:person_export": person,
        "consultations:person_erase": person,
        "consultations:hours_delete": hours,
        "consultations:period_delete": period,
        "consultations:link_qr": link,
    }


def objects(platform: Platform, member: MemberOrganisation) -> dict[str, object]:
    staff_role = Role.objects.filter(
        platform=platform, kind=Role.MEMBER_STAFF, organisation__isnull=False
    ).first()
    receiver = staff_role.organisation if staff_role is not None else member
    assert receiver is not None
    conversation = make_conversation(platform, "matrix")
    consent = make_consent(conversation, receiver)
    referral = Referral.objects.create(
        platform=platform,
        conversation=conversation,
        consent=consent,
        receiver_member=receiver,
        sent_to_receiver_at=consent.recorded_at,
        due_on=consent.valid_until,
    )
    case = Case.objects.create(
        platform=platform,
        reference=f"C-MATRIX-{platform.slug}"[:20],
        conversation=conversation,
        consent=consent,
    )
    CaseParticipant.objects.create(platform=platform, case=case, organisation=receiver)
    household_consent = Consent.objects.create(
        platform=platform, conversation=None, items=[], valid_until=consent.valid_until
    )
    household = Case.objects.create(
        platform=platform,
        reference=f"C-HH-{platform.slug}"[:20],
        consent=household_consent,
        origin=CaseOrigin.AGENCY,
        referring_body="地域包括支援センター",
    )
    canned = CannedReply.objects.create(platform=platform, title="matrix", body="matrix")
    return {
        **_desk_objects(platform),
        "consultations:conversation": conversation,
        "consultations:consent_new": conversation,
        "consultations:referral_new": conversation,
        "consultations:case_new": conversation,
        "consultations:referral": referral,
        "consultations:case": case,
        "consultations:case_export": household,
        "consultations:case_erase": household,
        "consultations:case_referral_new": household,
        "consultations:canned_edit": canned,
    }
