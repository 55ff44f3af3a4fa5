"""Demo data of governance (called by ``manage.py load_demo`` for every platform).

Gifu: its 規約 (seed 001, 4-2-9, 第1条〜第16条), the プラットフォーム会議 of the 12 幹事団体
(the demo members of the 幹事団体 tier) under the rule set ``gifu``, a past meeting with
attendance, proxies, an e-mail vote, decisions and published minutes, the next meeting
convened with some answers in, a written resolution in progress, and a 分科会 (第16条).
Kamakura: the 準備会 of four bodies with an observer (日本総研) and its first meeting.
Ichihara: the 庁内連携会議 and a launch plan half done. Idempotent: a body that exists is left.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.utils import timezone

from governance.models import (
    AgendaItem,
    Ballot,
    Body,
    BodyKind,
    ItemKind,
    LaunchPlan,
    Meeting,
    Response,
    Seat,
    Vote,
    WrittenResolution,
)
from governance.services import bodies, meetings, records
from governance.services.meetings import do_decide_item
from partnership.models import MemberOrganisation
from platforms.models import Platform

GIFU_ENACTED = datetime.date(2023, 2, 27)

# 岐阜県孤独・孤立対策官民連携プラットフォーム規約 (seed 001, 4-2-9), article by article.
GIFU_ARTICLES: list[tuple[int, str, str]] = [
    (1, "名称", "本会は、「岐阜県孤独・孤立対策官民連携プラットフォーム」と称する。"),
    (2, "目的", "本会は、本県の孤独・孤立対策に取り組む多様なNPO等支援組織と行政機関との複合的な官民の連携を強化することにより、孤独・孤立対策の取組みの推進につなげることを目的とする。"),
    (3, "活動内容", "本会は、前条の目的を達成するため、次の各号に掲げる活動を行う。\n一 県、市町村及びNPO等支援組織間の連携強化\n二 分野横断的な情報共有\n三 包括的な情報発信\n四 その他本会の目的を達成するために必要な活動"),
    (4, "事業年度", "本会の事業年度は、4月1日から3月31日までとする。"),
    (5, "会員等", "本会は、本会の目的に賛同し、本規約を順守する、幹事団体及び一般団体により組織する。\n一 幹事団体 孤独・孤立対策に関連する分野において県内で中核的な役割を担い、かつ、本会の活動に主体的に取り組むことが可能な行政機関及びNPO等支援組織\n二 一般団体 前号以外の孤独・孤立対策に関連する取組みを行う行政機関及びNPO等支援組織"),
    (6, "入会", "本会の幹事団体として加入候補となっている団体は、事務局へ幹事団体加入内諾書（別添様式）を提出するものとする。\n2 新たに本会の一般団体を希望するものは、別に定める入会申込書を事務局に提出するものとし、事務局において入会が適切であると認める場合に、会員となることができる。"),
    (7, "会費", "会費は徴収しない。ただし、プラットフォーム会議において必要と認められるときは、本会の運営に必要な実費の負担を会員に求めることができる。"),
    (8, "退会・除名", "一般団体が本会を退会しようとする場合は、退会の意志を書面により事務局に届け出て、任意に退会することができる。また、会員が次の事項のいずれかに該当するときは、該当団体等に事前に弁明の機会を与えた上で、プラットフォーム会議の議決を経て除名することができる。\n一 1年以上、連絡がとれない場合\n二 本規約に違反又は本会の信用を著しく害したとき\n三 会員が解散又は営業を停止したとき\n四 暴力団等反社会的勢力と関係があることが判明したとき\n五 その他本会の運営に当って重大な支障が生じると認められたとき"),
    (9, "プラットフォーム会議の構成", "本会の幹事団体により構成するプラットフォーム会議を設置する。"),
    (10, "プラットフォーム会議の機能", "プラットフォーム会議は、この規約に別に定めることのほか、次の事項を議決する。\n一 本会に関する規定の策定・改廃\n二 幹事団体の選出・退会\n三 一般団体の除名\n四 その他、本会の目的を達成するために必要な事項"),
    (11, "プラットフォーム会議の開催", "プラットフォーム会議は、必要の都度、幹事団体又は事務局の要請により開催する。\n2 議長は原則選出しないが、必要に応じて出席会員の互選により選出することができる。\n3 プラットフォーム会議には、必要に応じて幹事団体以外の者の出席を求めることができる。"),
    (12, "プラットフォーム会議の定足数", "プラットフォーム会議は、幹事団体の3分の2以上の出席をもって成立するものとする。\n2 前項の出席者には、表決の委任をしたものも含む。"),
    (13, "プラットフォーム会議の決議", "プラットフォーム会議の議事は、議決に加わることのできる出席会員の3分の2以上の賛成により決定する。\n2 議長は採決に加わることができない。\n3 プラットフォーム会議に出席しない幹事団体は、あらかじめ通知された事項について、書面をもって出席する幹事団体を代理人として表決を委任することができる。\n4 プラットフォーム会議の議事に対して、電子メールによる意思表示もできるものとする。電子メールにより一つ以上の議案に対して賛否の意思表示を行った幹事団体については、出席会員として数える。\n5 前条第1項の規定にかかわらず、幹事団体の3分の2以上が書面又は電磁的記録により賛成の意思表示をしたときは、プラットフォーム会議の決議があったものとみなす。"),
    (14, "議案の提案権", "プラットフォーム会議への議案は幹事団体又は事務局が提案する。"),
    (15, "事務局", "本会の事務の執行を円滑におこなうため県地域福祉課に事務局をおく。"),
    (16, "分科会等", "活動の必要に応じて、本会に会員の一部により組織された分科会等を設置することができる。"),
]  # fmt: skip


def load(platform: Platform, slug: str, created: Counter[str]) -> None:
    if slug == "gifu":
        _gifu(platform, created)
    elif slug == "kamakura":
        _kamakura(platform, created)
    elif slug == "ichihara":
        _ichihara(platform, created)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _seat(
    body: Body,
    starts_on: datetime.date,
    *,
    member: MemberOrganisation | None = None,
    name: str = "",
    role: str = Seat.Role.VOTING,
    office: str = "",
    ends_on: datetime.date | None = None,
) -> Seat:
    """A seat without an e-mail address (the demo's seats are reached through their member)."""
    return bodies.do_add_seat(
        body,
        member=member,
        name=name,
        email="",
        role=role,
        office=office,
        starts_on=starts_on,
        ends_on=ends_on,
    )


def _gifu(platform: Platform, created: Counter[str]) -> None:
    if Body.objects.filter(code="pf-kaigi").exists():
        return
    bylaws = bodies.do_create_bylaws(
        platform,
        title="岐阜県孤独・孤立対策官民連携プラットフォーム規約",
        enacted_on=GIFU_ENACTED,
        articles=GIFU_ARTICLES,
    )
    body = bodies.do_create_body(
        platform,
        code="pf-kaigi",
        name="プラットフォーム会議",
        kind=BodyKind.COUNCIL,
        template="gifu",
        bylaws=bylaws,
        public_archive=True,
        description="幹事団体により構成する会議（規約第9条）。規定の策定・改廃、幹事団体の選出・退会、一般団体の除名などを議決する（第10条）。",
    )
    created["governance bodies"] += 1
    steering = list(MemberOrganisation.objects.active().filter(tier__name="幹事団体").order_by("name_kana"))
    seats = [
        _seat(body, GIFU_ENACTED, member=m, ends_on=datetime.date(2027, 3, 31) if i == 0 else None)
        for i, m in enumerate(steering)
    ]
    created["governance seats"] += len(seats)
    subcommittee = bodies.do_create_body(
        platform,
        code="ibasho-bunkakai",
        name="居場所づくり分科会",
        kind=BodyKind.SUBCOMMITTEE,
        template="advisory",
        parent=body,
        bylaws=bylaws,
        description="会員の一部により組織する分科会（規約第16条）。",
    )
    for m in steering[4:9]:
        _seat(subcommittee, datetime.date(2024, 6, 1), member=m)
    created["governance bodies"] += 1
    if len(seats) >= 12:
        _gifu_past_meeting(body, seats, created)
        _gifu_next_meeting(body, seats, created)
        _gifu_written(body, seats, created)


def _agenda(meeting: Meeting, *items: tuple[str, str]) -> list[AgendaItem]:
    """The meeting's items (code, title) in order; a 報告 is a report (no vote)."""
    return [
        AgendaItem.objects.create(
            platform=meeting.platform,
            meeting=meeting,
            code=code,
            order=order,
            title=title,
            kind=ItemKind.REPORT if code.startswith("報告") else ItemKind.GENERAL,
        )
        for order, (code, title) in enumerate(items, start=1)
    ]


def _responses(meeting: Meeting, present: list[Seat], checked_at: datetime.datetime | None) -> None:
    for seat in present:
        Response.objects.create(
            platform=meeting.platform,
            meeting=meeting,
            seat=seat,
            mode=Response.Mode.IN_PERSON,
            responded_at=meeting.starts_at - datetime.timedelta(days=5),
            invited_at=meeting.starts_at - datetime.timedelta(days=14),
            checked_in_at=checked_at,
        )


def _gifu_past_meeting(body: Body, seats: list[Seat], created: Counter[str]) -> None:
    day = datetime.date(2024, 5, 20)
    meeting = meetings.do_create_meeting(
        body,
        number=1,
        title="令和6年度第1回プラットフォーム会議",
        starts_at=_at(day, 14),
        place="岐阜県庁 議会西棟 第1会議室",
        online_url="https://meet.example.jp/gifu-pf",
        materials="資料1 令和5年度活動報告\n資料2 令和6年度事業計画（案）\n資料3 分科会の設置について（案）",
    )
    items = _agenda(
        meeting,
        ("報告1", "令和5年度活動報告"),
        ("議案1", "令和6年度事業計画（案）"),
        ("議案2", "居場所づくり分科会の設置（案）"),
    )
    meeting.status = Meeting.Status.CONVENED
    meeting.convened_at = meeting.starts_at - datetime.timedelta(days=14)
    meeting.save()
    checked = _at(day, 13, 50)
    # 8 present (one online), 2 proxies, 1 e-mail vote, 1 absent: quorum 11 of 12 (8 needed).
    _responses(meeting, seats[:8], checked)
    Response.objects.filter(meeting=meeting, seat=seats[7]).update(mode=Response.Mode.ONLINE)
    for giver, holder in ((seats[8], seats[0]), (seats[9], seats[1])):
        Response.objects.create(
            platform=body.platform, meeting=meeting, seat=giver, mode=Response.Mode.PROXY, proxy_to=holder,
            proxy_items=["議案1", "議案2"], responded_at=checked - datetime.timedelta(days=3),
        )  # fmt: skip
    Response.objects.create(
        platform=body.platform, meeting=meeting, seat=seats[10], mode=Response.Mode.EMAIL,
        email_votes={"議案1": "yes", "議案2": "no"}, responded_at=checked - datetime.timedelta(days=2),
    )  # fmt: skip
    Response.objects.create(
        platform=body.platform, meeting=meeting, seat=seats[11], mode=Response.Mode.ABSENT
    )
    voters = seats[:10]  # 8 in the room, 2 through their holders
    for seat in voters:
        Vote.objects.create(platform=body.platform, item=items[1], seat=seat, choice="yes")
    for i, seat in enumerate(voters):
        Vote.objects.create(
            platform=body.platform, item=items[2], seat=seat, choice="no" if i in (2, 5) else "yes"
        )
    for item in items[1:]:
        do_decide_item(item, actor=None)
    meeting.notes = (
        "事務局から令和5年度の活動（会員164団体、情報交換会2回）を報告した。\n"
        "議案1は原案どおり承認された。議案2について、分科会の構成団体は幹事団体から募ることとした。"
    )
    meeting.save()
    meetings.do_close_meeting(meeting, actor=None)
    minutes = records.do_draft_minutes(meeting)
    minutes.signers = "岐阜県健康福祉部地域福祉課長、社会福祉法人岐阜県社会福祉協議会 事務局長"
    minutes.save()
    records.do_finalise_minutes(minutes, actor=None)
    records.do_publish_minutes(minutes, publish=True, actor=None)
    created["governance meetings"] += 1


def _gifu_next_meeting(body: Body, seats: list[Seat], created: Counter[str]) -> None:
    day = timezone.localdate() + datetime.timedelta(days=1)
    meeting = meetings.do_create_meeting(
        body,
        number=2,
        title="令和7年度第1回プラットフォーム会議",
        starts_at=_at(day, 14),
        place="岐阜県庁 議会西棟 第1会議室",
        online_url="https://meet.example.jp/gifu-pf",
        response_deadline=_at(day - datetime.timedelta(days=1), 17),
    )
    _agenda(meeting, ("議案1", "令和7年度事業計画（案）"), ("議案2", "一般団体入会規則の改正（案）"))
    meeting.status = Meeting.Status.CONVENED
    meeting.convened_at = timezone.now() - datetime.timedelta(days=10)
    meeting.save()
    _responses(meeting, seats[:6], None)
    Response.objects.create(
        platform=body.platform, meeting=meeting, seat=seats[6], mode=Response.Mode.PROXY, proxy_to=seats[0],
        proxy_items=["議案1", "議案2"], responded_at=timezone.now(),
    )  # fmt: skip
    for seat in seats[7:]:
        Response.objects.create(
            platform=body.platform, meeting=meeting, seat=seat, invited_at=meeting.convened_at
        )
    created["governance meetings"] += 1


def _gifu_written(body: Body, seats: list[Seat], created: Counter[str]) -> None:
    now = timezone.now()
    resolution = WrittenResolution.objects.create(
        platform=body.platform,
        body=body,
        title="孤独・孤立対策強化月間（5月）の共同キャンペーンの実施",
        proposal="5月の孤独・孤立対策強化月間に、幹事団体の共同で相談窓口の周知キャンペーンを実施する。費用は各団体の負担とする。",
        deadline=now + datetime.timedelta(days=6),
        opened_at=now - datetime.timedelta(days=4),
    )
    for i, seat in enumerate(seats):
        choice = "approve" if i < 6 else ("reject" if i == 6 else "")
        Ballot.objects.create(
            platform=body.platform, resolution=resolution, seat=seat, choice=choice,
            cast_at=now - datetime.timedelta(days=3 - i % 3) if choice else None, sent_at=resolution.opened_at,
        )  # fmt: skip
    created["governance written resolutions"] += 1


def _kamakura(platform: Platform, created: Counter[str]) -> None:
    if Body.objects.filter(code="junbikai").exists():
        return
    body = bodies.do_create_body(
        platform,
        code="junbikai",
        name="かまくら孤独・孤立対策官民連携プラットフォーム形成に向けた準備会",
        kind=BodyKind.PREPARATORY,
        template="advisory",
        description="支援団体・事業者の巻き込みを協議し、連携プラットフォームに必要な機能を整理する（seed 001, 4-6-7〜4-6-11）。",
    )
    start = datetime.date(2023, 2, 27)
    by_name = {m.name: m for m in MemberOrganisation.objects.active()}
    for name in (
        "鎌倉市社会福祉協議会",
        "社会福祉法人きしろ社会事業会",
        "NPO法人鎌倉市市民活動センター運営会議",
        "鎌倉市",
    ):
        member = next((m for n, m in by_name.items() if name in n), None)
        _seat(body, start, member=member, name=name)
    _seat(body, start, name="日本総合研究所（オブザーバー）", role=Seat.Role.OBSERVER)
    meeting = meetings.do_create_meeting(
        body, number=1, title="第1回準備会", starts_at=_at(start, 10), place="鎌倉市役所 第3会議室"
    )
    _agenda(
        meeting,
        ("報告1", "孤独・孤立対策官民連携プラットフォームの概要"),
        ("報告2", "本準備会の立ち上げの経緯"),
        ("議題1", "今後の取組（重点領域から始める）"),
    )
    meeting.status = Meeting.Status.CONVENED
    meeting.save()
    seats = list(Seat.objects.filter(body=body))
    _responses(meeting, seats, _at(start, 9, 55))
    item = AgendaItem.objects.get(meeting=meeting, code="議題1")
    for seat in seats:
        if seat.role == Seat.Role.VOTING:
            Vote.objects.create(platform=platform, item=item, seat=seat, choice="yes")
    do_decide_item(item, actor=None)
    meeting.notes = "冒頭に市長から設立の意義について発言があった。次回から重点領域の関係団体を迎えて検討を進めることを確認した。"
    meeting.save()
    meetings.do_close_meeting(meeting, actor=None)
    records.do_draft_minutes(meeting)
    created["governance bodies"] += 1
    created["governance meetings"] += 1
    records.do_create_plan(
        platform,
        title="かまくら連携プラットフォームの立ち上げ",
        template="kamakura",
        start=datetime.date(2022, 11, 1),
    )


ICHIHARA_DEPARTMENTS = [
    "保健福祉部 保健福祉課", "保健福祉部 生活福祉課", "保健福祉部 障がい者支援課", "保健福祉部 高齢者支援課",
    "保健福祉部 保健センター", "子ども未来部 子ども福祉課", "子ども未来部 子育て支援課", "教育委員会 学校教育課",
    "教育委員会 生涯学習課", "市民生活部 市民生活課", "市民生活部 男女共同参画課", "経済部 商工業振興課",
    "総務部 危機管理課", "企画部 企画調整課", "総務部 秘書広報課",
]  # fmt: skip


def _ichihara(platform: Platform, created: Counter[str]) -> None:
    if Body.objects.filter(code="chonai").exists():
        return
    body = bodies.do_create_body(
        platform,
        code="chonai",
        name="孤独・孤立対策 庁内連携会議",
        kind=BodyKind.INTERNAL,
        template="advisory",
        description="関係所管課の次長で構成する庁内の会議（seed 001, 市原市の設立手順 STEP1・STEP4）。",
    )
    start = datetime.date(2022, 6, 1)
    for department in ICHIHARA_DEPARTMENTS:
        _seat(body, start, name=department, office="次長")
    created["governance bodies"] += 1
    if not LaunchPlan.objects.exists():
        plan = records.do_create_plan(
            platform,
            title="いちはら孤独・孤立対策官民連携プラットフォームの立ち上げ",
            template="ichihara",
            start=start,
        )
        for step in list(plan.steps.order_by("order"))[:3]:
            step.done_on = step.due_on
            step.save(update_fields=["done_on", "updated_at"])
        created["governance plans"] += 1
