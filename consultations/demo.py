"""Demo data of the consultation desk (called by ``manage.py load_demo`` for every platform).

Every platform gets its desk settings and web chat with weekday daytime hours. Yamagata city
gets its つながりよりそいチャット: a LINE channel (demo credentials, for the local simulator),
weekday 18:00–21:00, the May 孤独・孤立対策強化月間 with longer hours, tracked links for the media
of seed 001's table 4-4-23 with its click counts, and a few fictitious consultations. The
month of consultations shaped like Yamagata's results (85 people, 203 consultations) is
loaded by the statistics part of the desk.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter

from django.utils import timezone

from consultations import demo_casework, demo_households
from consultations.crisis import URGENT_REASON
from consultations.crisis_rules import fold
from consultations.crypto import blind_index
from consultations.models import (
    BusinessHours,
    ChannelKind,
    Consulter,
    Conversation,
    ConversationState,
    CrisisWord,
    Delivery,
    DeskSettings,
    Direction,
    LinkTarget,
    Medium,
    Message,
    SpecialPeriod,
    TrackedLink,
    new_label,
)
from consultations.services.channels import do_configure_line, web_channel
from platforms.models import Platform

YAMAGATA = "yamagata-shi"

# Seed 001, table 4-4-23: access counts by medium over the 12 days (code, medium, label, clicks).
YAMAGATA_LINKS = [
    ("gads", Medium.GOOGLE_ADS, "Google 広告", 6075),
    ("fbads", Medium.FACEBOOK_ADS, "Facebook 広告", 170),
    ("igads", Medium.INSTAGRAM_ADS, "Instagram 広告", 843),
    ("flyer", Medium.FLYER, "チラシポスティング", 7),
    ("cityhp", Medium.CITY_WEBSITE, "山形市公式ホームページ", 78),
    ("cityline", Medium.CITY_SNS, "山形市公式 LINE", 2),
    ("cityfb", Medium.CITY_SNS, "山形市公式 Facebook", 20),
    ("infl1", Medium.INFLUENCER, "インフルエンサー A（Instagram 投稿）", 54),
    ("infl2", Medium.INFLUENCER, "インフルエンサー B（Instagram リール）", 17),
]

# A few fictitious consultations: (channel, age of the first message in hours, state, urgent, lines).
CONVERSATIONS = [
    (
        "line",
        30,
        ConversationState.WAITING,
        False,
        [
            ("in", "仕事をやめてから、誰とも話していません。"),
            ("out", "話してくださってありがとうございます。最近はどんなふうに過ごしていますか。"),
        ],
    ),
    ("line", 5, ConversationState.NEW, True, [("in", "もう消えたいと思うことがあります。")]),
    (
        "web",
        50,
        ConversationState.OPEN,
        False,
        [
            ("in", "親の介護で自分の時間がありません。"),
            ("out", "毎日たいへんですね。どなたか手伝ってくれる人はいますか。"),
            ("in", "いません。市の制度も知りません。"),
        ],
    ),
]


YAMAGATA_CRISIS_WORDS = ("ブロン", "金パブ", "咳止めをまとめ飲み")


def demo_secret(slug: str) -> str:
    """Demo-only LINE channel secret, derived from the slug (the simulator signs with it)."""
    return hashlib.sha256(f"tsunagari-demo-line:{slug}".encode()).hexdigest()[:32]


def load(platform: Platform, slug: str, created: Counter[str]) -> None:
    _load_desk(platform, slug, created)
    demo_casework.load(platform, slug, created)  # Yamagata's generated month: 85 people, 203 consultations
    demo_households.load(platform, slug, created)  # Kamakura: three households from agencies, a conference


def _load_desk(platform: Platform, slug: str, created: Counter[str]) -> None:
    if DeskSettings.objects.filter(platform=platform).exists():
        return
    yamagata = slug == YAMAGATA
    DeskSettings.objects.create(
        platform=platform,
        name="つながりよりそいチャット" if yamagata else "チャット相談",
        operator_name="認定NPO法人（委託先・架空）" if yamagata else "",
        retention_months=36,
        **_notice(platform, yamagata),
    )
    web_channel(platform)
    created["consultation_desks"] += 1
    start, end = (
        (datetime.time(18), datetime.time(21)) if yamagata else (datetime.time(10), datetime.time(17))
    )
    BusinessHours.objects.bulk_create(
        BusinessHours(platform=platform, weekday=day, start=start, end=end) for day in range(5)
    )
    created["business_hours"] += 5
    if not yamagata:
        return
    do_configure_line(
        platform,
        secret=demo_secret(slug),
        token=f"demo-token-{slug}",
        basic_id="@733gquft",
        name="つながりよりそいチャット",
    )
    year = timezone.localdate().year
    SpecialPeriod.objects.create(
        platform=platform,
        name="孤独・孤立対策強化月間",
        start_date=datetime.date(year, 5, 1),
        end_date=datetime.date(year, 5, 31),
        start=datetime.time(17),
        end=datetime.time(22),
        include_weekends=True,
    )
    created["special_periods"] += 1
    for code, medium, label, clicks in YAMAGATA_LINKS:
        TrackedLink.objects.create(
            platform=platform, code=code, medium=medium, label=label, clicks=clicks, target=LinkTarget.LINE
        )
    created["tracked_links"] += len(YAMAGATA_LINKS)
    # The secretariat's own crisis words, on top of the built-in rules: over-the-counter cough
    # and cold medicines that young people take in overdoses (名前は一般的な俗称).
    for word in YAMAGATA_CRISIS_WORDS:
        CrisisWord.objects.create(platform=platform, word=word, folded=fold(word))
    created["crisis_words"] += len(YAMAGATA_CRISIS_WORDS)
    _conversations(platform, created)


def _notice(platform: Platform, yamagata: bool) -> dict[str, str]:
    """Who reads the chat and how to ask for erasure, as each demo place would say it."""
    office = platform.secretariat_name or platform.owner_name
    if yamagata:
        readers = (
            f"{platform.owner_name}から委託を受けた認定NPO法人の相談員（守秘義務があります）が読みます。"
            f"命に関わるときと、あなたが同意したつなぎ先を紹介するときだけ、{office}の担当職員と共有します。"
        )
    else:
        readers = (
            f"{office}の相談員（保健師・社会福祉士など。守秘義務があります）が読みます。"
            "あなたが同意したときだけ、つなぎ先の支援機関にお伝えします。"
        )
    erasure = (
        "記録を消してほしいときは、このチャットで「記録を消してください」と書くか、"
        f"{office}（電話 {platform.contact_phone}、平日8:30〜17:15）へ相談コードを添えてご連絡ください。"
        "本文と画像を消去し、件数などの統計だけを残します。"
    )
    return {"notice_readers": readers, "notice_erasure": erasure}


def _conversations(platform: Platform, created: Counter[str]) -> None:
    from consultations.models import Channel

    now = timezone.now()
    for index, (kind, hours_ago, state, urgent, lines) in enumerate(CONVERSATIONS):
        channel = Channel.objects.get(
            platform=platform, kind=ChannelKind.LINE if kind == "line" else ChannelKind.WEB
        )
        opened = now - datetime.timedelta(hours=hours_ago)
        consulter = Consulter.objects.create(
            platform=platform,
            channel=channel,
            identity_hash=blind_index(f"demo-{index}", kind),
            line_user_id=f"Udemo{index:028d}" if kind == "line" else "",
            label=new_label(),
            first_contact_at=opened,
        )
        conversation = Conversation.objects.create(
            platform=platform,
            consulter=consulter,
            channel=channel,
            state=state,
            urgent=urgent,
            urgent_reason=URGENT_REASON if urgent else "",
            urgent_words="消えたい" if urgent else "",
            opened_at=opened,
            arrived_in_hours=False,
        )
        at = opened
        for direction, text in lines:
            Message.objects.create(
                platform=platform,
                conversation=conversation,
                direction=direction,
                text=text,
                created_at=at,
                delivery=Delivery.REPLIED
                if direction == Direction.OUTBOUND and kind == "line"
                else Delivery.NONE,
            )
            at += datetime.timedelta(minutes=7)
        Conversation.objects.filter(pk=conversation.pk).update(
            last_message_at=at,
            last_inbound_at=opened,
            first_response_at=opened + datetime.timedelta(minutes=7),
        )
        created["consultations"] += 1
