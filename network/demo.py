"""Tokushima's member network for the demo (seed 004): the 守秘義務 pledge, the two umbrellas
(宅建業協会 ~700 firms, とくしま子ども食堂NW 55 cafeterias), a year of notices and grant
information, six case studies with their referral paths, twenty needs and offers with matches in
every state, and the prefecture's accompaniment of 阿南市・小松島市・神山町 (7 engagements)."""

from __future__ import annotations

import datetime
from collections import Counter

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Role
from accounts.permissions import Actor
from network.models import Match, Pledge
from network.services import board, cases, engagements, matches, pledges, profiles, reminders
from partnership.models import MemberOrganisation, OrgType
from platforms.models import Platform

TOKUSHIMA, NARUTO, KOMATSUSHIMA, ANAN, KAMIYAMA = "362018", "362026", "362034", "362042", "363421"
PLEDGE = (
    "1. 会員は、連携のために共有された相談事例・ニーズ・提供その他の情報を、連携の目的以外に利用しません。\n"
    "2. 個人が特定できる情報は、本人の同意なく共有しません。\n"
    "3. この義務は退会した後も続きます。（徳島県孤独・孤立対策連携プラットフォーム設置要綱）"
)
UMBRELLAS = [
    (
        "公益社団法人徳島県宅地建物取引業協会",
        "とくしまけんたくちたてものとりひきぎょうきょうかい",
        OrgType.OTHER,
        700,
        "",
    ),
    (
        "とくしま子ども食堂ネットワーク",
        "とくしまこどもしょくどうねっとわーく",
        OrgType.NPO,
        55,
        "\n".join(f"子ども食堂{i:02d}" for i in range(1, 56)),
    ),
]
FESTIVAL = "子ども食堂まつり\n日時: 土曜の11時から14時\n場所: 地域の公民館\n参加費: 無料（親子でどうぞ）\n"
STRENGTHS = [
    ("見守り", "訪問"),
    ("食支援", "居場所"),
    ("産後うつ", "子育て"),
    ("ひきこもり", "家族支援"),
    ("就労支援", "生活困窮"),
    ("会場", "チラシ", "デザイン"),
    ("学習支援", "ヤングケアラー"),
]
SETUPS = [
    "電話・来所の相談を平日9時〜17時に受け付けています。訪問も可。",
    "月2回の居場所の日に相談を受けています。LINEでの予約もできます。",
    "専門職（社会福祉士）が常駐し、オンライン相談にも対応します。",
]
GRANTS = [
    ("地域福祉活動助成", "徳島県共同募金会", 300000),
    ("子どもの居場所づくり支援事業補助金", "徳島県", 1000000),
    ("孤独・孤立対策活動助成", "○○財団", 500000),
    ("フードバンク活動支援助成", "△△生協", 200000),
    ("NPO基盤強化助成", "□□基金", 800000),
    ("見守り活動備品補助", "徳島市", 100000),
]
NOTICES = [
    "情報交換会（ケーススタディ）のご案内",
    "孤独・孤立対策シンポジウム開催",
    "会員団体の強みアンケートのお願い",
    "ノベルティグッズ（エプロン・バッグ）配布",
    "相談窓口一覧の更新",
    "年末年始の相談窓口",
    "新規会員のご紹介",
]
CASES = [
    (
        "家主が気づいた高齢者の孤立",
        "高齢者",
        "70代",
        "阿南市",
        "不動産会社（宅建業協会会員）",
        "家賃の滞納が続き、Aさんの部屋から応答がないことに気づいた。",
        "地域包括支援センター",
        "訪問し、介護保険の申請と配食サービスにつないだ。",
        "子ども食堂",
        "週1回、食堂の手伝いに通うようになった。",
    ),
    (
        "ひきこもりの若者と家族",
        "ひきこもり",
        "20代",
        "徳島市",
        "民生委員",
        "母親から、息子のBさんが家から出ないと相談を受けた。",
        "ひきこもり地域支援センター",
        "家族教室に母親を案内し、本人にはオンライン面談を提案した。",
        "NPO（居場所）",
        "月2回の居場所に参加している。",
    ),
    (
        "産後うつの母親",
        "子育て",
        "30代",
        "小松島市",
        "保健師",
        "乳児健診で母親Cさんの表情が暗いことに気づいた。",
        "産後うつサポートの会員団体",
        "自宅訪問とピアサポートを始めた。",
        "子ども食堂",
        "親子で食堂の参加イベントに来るようになった。",
    ),
    (
        "ヤングケアラーの中学生",
        "ヤングケアラー",
        "10代",
        "鳴門市",
        "中学校のスクールソーシャルワーカー",
        "遅刻が続くDさんが祖母の介護をしていると分かった。",
        "社会福祉協議会",
        "祖母の介護サービスを見直し、学習支援につないだ。",
        "学習支援NPO",
        "週2回、放課後に学習支援へ通う。",
    ),
    (
        "失業した単身男性",
        "生活困窮",
        "50代",
        "徳島市",
        "フードバンク",
        "食料支援の申込みでEさんが失業中だと分かった。",
        "生活困窮者自立相談支援機関",
        "家計相談と就労準備支援を始めた。",
        "企業（会員）",
        "会員企業で短時間の仕事に就いた。",
    ),
    (
        "外国人住民の孤立",
        "外国人",
        "40代",
        "神山町",
        "日本語教室のボランティア",
        "Fさんが地域の行事を知らず孤立していると気づいた。",
        "町役場の福祉担当",
        "やさしい日本語のお知らせを届けた。",
        "地域の集いの場",
        "月1回の集いに参加している。",
    ),
]
ENGAGEMENTS = [
    (ANAN, "阿南市", "hearing", (2022, 12, 12), "担当課", "重層的支援体制整備事業の実施を積極的に検討中", ""),
    (ANAN, "阿南市", "meeting", (2023, 2, 16), "担当課", "", "ワークショップの進め方"),
    (ANAN, "阿南市", "workshop", (2023, 2, 21), "市3課、保健所、社会福祉協議会、その他支援関係者", "", ""),
    (ANAN, "阿南市", "meeting", (2023, 2, 27), "担当課", "", "今後の検討課題を意見交換"),
    (KOMATSUSHIMA, "小松島市", "hearing", (2022, 12, 1), "担当課", "庁内連携を優先課題と特定", ""),
    (
        KOMATSUSHIMA,
        "小松島市",
        "workshop",
        (2023, 1, 24),
        "庁内関係課、支援現場の関係者",
        "支援現場の事例に基づくディスカッション",
        "",
    ),
    (
        KAMIYAMA,
        "神山町",
        "seminar",
        (2023, 1, 19),
        "町職員（幹部を含む）",
        "重層的支援体制整備事業の勉強会",
        "意見交換を継続",
    ),
]


def _umbrella_member(
    platform: Platform, name: str, kana: str, org_type: str, joined: datetime.date
) -> MemberOrganisation:
    member = MemberOrganisation.objects.filter(name=name).first()
    if member is None:
        member = MemberOrganisation.objects.create(
            platform=platform,
            name=name,
            name_kana=kana,
            org_type=org_type,
            representative="会長",
            postal_code="770-0000",
            address="徳島県徳島市",
            phone="088-000-0000",
            email=f"umbrella-{len(kana)}@example.jp",
            contact_person="事務局",
            area="県内全域",
            description="傘下の会員への広報に協力しています。",
            published_fields=["name", "area", "description"],
            joined_on=joined,
        )
    return member


def load(platform: Platform, slug: str, created: Counter[str]) -> None:
    if slug != "tokushima" or Pledge.objects.exists():
        return
    role = Role.objects.filter(platform=platform, kind=Role.SECRETARIAT_ADMIN).select_related("user").first()
    if role is None:
        return
    staff = Actor.of_role(role)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=365)
    pledges.do_publish_pledge(staff, text=PLEDGE, effective_from=start)
    umbrellas = [
        board.do_set_umbrella(
            staff, _umbrella_member(platform, n, k, t, start), member_count=c, listed_members=listed
        )
        for n, k, t, c, listed in UMBRELLAS
    ]
    # the cafeterias all gave an address; 120 of the association's ~700 firms so far
    board.do_set_recipients(
        staff, umbrellas[0], "\n".join(f"不動産会社{i:03d},fudosan{i:03d}@example.jp" for i in range(1, 121))
    )
    board.do_set_recipients(
        staff, umbrellas[1], "\n".join(f"子ども食堂{i:02d},shokudo{i:02d}@example.jp" for i in range(1, 56))
    )
    members = list(MemberOrganisation.objects.active())
    for member in members:
        pledges.do_accept_pledge(staff, member)
    created["network pledges"] += len(members)
    companies = [m for m in members if m.org_type == OrgType.COMPANY] or members[:4]
    support = [m for m in members if m.org_type != OrgType.COMPANY and m not in [u.member for u in umbrellas]]
    # a year of notices and grant information, monthly
    for month in range(12):
        day = start + datetime.timedelta(days=30 * month + 3)
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
        notice = board.do_post_notice(
            staff,
            kind="notice",
            title=NOTICES[month % len(NOTICES)],
            body="詳しくは事務局までお問い合わせください。",
            published_at=at,
            area="県内全域",
        )
        if month % 2 == 0:
            title, funder, amount = GRANTS[month // 2]
            board.do_post_notice(
                staff,
                kind="grant",
                title=title,
                body="孤独・孤立対策に取り組む団体が対象です。",
                funder=funder,
                amount_yen=amount,
                deadline=day + datetime.timedelta(days=45),
                eligibility="県内で活動する非営利団体",
                link="https://example.jp/grants",
                published_at=at + datetime.timedelta(hours=1),
            )
        for umbrella in umbrellas if month % 3 == 0 else []:
            board.do_forward(staff, notice, umbrella)
    festival = board.do_post_notice(
        staff,
        kind="activity",
        title="子ども食堂まつり（産後うつサポートと合同）",
        audience="public",
        author=support[0],
        body="親子でどなたでも。会員の強みを生かした合同イベントです。",
        uploads=[SimpleUploadedFile("まつりの案内.txt", FESTIVAL.encode(), "text/plain")],
    )
    board.do_decide_public(staff, festival, approve=True)
    board.do_post_notice(  # waits for the secretariat's approval
        staff,
        kind="activity",
        title="高齢男性のための料理教室",
        audience="public",
        author=support[1 % len(support)],
        topic="高齢者",
        area="徳島市",
        body="60歳以上の男性が対象です。ひとり暮らしの方もどうぞ。",
    )
    board.do_comment(
        staff,
        notice,
        member=support[0],
        body="情報交換会に2名で参加します。事例を1件持っていきます。",
        uploads=[SimpleUploadedFile("参加者.csv", "団体,人数\n子ども食堂,2\n".encode(), "text/csv")],
    )
    created["network notices"] += 20
    for i, member in enumerate(members[:30]):
        strengths = STRENGTHS[i % len(STRENGTHS)]
        profiles.do_save_profile(
            staff,
            member,
            strengths=list(strengths),
            consultation_setup=SETUPS[i % len(SETUPS)],
            support_content=f"{'・'.join(strengths)}を中心に活動しています。",
            is_public=i % 3 == 0,
            reviewed=False,
        )
    created["network profiles"] += min(30, len(members))
    for role in Role.objects.filter(platform=platform, kind=Role.MEMBER_STAFF, organisation__isnull=False):
        reminders.do_subscribe_grants(Actor.of_role(role), role.organisation)
    # six case studies with their referral paths
    for title, topic, age, area, *path in CASES:
        case = cases.do_create_case(
            staff,
            title=title,
            summary=f"{age}の{topic}の事例（情報交換会で共有）。",
            topic=topic,
            age_band=age,
            area=area,
            lessons="気づいた人が一人で抱えず、次の窓口へつなぐことの大切さ。",
            members=support[:2],
        )
        for role_name, (label, text) in zip(
            ["noticed", "contacted", "outcome"], zip(path[0::2], path[1::2], strict=True), strict=True
        ):
            cases.do_add_step(staff, case, role=role_name, organisation_label=label, text=text)
        cases.do_share_case(staff, case)
    created["network case studies"] += len(CASES)
    # twenty needs and offers; matches in every state
    kinds = ["people", "goods", "money", "venue", "skills"]
    codes = [TOKUSHIMA, KOMATSUSHIMA, ANAN, NARUTO, KAMIYAMA]
    needs, offers = [], []
    for i in range(10):
        begin = today - datetime.timedelta(days=60 - 10 * i)
        needs.append(
            matches.do_post_listing(
                staff,
                support[i % len(support)],
                side="need",
                kind=kinds[i % 5],
                title=f"{['見守り訪問のボランティア', '食材・日用品', '活動資金', '会場', 'チラシのデザイン'][i % 5]}（{i + 1}）",
                municipality_code=codes[i % 5],
                starts_on=begin,
                ends_on=begin + datetime.timedelta(days=90),
                quantity=[10, 100, 300000, 4, 2][i % 5],
                unit=["人", "個", "円", "回", "件"][i % 5],
            )
        )
        offers.append(
            matches.do_post_listing(
                staff,
                companies[i % len(companies)],
                side="offer",
                kind=kinds[i % 5],
                title=f"{['社員ボランティア', '備蓄品の提供', '寄付', '会議室の貸出', 'デザイン支援'][i % 5]}（{i + 1}）",
                municipality_code=codes[(i + 1) % 5],
                starts_on=begin - datetime.timedelta(days=10),
                ends_on=begin + datetime.timedelta(days=60),
                quantity=[8, 120, 200000, 6, 1][i % 5],
                unit=["人", "個", "円", "回", "件"][i % 5],
                to_platform=(i == 7),
            )
        )
    created["network needs and offers"] += 20
    for i, target in enumerate(["proposed", "agreed", "delivered", "thanked", "thanked", "declined"]):
        match = matches.do_propose_match(staff, needs[i], offers[i])
        if target == "declined":
            matches.do_decline_match(staff, match, needs[i].member)
            continue
        if target == "proposed":
            matches.do_accept_match(staff, match, needs[i].member)
            continue
        matches.do_accept_match(staff, match, needs[i].member)
        matches.do_accept_match(staff, match, offers[i].member)
        if target in ("delivered", "thanked"):
            given = {
                "people": {"hours": 40},
                "goods": {"goods": 100},
                "money": {"yen": 200000},
                "venue": {"hours": 12},
                "skills": {"hours": 16},
            }[needs[i].kind]
            matches.do_record_delivery(staff, match, **given)
        if target == "thanked":
            matches.do_thank(staff, match)
    created["network matches"] += Match.objects.count()
    for code, name, kind, (y, m, d), participants, issues, next_steps in ENGAGEMENTS:
        engagements.do_record_engagement(
            staff,
            municipality_code=code,
            municipality_name=name,
            kind=kind,
            held_on=datetime.date(y, m, d),
            participants=participants,
            issues=issues,
            next_steps=next_steps,
        )
    created["network engagements"] += len(ENGAGEMENTS)
