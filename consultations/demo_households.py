"""Kamakura's demo: three household cases that came from agencies, and two case conferences
with members and non-member agencies attending, their outcome and the tasks they assigned.

Kamakura's 政策研究 (seed 001 4-6-3) began with hearings of support bodies on households
they could only 「長期間にわたり見守るしかない」: an elderly parent cared for by a son who has
withdrawn for years (8050), a primary-school child caring for a parent (ヤングケアラー, the
city's survey of 小4 to 高校生), and two frail people supporting each other (ぜい弱な者同士が
支え合っている世帯). Names are fictional; every text is stored encrypted like real casework.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.utils import timezone

from accounts.permissions import Actor
from consultations.models import Case, CaseConference, CaseEntry, CaseGuest, CaseOrigin, ShareItem
from consultations.queries import CaseView
from consultations.services.cases import (
    MemberInput,
    do_add_entry,
    do_add_task,
    do_invite,
    do_invite_guest,
    do_log_contact,
    do_open_case_from_contact,
    do_record_conference,
    do_schedule_review,
)
from partnership.models import MemberOrganisation, OrgType
from platforms.models import Platform
from tsunagari.lib.jpcalendar import add_business_days

SLUG = "kamakura"

HOUSEHOLDS = [
    {
        "origin": CaseOrigin.AGENCY,
        "referring_body": "鎌倉市地域包括支援センター（架空）",
        "referring_contact": "主任ケアマネジャー 佐藤（架空） 0467-00-0001",
        "watch_only": True,
        "summary": "要介護2の母（80代）を長男（50代）が一人で介護。長男は20年以上ほぼ外出せず、"
        "母の年金で暮らしている。訪問には応じるが支援は断っている。",
        "members": [
            MemberInput("母", "parent", "80s+", is_concern=True, consented=True),
            MemberInput("長男", "self", "50s", is_main_carer=True, consented=True),
        ],
        "days_ago": 40,
    },
    {
        "origin": CaseOrigin.AGENCY,
        "referring_body": "鎌倉市立小学校（架空） スクールソーシャルワーカー",
        "referring_contact": "SSW 鈴木（架空） 0467-00-0002",
        "watch_only": False,
        "summary": "小5の児童が精神疾患のある母の世話と弟の送り迎えをしており、遅刻が続く。"
        "ヤングケアラー調査の自由記述がきっかけで学校が把握。",
        "members": [
            MemberInput("本人（小5）", "self", "6-12", is_concern=True, is_main_carer=True, consented=True),
            MemberInput("母", "parent", "40s", consented=True),
            MemberInput("弟", "sibling", "0-5"),
        ],
        "days_ago": 25,
    },
    {
        "origin": CaseOrigin.COUNTER,
        "referring_body": "",
        "referring_contact": "",
        "watch_only": True,
        "summary": "70代の夫婦が来所。夫は認知症の初期、妻は視覚障害があり、互いに支え合って暮らしている。"
        "近所づきあいはなく、親族は遠方。",
        "members": [
            MemberInput("夫", "self", "70s", is_concern=True, consented=True),
            MemberInput("妻", "spouse", "70s", is_main_carer=True, consented=True),
        ],
        "days_ago": 12,
    },
]


def load(platform: Platform, slug: str, created: Counter[str]) -> None:
    if slug != SLUG or Case.objects.filter(platform=platform).exclude(origin=CaseOrigin.CHAT).exists():
        return
    shakyo = MemberOrganisation.objects.filter(org_type=OrgType.SHAKYO).order_by("pk").first()
    npos = list(MemberOrganisation.objects.filter(org_type=OrgType.NPO).order_by("pk")[:2])
    if shakyo is None or len(npos) < 2:
        return
    today = timezone.localdate()
    actor = Actor(user=None, role=None, platform=platform)
    cases = []
    for household in HOUSEHOLDS:
        case = do_open_case_from_contact(
            platform,
            origin=str(household["origin"]),
            referring_body=str(household["referring_body"]),
            referring_contact=str(household["referring_contact"]),
            watch_only=bool(household["watch_only"]),
            contact_on=today - datetime.timedelta(days=int(str(household["days_ago"]))),
            summary=str(household["summary"]),
            members=list(household["members"]),  # type: ignore[call-overload]
            items=[ShareItem.ASSESSMENT, ShareItem.MEETING_NOTES],
            organisations=[shakyo, *npos],
            city_divisions=True,
            valid_until=today + datetime.timedelta(days=180),
            statement="世帯の同意者に、社協と支援団体へ見立てと会議記録を共有することを説明し、了承を得た。",
            actor=actor,
        )
        cases.append(case)
    created["household_cases"] += len(cases)
    # The 8050 household: a conference of the secretariat, 社協 and an NPO running a 居場所.
    case = cases[0]
    do_log_contact(
        case,
        occurred_on=today - datetime.timedelta(days=30),
        channel="home_visit",
        summary="社協と同行訪問。長男は玄関先で短く話した。母の通院の送迎に困っている。",
        actor=actor,
    )
    for organisation in (shakyo, npos[0]):
        do_invite(case, organisation, actor=actor)
    case.assessment = "母の介護が長男の唯一の役割になっており、介護が終わると長男が孤立する恐れが大きい。"
    case.plan = "社協が家計と母の通院送迎、NPOが長男に居場所の案内。急がず、月1回の訪問で関係を保つ。"
    case.save(update_fields=["assessment", "plan"])
    view = CaseView(case, None)
    # The referring 地域包括支援センター takes part as a non-member agency (the household agreed).
    houkatsu = do_invite_guest(
        case,
        organisation_name="鎌倉市地域包括支援センター（架空）",
        name="佐藤 主任ケアマネジャー（架空）",
        email="houkatsu@example.jp",
        household_agreed=True,
        actor=actor,
    )
    conference = do_record_conference(
        case,
        held_on=today - datetime.timedelta(days=14),
        outcome="見立てを共有し、役割分担を決めた。母の通院送迎は社協、長男への居場所の案内はNPO、"
        "母のケアプランの見直しは包括が担う。長男には急がず、月1回の訪問で関係を保つ。",
        members=[(shakyo, "高橋 地域福祉コーディネーター（架空）"), (npos[0], "伊藤 居場所担当（架空）")],
        guests=[houkatsu],
        actor=actor,
    )
    do_add_entry(
        view,
        kind=CaseEntry.MEETING,
        occurred_on=today - datetime.timedelta(days=14),
        body="第1回世帯支援会議（事務局・社協・NPO・包括）。見立てと役割分担を確認。次回は1か月後に見直す。",
        actor=actor,
    )
    _tasks(
        case,
        conference,
        today,
        actor,
        (shakyo, "母の通院送迎の手配（移送サービスの紹介）", 10),
        (npos[0], "長男に居場所のちらしを手渡し、感想を聞く", 20),
        (houkatsu, "母のケアプランを見直し、ショートステイの利用を提案する", 15),
    )
    do_schedule_review(case, business_days=20, actor=actor)
    created["case_conferences"] += 1
    _young_carer_conference(cases[1], shakyo, today, actor, created)


def _tasks(
    case: Case,
    conference: CaseConference,
    today: datetime.date,
    actor: Actor,
    *tasks: tuple[MemberOrganisation | CaseGuest, str, int],
) -> None:
    """The conference's tasks: (who, what, due in so many business days), a member or a guest."""
    for who, description, business_days in tasks:
        organisation, guest = (None, who) if isinstance(who, CaseGuest) else (who, None)
        do_add_task(
            case,
            organisation=organisation,
            guest=guest,
            conference=conference,
            description=description,
            due_on=add_business_days(today, business_days),
            actor=actor,
        )


def _young_carer_conference(
    case: Case, shakyo: MemberOrganisation, today: datetime.date, actor: Actor, created: Counter[str]
) -> None:
    """The young carer's household: the school's SSW and the 社協 met; the school follows up."""
    do_invite(case, shakyo, actor=actor)
    school = do_invite_guest(
        case,
        organisation_name="鎌倉市立小学校（架空）",
        name="鈴木 スクールソーシャルワーカー（架空）",
        email="ssw@example.jp",
        household_agreed=True,
        actor=actor,
    )
    case.assessment = (
        "児童が母の世話と弟の送迎を担い、学習と友人関係の時間が失われている。母は治療を続けたい意向。"
    )
    case.plan = "母の家事支援を社協が調整し、学校は朝の遅刻を責めずに見守る。児童が話せる大人を一人つくる。"
    case.save(update_fields=["assessment", "plan"])
    conference = do_record_conference(
        case,
        held_on=today - datetime.timedelta(days=7),
        outcome="母の家事支援（週2回）の利用を社協が調整する。学校は担任とSSWで児童の様子を見守り、"
        "月1回事務局に様子を伝える。弟の送迎は当面、社協のボランティアが週2回代わる。",
        members=[(shakyo, "高橋 地域福祉コーディネーター（架空）")],
        guests=[school],
        actor=actor,
    )
    _tasks(
        case,
        conference,
        today,
        actor,
        (shakyo, "家事支援の事業所と送迎ボランティアを調整する", 5),
        (school, "児童の登校の様子を1か月記録し、事務局に伝える", 20),
    )
    do_schedule_review(case, business_days=25, actor=actor)
    created["case_conferences"] += 1
