"""Demo mail magazine for ``manage.py load_demo``: Tokushima's, written by four staff in turn.

Seed 004: Tokushima plans a mail magazine issued as needed, four staff taking turns, with
events and grants as a benefit of membership. The demo has the four editors (the platform's two
secretariat accounts and two more secretariat staff who only write), ~90 confirmed subscribers
(member organisations' contacts, imported with their consent, and residents who signed up),
a year of issues sent (each recipient's copy in the outbox as sent), and the next issue waiting
for review by someone other than its editor. Loading twice creates nothing.
"""

from __future__ import annotations

import datetime
from collections import Counter
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password

from accounts.models import Role, User
from mailings.models import Delivery, Editor, Issue, MailingList, Subscriber
from platforms.models import Platform
from tsunagari.demo.specs import staff_email
from tsunagari.lib.outbox.models import OutboxMail

JST = ZoneInfo("Asia/Tokyo")
EXTRA_EDITORS = [("editor3", "阿波 三千代"), ("editor4", "吉野 四郎")]
TOPICS = [
    (
        "4月号: プラットフォームの新年度",
        "新年度の会員団体の皆さまへのご挨拶と、今年度の情報交換会の予定です。",
    ),
    (
        "5月号: 孤独・孤立対策強化月間",
        "5月は孤独・孤立対策強化月間です。県内の取組とポスターの配布についてお知らせします。",
    ),
    ("6月号: 助成金のご案内", "地域の居場所づくりに使える助成金の募集が始まりました。締切は7月末です。"),
    (
        "7月号: 情報交換会（ケーススタディ）",
        "会員団体から事例を出していただき、対応やつなぎ方を皆で共有します。",
    ),
    (
        "8月号: 子ども食堂と産後うつサポート",
        "参加団体の強みを生かした取組（子ども食堂 × 産後うつサポート）の報告です。",
    ),
    ("9月号: 自殺予防週間", "9月10日から16日は自殺予防週間です。相談窓口の一覧を更新しました。"),
    ("10月号: 市町村ワークショップ", "重層的支援体制の構築に向けた市町村ワークショップの報告です。"),
    (
        "11月号: 自殺予防サポーター養成研修",
        "11月に自殺予防サポーター養成研修を開催します。お申し込みはお早めに。",
    ),
    (
        "12月号: 孤独・孤立対策シンポジウム",
        "12月のシンポジウムの参加者アンケートでは、回答者の9割がプラットフォームに関心を示しました。",
    ),
    ("1月号: 高齢男性の孤立を防ぐ", "60歳以上男性の自殺死亡率が高いことを受けた取組を検討しています。"),
    ("2月号: 一周年のご挨拶", "プラットフォーム発足から1年。参加団体は90団体になりました。"),
    ("3月号: 年度末のお知らせ", "来年度の情報交換会の日程と、会員情報の更新のお願いです。"),
]


def _body(text: str) -> str:
    return (
        "徳島県孤独・孤立対策官民連携プラットフォームの会員の皆さま\n\n"
        f"{text}\n\n"
        "■ イベント情報\nイベントの一覧とお申し込みは、プラットフォームのページをご覧ください。\n"
        f"{settings.SITE_URL.rstrip('/')}/p/tokushima/events/\n\n"
        "■ 会員団体の活動紹介\n会員団体の皆さまの活動やイベント情報をお寄せください。"
    )


def _editors(platform: Platform, mailing_list: MailingList, created: Counter[str]) -> list[User]:
    users = [
        user
        for user in User.objects.filter(
            roles__platform=platform, roles__kind__in=[Role.SECRETARIAT_ADMIN, Role.SECRETARIAT_STAFF]
        ).order_by("email")
    ]
    password = make_password(None)  # editors who only write here never sign in in the demo
    for local, name in EXTRA_EDITORS:
        user, made = User.objects.get_or_create(
            email=staff_email(local, platform.slug), defaults={"name": name, "password": password}
        )
        if made:
            Role.objects.create(user=user, platform=platform, kind=Role.SECRETARIAT_STAFF)
            created["users"] += 1
        if user not in users:
            users.append(user)
    users = users[:4]
    for order, user in enumerate(users):
        Editor.objects.get_or_create(
            mailing_list=mailing_list, user=user, defaults={"platform": platform, "order": order}
        )
    return users


def load(platform: Platform, slug: str, created: Counter[str]) -> None:
    if slug != "tokushima" or MailingList.objects.filter(slug="news").exists():
        return
    mailing_list = MailingList.objects.create(
        platform=platform,
        slug="news",
        name="とくしま つながりメールマガジン",
        description="イベントや助成・補助の情報、会員団体の活動をお届けします（随時発行）。どなたでも登録できます。",
        rate_per_minute=120,
    )
    editors = _editors(platform, mailing_list, created)
    start = datetime.datetime(2025, 4, 10, 9, 0, tzinfo=JST)
    subscribers = []
    for index in range(92):
        member = index < 65  # 65 団体 joined by 「この指とまれ」; the rest are residents
        subscribers.append(
            Subscriber(
                platform=platform,
                mailing_list=mailing_list,
                email=f"{'member' if member else 'resident'}{index:02d}@example.jp",
                email_key=f"{'member' if member else 'resident'}{index:02d}@example.jp",
                status=Subscriber.Status.UNSUBSCRIBED if index % 31 == 30 else Subscriber.Status.CONFIRMED,
                source=Subscriber.Source.IMPORT if member else Subscriber.Source.WEB,
                consent_text="入会申込書で配信に同意"
                if member
                else "とくしま つながりメールマガジン の配信に同意します。",
                consented_at=start - datetime.timedelta(days=30 - index % 20),
                confirmed_at=start - datetime.timedelta(days=30 - index % 20),
            )
        )
    subscribers = Subscriber.objects.bulk_create(subscribers)
    created["mail subscribers"] += len(subscribers)
    for number, (subject, text) in enumerate(TOPICS, start=1):
        sent = start + datetime.timedelta(days=30 * (number - 1))
        issue = Issue.objects.create(
            platform=platform,
            mailing_list=mailing_list,
            number=number,
            subject=subject,
            body=_body(text),
            editor=editors[(number - 1) % len(editors)],
            approved_by=editors[number % len(editors)],
            approved_at=sent - datetime.timedelta(days=1),
            status=Issue.Status.SENT,
            send_started_at=sent,
            sent_at=sent + datetime.timedelta(minutes=1),
        )
        recipients = [s for s in subscribers if s.status == Subscriber.Status.CONFIRMED]
        mails = OutboxMail.objects.bulk_create(
            OutboxMail(
                platform=platform,
                key=f"mailing:{issue.uuid}:{s.uuid}",
                kind="mailings.issue",
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[s.email],
                subject=f"【{mailing_list.name} 第{number}号】{subject}",
                body=issue.body,
                state=OutboxMail.State.SENT,
                attempts=1,
                sent_at=sent,
                created_at=sent,
            )
            for s in recipients
        )
        Delivery.objects.bulk_create(
            Delivery(platform=platform, issue=issue, subscriber=s, mail=m)
            for s, m in zip(recipients, mails, strict=True)
        )
        created["mail issues"] += 1
    Issue.objects.create(
        platform=platform,
        mailing_list=mailing_list,
        number=len(TOPICS) + 1,
        subject="4月号: 2年目のプラットフォーム",
        body=_body("2年目の情報交換会の予定と、新しく参加された団体のご紹介です。"),
        editor=editors[len(TOPICS) % len(editors)],
        status=Issue.Status.REVIEW,
    )
    created["mail issues"] += 1
