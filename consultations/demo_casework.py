"""Demo: a generated month at Yamagata shaped like つながりよりそいチャット's report (seed 001, 4-4-22).

February 2023, consultations from the 16th to the 27th (24-hour acceptance, answered
weekdays 18:00–21:00, otherwise on the next business day): 85 people, 203
consultations, people by age band 5/13/20/22/16/8/1, topics (multi-select) as in the
report (家族関係 44, 仕事・就労 39, 病気・障害 27, …; 178 in all, so some consultations
have none recorded). A few referrals run through 生活福祉課 as Yamagata's do.
Every text is generic and fictitious. ``consult_report yamagata-shi --from 2023-02-01
--to 2023-02-28`` gives back 85 and 203.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from typing import Any

from django.utils import timezone

from consultations.crypto import blind_index
from consultations.models import (
    CaseworkSettings,
    Channel,
    ChannelKind,
    Consent,
    Consulter,
    Conversation,
    ConversationRecord,
    ConversationState,
    ConversationTopic,
    Direction,
    Message,
    Outcome,
    Referral,
    ReferralEvent,
    ReferralOutcome,
    ReferralStatus,
    ShareItem,
)
from partnership.models import MemberOrganisation, OrgType
from platforms.models import Platform
from tsunagari.lib.jpcalendar import add_business_days, is_business_day

SLUG = "yamagata-shi"
MONTH_FROM = datetime.date(2023, 2, 1)
MONTH_TO = datetime.date(2023, 2, 28)
FIRST_DAY = datetime.date(2023, 2, 16)
LAST_DAY = datetime.date(2023, 2, 27)
PEOPLE_BY_AGE = {"10s": 5, "20s": 13, "30s": 20, "40s": 22, "50s": 16, "60s": 8, "70s+": 1}
CONSULTATIONS = 203
TOPIC_COUNTS = {
    "family": 44,
    "work": 39,
    "illness": 27,
    "loneliness": 12,
    "purpose": 10,
    "parenting": 10,
    "public_services": 10,
    "friends": 8,
    "romance": 6,
    "care": 6,
    "suicidal": 3,
    "poverty": 1,
    "legal": 1,
    "divorce": 1,
}
REFERRALS = 6
OPENINGS = [
    "こんばんは。少し話を聞いてもらえますか。",
    "誰にも相談できなくて、メッセージしました。",
    "最近ひとりでいることが多くて、気持ちが沈んでいます。",
    "家族のことで悩んでいます。",
    "仕事のことで相談したいです。",
]
REPLIES = [
    "メッセージありがとうございます。相談員です。よろしければ、もう少し詳しく教えてください。",
    "お話ししてくださってありがとうございます。ゆっくりで大丈夫です。",
]
FOLLOW_UPS = ["ありがとうございます。少し気持ちが楽になりました。", "また相談してもいいですか。"]
TOKYO = datetime.timezone(datetime.timedelta(hours=9))


def _in_hours(at: datetime.datetime) -> bool:
    return is_business_day(at.date()) and 18 <= at.hour < 21


def _first_response(at: datetime.datetime, rng: random.Random) -> datetime.datetime:
    if _in_hours(at):
        return at + datetime.timedelta(minutes=rng.randint(3, 40))
    day = at.date() if is_business_day(at.date()) and at.hour < 18 else add_business_days(at.date(), 1)
    return datetime.datetime.combine(day, datetime.time(18, rng.randint(0, 50)), tzinfo=TOKYO)


def _opened_at(rng: random.Random) -> datetime.datetime:
    day = FIRST_DAY + datetime.timedelta(days=rng.randint(0, (LAST_DAY - FIRST_DAY).days))
    # Evenings are busiest (the answered slot), but messages come in around the clock.
    hour = rng.choice([7, 9, 12, 13, 15, 17, 18, 18, 19, 19, 19, 20, 20, 20, 21, 22, 22, 23, 0, 1])
    return datetime.datetime.combine(day, datetime.time(hour, rng.randint(0, 59)), tzinfo=TOKYO)


def load(platform: Platform, slug: str, created: Counter[str]) -> None:
    if slug != SLUG:
        return
    month_start = datetime.datetime.combine(MONTH_FROM, datetime.time.min, tzinfo=TOKYO)
    month_end = datetime.datetime.combine(
        MONTH_TO + datetime.timedelta(days=1), datetime.time.min, tzinfo=TOKYO
    )
    if Conversation.objects.filter(opened_at__gte=month_start, opened_at__lt=month_end).exists():
        return
    rng = random.Random("yamagata-2023-02")  # noqa: S311 (reproducible demo data)
    settings, made = CaseworkSettings.objects.get_or_create(
        platform=platform,
        defaults={"referrals_via_secretariat": True, "secretariat_label": "山形市生活福祉課"},
    )
    created["casework_settings"] += int(made)
    channel, made = Channel.objects.get_or_create(
        platform=platform, kind=ChannelKind.LINE, defaults={"name": "つながりよりそいチャット"}
    )
    created["channels"] += int(made)

    people = _people(platform, channel, rng)
    created["consulters"] += len(people)
    conversations = _conversations(platform, channel, people, rng)
    created["consultations"] += len(conversations)
    created["messages"] += _messages(platform, conversations, rng)
    created["consultation_records"] += _records(platform, conversations, people, rng)
    created["referrals"] += _referrals(platform, conversations, rng)


def _people(platform: Platform, channel: Channel, rng: random.Random) -> list[tuple[Consulter, str]]:
    bands = [band for band, n in PEOPLE_BY_AGE.items() for _i in range(n)]
    rng.shuffle(bands)
    consulters = [
        Consulter(
            platform=platform,
            channel=channel,
            identity_hash=blind_index(f"demo-yamagata-{index}", "line"),
            label=f"Y{index:03d}",
            first_contact_at=_opened_at(rng),
        )
        for index in range(len(bands))
    ]
    Consulter.objects.bulk_create(consulters)
    return list(zip(consulters, bands, strict=True))


def _conversations(
    platform: Platform, channel: Channel, people: list[tuple[Consulter, str]], rng: random.Random
) -> list[Conversation]:
    # Everyone consulted at least once; the rest are repeat consultations (most people came back).
    owners = [consulter for consulter, _band in people]
    owners += [rng.choice(owners) for _i in range(CONSULTATIONS - len(owners))]
    conversations = []
    for consulter in owners:
        opened = _opened_at(rng)
        answered = _first_response(opened, rng)
        closed = answered + datetime.timedelta(hours=rng.randint(1, 30))
        conversations.append(
            Conversation(
                platform=platform,
                consulter=consulter,
                channel=channel,
                state=ConversationState.CLOSED,
                opened_at=opened,
                closed_at=closed,
                last_message_at=closed,
                last_inbound_at=opened + datetime.timedelta(minutes=5),
                first_response_at=answered,
                arrived_in_hours=_in_hours(opened),
            )
        )
    Conversation.objects.bulk_create(conversations)
    return conversations


def _messages(platform: Platform, conversations: list[Conversation], rng: random.Random) -> int:
    rows = []
    for conversation in conversations:
        opened, answered = conversation.opened_at, conversation.first_response_at
        assert answered is not None
        rows.append(_message(platform, conversation, Direction.INBOUND, rng.choice(OPENINGS), opened))
        if not conversation.arrived_in_hours:
            rows.append(
                _message(
                    platform,
                    conversation,
                    Direction.AUTO,
                    "ただいま対応時間外です。平日18時から相談員がお返事します。",
                    opened,
                )
            )
        rows.append(_message(platform, conversation, Direction.OUTBOUND, rng.choice(REPLIES), answered))
        for step in range(rng.randint(0, 2)):
            at = answered + datetime.timedelta(minutes=10 * (step + 1))
            rows.append(_message(platform, conversation, Direction.INBOUND, rng.choice(FOLLOW_UPS), at))
    Message.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _message(platform: Platform, conversation: Conversation, direction: str, text: str, at: Any) -> Message:
    return Message(
        platform=platform, conversation=conversation, direction=direction, text=text, created_at=at
    )


def _records(
    platform: Platform,
    conversations: list[Conversation],
    people: list[tuple[Consulter, str]],
    rng: random.Random,
) -> int:
    band_of = {consulter.pk: band for consulter, band in people}
    records = [
        ConversationRecord(
            platform=platform,
            conversation=conversation,
            age_band=band_of[conversation.consulter_id],
            outcome=rng.choice([Outcome.LISTENED, Outcome.LISTENED, Outcome.INFORMATION, Outcome.CONTINUING]),
        )
        for conversation in conversations
    ]
    ConversationRecord.objects.bulk_create(records)
    topics = []
    for topic, count in TOPIC_COUNTS.items():
        for record in rng.sample(records, count):
            topics.append(ConversationTopic(platform=platform, record=record, topic=topic))
    ConversationTopic.objects.bulk_create(topics)
    return len(records)


def _referrals(platform: Platform, conversations: list[Conversation], rng: random.Random) -> int:
    receivers = list(
        MemberOrganisation.objects.active()
        .filter(org_type__in=[OrgType.SHAKYO, OrgType.NPO])
        .order_by("id")[:3]
    )
    if not receivers:
        return 0
    outcomes = [
        ReferralOutcome.SERVICE_STARTED,
        ReferralOutcome.INFORMATION_GIVEN,
        ReferralOutcome.SERVICE_STARTED,
    ]
    made = 0
    for index, conversation in enumerate(rng.sample(conversations, REFERRALS)):
        receiver = receivers[index % len(receivers)]
        answered = conversation.first_response_at
        assert answered is not None
        at: datetime.datetime = answered + datetime.timedelta(minutes=30)
        consent = Consent.objects.create(
            platform=platform,
            conversation=conversation,
            items=[ShareItem.SUMMARY, ShareItem.PROFILE],
            city_divisions=True,
            valid_until=(at + datetime.timedelta(days=90)).date(),
            statement="市の生活福祉課を通じて関係機関に伝えることに同意",
            recorded_at=at,
        )
        consent.organisations.set([receiver])
        forwarded = at + datetime.timedelta(hours=20)
        responded = forwarded + datetime.timedelta(hours=rng.randint(2, 30))
        completed = index < 4
        referral = Referral.objects.create(
            platform=platform,
            conversation=conversation,
            consent=consent,
            receiver_member=receiver,
            via_secretariat=True,
            status=ReferralStatus.COMPLETED if completed else ReferralStatus.ACCEPTED,
            summary="相談者の同意のうえ、状況の要約を共有（デモ）",
            created_at=at,
            sent_to_receiver_at=forwarded,
            due_on=add_business_days(timezone.localtime(forwarded).date(), 2),
            received_at=forwarded + datetime.timedelta(hours=1),
            responded_at=responded,
            outcome=outcomes[index % len(outcomes)] if completed else "",
            answer="担当者からご連絡します（デモ）" if completed else "",
            answered_at=responded if completed else None,
            answer_relayed_at=responded + datetime.timedelta(hours=3) if completed else None,
        )
        steps = [
            ("created", ReferralStatus.REQUESTED, at),
            ("forwarded", ReferralStatus.REQUESTED, forwarded),
        ]
        steps.append(("accepted", ReferralStatus.ACCEPTED, responded))
        if completed:
            steps.append(("completed", ReferralStatus.COMPLETED, responded + datetime.timedelta(minutes=5)))
            steps.append(("relayed", ReferralStatus.COMPLETED, responded + datetime.timedelta(hours=3)))
        ReferralEvent.objects.bulk_create(
            [ReferralEvent(platform=platform, referral=referral, kind=k, status=s, at=t) for k, s, t in steps]
        )
        made += 1
    return made
