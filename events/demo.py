"""Demo events for ``manage.py load_demo`` (called in each platform's scope and transaction).

Shiga: this year's つながりフォーラム open for registration — 100 seats first come, full, six
people on the waiting list, seven sign-ups taken by phone, tables of 8 by activity region — and
the 2023 forum (seed 001, 4-3-11/12) with its attendance and its satisfaction answers
80 / 11 / 9 %. Gifu: the つながりサポーター養成研修, three sessions of which two make a
supporter, ~200 people, with the certificates that follow. Tokushima: the symposium (seed 004).
Shiga also held a members' exchange meeting ten days ago, with its questionnaire built from
the template in the survey engine and 20 of 26 attendees' answers. Rows are written directly
(no mail leaves during a demo load); loading twice creates nothing.
"""

from __future__ import annotations

import datetime
from collections import Counter
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.permissions import Actor
from events.models import Course, Event, Feedback, Registration
from events.services.feedback_survey import do_attach_feedback_survey
from events.tables import plan
from platforms.models import Platform
from surveys.models import Invitation, Response
from surveys.queries import unused_codes
from surveys.services.questionnaire import bump_revision
from tsunagari.demo.fiction import Fiction

JST = ZoneInfo("Asia/Tokyo")
SHIGA_REGIONS = [
    ("大津市", 24),
    ("草津市", 12),
    ("彦根市", 10),
    ("長浜市", 9),
    ("近江八幡市", 7),
    ("守山市", 6),
    ("甲賀市", 6),
    ("東近江市", 6),
    ("栗東市", 5),
    ("湖南市", 4),
    ("高島市", 4),
    ("野洲市", 4),
    ("米原市", 3),
]
ORGANISATIONS = [
    "社会福祉法人 滋賀県社会福祉協議会",
    "NPO法人 おうみ子ども食堂ネット",
    "市社会福祉協議会",
    "地域包括支援センター",
    "NPO法人 居場所ひろば",
    "市役所 福祉政策課",
    "民生委員児童委員協議会",
    "NPO法人 ひきこもり家族会",
]
PROGRAMME = """1. 開会のあいさつ 14:00〜14:05
2. 基調講演「孤独・孤立対策のために地域で求められている取組について」 14:05〜14:35
3. パネルディスカッション「官民連携による「助けて」の声をあげやすい地域づくりについて」 14:35〜15:25
4. 交流会（8人1組のグループテーブルごとに情報交換・意見交換） 15:35〜16:15
5. 全体共有 16:15〜16:30"""
COMMENTS = [
    "同じ地域の団体と初めて話せて、顔の見える関係ができました。",
    "交流会の時間がもう少し長いとよかったです。",
    "基調講演の資料を後で共有してほしいです。",
    "行政の方と民間団体が同じテーブルで話せる機会は貴重でした。",
    "会場が少し寒かったです。",
]


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=JST)


def _people(fiction: Fiction, count: int, prefix: str) -> list[tuple[str, str, str, str]]:
    """(name, e-mail, region, organisation) for ``count`` fictitious people."""
    regions = [region for region, weight in SHIGA_REGIONS for _ in range(weight)]
    found = []
    for index in range(count):
        region = regions[index % len(regions)]
        organisation = ORGANISATIONS[(index * 7) % len(ORGANISATIONS)]
        if organisation.startswith("市"):
            organisation = region + organisation[1:]
        found.append((fiction.person(), f"{prefix}{index:03d}@example.jp", region, organisation))
    return found


def _registrations(
    platform: Platform, event: Event, people: list[tuple[str, str, str, str]], *, start: datetime.datetime
) -> list[Registration]:
    rows = []
    for index, (name, email, region, organisation) in enumerate(people):
        seated = index < event.capacity_venue
        phone = index % 14 == 5  # Shiga took sign-ups by phone from those who could not use the form
        rows.append(
            Registration(
                platform=platform,
                event=event,
                name=name,
                email="" if phone else email,
                email_key="" if phone else email,
                phone="077-000-0000" if phone else "",
                region=region,
                organisation=organisation,
                status=Registration.Status.CONFIRMED if seated else Registration.Status.WAITLISTED,
                source=Registration.Source.PHONE if phone else Registration.Source.WEB,
                confirmed_at=start if seated else None,
            )
        )
    made = Registration.objects.bulk_create(rows)
    # Registration order: created_at is auto_now_add, so spread it after the fact.
    for index, row in enumerate(made):
        Registration.objects.filter(pk=row.pk).update(
            created_at=start + datetime.timedelta(minutes=37 * index)
        )
    return made


def _seat(event: Event) -> int:
    people = list(
        Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED, mode="venue")
    )
    tables = plan(people, "region", event.table_size)
    for number, members in tables.items():
        Registration.objects.filter(pk__in=[p.pk for p in members]).update(table=number)
    return len(tables)


def _shiga(platform: Platform, created: Counter[str]) -> None:
    fiction = Fiction("events:shiga")
    today = timezone.localdate()
    if not Event.objects.filter(slug="forum").exists():
        day = today + datetime.timedelta(days=24)
        event = Event.objects.create(
            platform=platform,
            slug="forum",
            title="つながることがチカラになる つながりフォーラム",
            summary="孤独・孤立対策について、県内の団体が地域ごとのテーブルで語り合うフォーラムです。",
            description=PROGRAMME,
            venue="ピアザ淡海 大会議室",
            venue_address="滋賀県大津市におの浜1-1-20 滋賀県立県民交流センター",
            starts_at=_at(day, 14),
            ends_at=_at(day, 16, 30),
            deadline=_at(day - datetime.timedelta(days=1), 12),
            capacity_venue=100,
            waitlist=True,
            audience="NPO等の民間活動団体（プラットフォーム参画団体およびその他団体）、県内市町の重層的支援体制整備事業担当者等",
            organiser="滋賀県 健康医療福祉部 健康福祉政策課",
            contact="健康福祉政策課 tel 077-528-3512 / fax 077-528-4850",
            questions=["交流会で話したいテーマ"],
            status=Event.Status.PUBLISHED,
        )
        _registrations(
            platform,
            event,
            _people(fiction, 106, "forum"),
            start=timezone.now() - datetime.timedelta(days=12),
        )
        created["event tables"] += _seat(event)
        created["events"] += 1
    if not Event.objects.filter(slug="forum-2023").exists():
        day = datetime.date(2023, 2, 8)
        past = Event.objects.create(
            platform=platform,
            slug="forum-2023",
            title="～つながることがチカラになる～つながることで見えるちょっと素敵な未来を描くフォーラム",
            description=PROGRAMME,
            venue="ピアザ淡海 大会議室",
            venue_address="滋賀県大津市におの浜1-1-20",
            starts_at=_at(day, 14),
            ends_at=_at(day, 16, 30),
            deadline=_at(day - datetime.timedelta(days=1), 12),
            capacity_venue=100,
            organiser="滋賀県 健康医療福祉部 健康福祉政策課",
            status=Event.Status.PUBLISHED,
        )
        rows = _registrations(
            platform, past, _people(fiction, 100, "f2023-"), start=_at(datetime.date(2023, 1, 10), 9)
        )
        Registration.objects.filter(pk__in=[r.pk for r in rows[:94]]).update(checked_in_at=_at(day, 13, 40))
        _seat(past)
        answers = (
            ["satisfied"] * 41 + ["rather_satisfied"] * 31 + ["rather_dissatisfied"] * 10 + ["no_answer"] * 8
        )
        Feedback.objects.bulk_create(
            Feedback(
                platform=platform,
                event=past,
                registration=rows[index],
                satisfaction=answer,
                comment=COMMENTS[index % len(COMMENTS)] if index % 6 == 0 else "",
            )
            for index, answer in enumerate(answers)
        )
        created["events"] += 1
        created["event feedback"] += len(answers)


def _gifu(platform: Platform, created: Counter[str]) -> None:
    if Course.objects.filter(title="つながりサポーター養成研修").exists():
        return
    fiction = Fiction("events:gifu")
    course = Course.objects.create(
        platform=platform,
        title="つながりサポーター養成研修",
        description="孤独・孤立の状態にある方に気づき、声をかけ、相談先につなぐ「つながりサポーター」を養成します（全3回）。",
        min_sessions=2,
        certificate_title="ぎふ つながりサポーター",
    )
    people = [(fiction.person(), f"supporter{n:03d}@example.jp", "", "") for n in range(200)]
    first = timezone.localdate() - datetime.timedelta(days=60)
    for number in range(3):
        day = first + datetime.timedelta(days=14 * number)
        session = Event.objects.create(
            platform=platform,
            slug=f"supporter-{number + 1}",
            title=f"つながりサポーター養成研修 第{number + 1}回",
            venue="岐阜県庁 大会議室",
            starts_at=_at(day, 13, 30),
            ends_at=_at(day, 16),
            capacity_venue=220,
            course=course,
            status=Event.Status.PUBLISHED,
        )
        rows = _registrations(platform, session, people, start=_at(day - datetime.timedelta(days=20), 9))
        # attendance falls a little from one session to the next
        present = [r.pk for index, r in enumerate(rows) if (index + number) % (9 - number) != 0]
        Registration.objects.filter(pk__in=present).update(checked_in_at=_at(day, 13, 20))
        created["events"] += 1
    created["courses"] += 1


def _tokushima(platform: Platform, created: Counter[str]) -> None:
    if Event.objects.filter(slug="symposium").exists():
        return
    day = timezone.localdate() + datetime.timedelta(days=40)
    Event.objects.create(
        platform=platform,
        slug="symposium",
        title="孤独・孤立対策シンポジウム",
        summary="県内市町村、NPO等の関連団体向けに、孤独・孤立対策の情報を提供します。",
        venue="徳島県医師会館",
        starts_at=_at(day, 13, 30),
        ends_at=_at(day, 16),
        deadline=_at(day - datetime.timedelta(days=7), 17),
        capacity_venue=80,
        capacity_online=100,
        online_url="https://meet.example.jp/tokushima-symposium",
        sponsors="後援: 徳島県自殺予防協会",
        status=Event.Status.PUBLISHED,
    )
    created["events"] += 1


def _shiga_meeting(platform: Platform, created: Counter[str]) -> None:
    """Ten days ago: a members' exchange meeting whose questionnaire went out through the survey
    engine (one code per attendee, 20 of 26 answered on the web)."""
    if Event.objects.filter(slug="koryukai").exists():
        return
    fiction = Fiction("events:shiga-koryukai")
    day = timezone.localdate() - datetime.timedelta(days=10)
    event = Event.objects.create(
        platform=platform,
        slug="koryukai",
        title="プラットフォーム参画団体 交流会（湖南ブロック）",
        summary="草津市・守山市・栗東市・野洲市・湖南市の参画団体が、取組と困りごとを持ち寄ります。",
        venue="草津市立市民交流プラザ 大会議室",
        starts_at=_at(day, 13, 30),
        ends_at=_at(day, 16),
        capacity_venue=30,
        table_size=6,
        organiser="滋賀県 健康医療福祉部 健康福祉政策課",
        status=Event.Status.PUBLISHED,
    )
    rows = _registrations(
        platform, event, _people(fiction, 30, "koryu"), start=_at(day, 9) - datetime.timedelta(days=20)
    )
    came = [row for row in rows if row.email][:26]
    Registration.objects.filter(pk__in=[r.pk for r in came]).update(checked_in_at=_at(day, 13, 20))
    survey = do_attach_feedback_survey(event, actor=Actor(user=None, role=None, platform=platform))
    version = survey.fielded_version()
    assert version is not None
    codes = unused_codes(survey, len(came))
    answers = [1] * 12 + [2] * 6 + [3] * 2
    sent_at = _at(day, 16, 30)
    for index, (person, code) in enumerate(zip(came, codes, strict=True)):
        answered = index < len(answers)
        invitation = Invitation.objects.create(
            platform=platform,
            survey=survey,
            code=code,
            used_at=sent_at + datetime.timedelta(hours=index) if answered else None,
            used_mode="web" if answered else "",
        )
        Registration.objects.filter(pk=person.pk).update(feedback_invitation=invitation)
        if answered:
            Response.objects.create(
                platform=platform,
                survey=survey,
                version=version,
                mode="web",
                answers={
                    "satisfaction": answers[index],
                    "useful": [3, 4] if index % 2 else [1, 3],
                    "comment": COMMENTS[index % len(COMMENTS)] if index % 4 == 0 else "",
                },
                submitted_at=sent_at + datetime.timedelta(hours=index),
            )
    bump_revision(survey)
    created["events"] += 1
    created["event questionnaire answers"] += len(answers)


def load(platform: Platform, slug: str, created: Counter[str]) -> None:
    if slug == "shiga":
        _shiga(platform, created)
        _shiga_meeting(platform, created)
    elif slug == "gifu":
        _gifu(platform, created)
    elif slug == "tokushima":
        _tokushima(platform, created)
