"""Demo outcomes for ``manage.py load_demo`` (called in each platform's scope and transaction).

Yamagata: the four 試行的事業 of FY2022 with their contractors and costs (seed 000: GMOリサーチ
597千円, ラクスル 4千円, フローレンス 2,961千円, JTBコミュニケーションデザイン 1,238千円) and the
chat's result (相談者85人, 相談件数203件). Tokushima: the seven 試行事業 with every payee
(seed 004, total ¥8,712,064). Ise: the SNS広告レポート of the awareness video, 8 media, with the
stated CTRs and CPCs as the agency wrote them (seed 003). Loading twice creates nothing.
"""

from __future__ import annotations

import datetime
import random
import zoneinfo
from collections import Counter
from decimal import Decimal

from django.utils import timezone

from consultations.crypto import blind_index
from consultations.models import Consulter, Conversation, ConversationState, LinkTarget, Medium, TrackedLink
from consultations.services.channels import web_channel
from directory.models import Service
from outcomes.models import Campaign, CampaignMedium, CostLine, Flyer, Kpi, Measurement, TrialProject
from outcomes.queries import measure_kpi
from platforms.models import Platform

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")

# (name, content, expected effect, period, contractor, reactions, [(payee, amount, note)])
Project = tuple[str, str, str, str, str, str, list[tuple[str, int, str]]]

YAMAGATA: list[Project] = [
    (
        "孤独・孤立WEBアンケート",
        "市民が抱える孤独感・孤立感の状況や要因をWEBにて把握",
        "つながりよりそプラットフォームの対象者の設定／連携プラットフォーム参加団体間での問題意識の共有",
        "2022/11～12",
        "GMOリサーチ",
        "アンケート回答数が約2,000件に上り、支援者から期待や協力の声が市に直接寄せられた。",
        [("GMOリサーチ", 597_000, "")],
    ),
    (
        "孤独・孤立対策及びWEBアンケートの周知",
        "孤独・孤立WEBアンケート、孤独・孤立対策のPRチラシの作成",
        "WEBアンケートの回答数確保／孤独・孤立対策の認知度向上",
        "2022/11～12",
        "ラクスル",
        "",
        [("ラクスル", 4_000, "")],
    ),
    (
        "つながりよりそいチャットの運営",
        "つながりよりそいチャットの試行的実施",
        "つながりよりそプラットフォーム第1弾事業として、機能③つながり、よりそい機能の提供",
        "2023/2",
        "NPO法人フローレンス",
        "相談者85人、相談件数203件（家族関係44件、仕事・就労関係39件、病気・障害27件、孤独・孤立12件）",
        [("NPO法人フローレンス", 2_961_000, "")],
    ),
    (
        "つながりよりそいチャットの周知",
        "つながりよりそいチャット実施の周知",
        "つながりよりそいチャットの利用者確保",
        "2023/2",
        "JTBコミュニケーションデザイン",
        "",
        [("JTBコミュニケーションデザイン", 1_238_000, "")],
    ),
]

TOKUSHIMA: list[Project] = [
    (
        "自殺予防セミナーの開催",
        "徳島県自殺予防協会（PF幹事団体候補）やNPO、市町村職員向けのセミナーを開催する（自殺予防サポーター養成研修を兼ねる）",
        "PF設立の告知／人材育成（サポーターの養成）",
        "2022/11/11、18",
        "徳島県医師会館",
        "",
        [("徳島県医師会館", 144_000, "")],
    ),
    (
        "市町村個別セミナー・ワークショップの開催",
        "重層的支援体制の構築に関心のある自治体を対象としてセミナー・ワークショップを実施する（3自治体x1～4回＝7回実施）",
        "市町村への伴走支援／普及啓発のモデルづくり",
        "2022.11～2023.2",
        "NTTデータ経営研究所",
        "A市では参加者がお互いの活動を知らない",
        [("NTTデータ経営研究所", 6_269_560, "")],
    ),
    (
        "孤独・孤立対策シンポジウムの開催",
        "県内市町村、NPO等の関連団体むけに、孤独・孤立対策の情報を提供する",
        "孤独・孤立対策の啓発／PF参加の呼びかけ",
        "2022.12.26",
        "丸井工文社",
        "アンケート回答者の9割がPFに関心を示した",
        [("丸井工文社", 70_000, ""), ("講師", 45_200, "")],
    ),
    (
        "プラットフォーム募集チラシポスター",
        "ポスター及びチラシを作成し配布する（750か所想定）",
        "PF設立の周知、参加の呼びかけ",
        "2022.12",
        "丸井工文社",
        "PFに90団体が参加。とくしま子ども食堂NWは傘下の食堂が55あり、大きい",
        [("丸井工文社", 125_600, "")],
    ),
    (
        "アンケート調査",
        "シンポジウム参加者を対象として孤独・孤立対策の取組状況をアンケートにより把握する",
        "支援の取組や支援団体の情報を収集し地域資源を把握",
        "2022.12.26",
        "NTTデータ経営研究所",
        "54団体が回答",
        [("NTTデータ経営研究所", 900_000, ""), ("郵送費", 22_756, "")],
    ),
    (
        "孤独・孤立対策グッズの作成・調達",
        "支援団体が使用することを念頭に、普及啓発のためエプロンやバッグ等（対策ロゴ付）のノベルティグッズを作成する（障がい者就労支援事業所より調達する）",
        "孤独・孤立対策の普及啓発",
        "2022.12～",
        "社会福祉法人 徳島県手をつなぐ育成会 スカイピア",
        "とくしま子ども食堂NW傘下の55団体等に配布予定",
        [
            ("社会福祉法人 徳島県手をつなぐ育成会 スカイピア", 618_182, ""),
            ("社会福祉法人 徳島県手をつなぐ育成会 スカイピア", 372_728, "追加発注"),
        ],
    ),
    (
        "連携PFオープニングセレモニーの開催",
        "準備会合（2/3）を1回経て、関係者を一同に集めて連携PFオープニングセレモニー（2/20）を開催する",
        "PF設立の宣言、広報、参加団体の機運醸成",
        "2023.2.20",
        "徳島県医師会館 ほか",
        "セレモニー後、参加者同士の挨拶や名刺交換等「つなぐ場所」として機能",
        [
            ("徳島県医師会館", 38_400, ""),
            ("アスティとくしま", 42_519, ""),
            ("手話通訳", 12_674, ""),
            ("講師", 50_445, ""),
        ],
    ),
]

# Ise's SNS広告レポート as the agency wrote it: (媒体, 表示回数, クリック, CTR, CPC, 費用, kind)
ISE_MEDIA = [
    ("Google (リスティング)", 23_032, 1_063, "4.64%", "¥94", 100_301, ""),
    ("Yahoo (リスティング)", 133_699, 1_719, "1.30%", "¥59", 100_749, ""),
    ("Google (ディスプレイ)", 693_024, 3_743, "0.62%", "¥39", 100_189, "google_ads"),
    ("Yahoo (ディスプレイ)", 2_070_907, 5_373, "0.26%", "¥19", 100_697, ""),
    ("LINE (AdsPlatform)", 960_602, 6_726, "3.79%", "¥16", 101_621, "line_ads"),
    ("Youtubeインストリーム広告", 63_478, 310, "1.28%", "¥292", 100_588, ""),
    ("twiier (プロツイート)", 210_365, 492, "0.24%", "¥214", 101_782, ""),
    ("Facebook", 132_054, 1_431, "1.07%", "¥78", 100_000, "facebook_ads"),
]
ISE_TOTAL = (4_287_161, 20_857, "0.53%", "¥63", 805_927)


def _projects(platform: Platform, fiscal_year: int, rows: list[Project], created: Counter[str]) -> None:
    for name, content, effect, period, contractor, reactions, costs in rows:
        project, made = TrialProject.objects.get_or_create(
            platform=platform,
            name=name,
            defaults={
                "content": content,
                "expected_effect": effect,
                "fiscal_year": fiscal_year,
                "period": period,
                "contractor": contractor,
                "reactions": reactions,
                "budget": sum(amount for _payee, amount, note in costs if not note),
            },
        )
        if not made:
            continue
        created["trial projects"] += 1
        for payee, amount, note in costs:
            CostLine.objects.create(platform=platform, project=project, payee=payee, amount=amount, note=note)


def _yamagata_kpis(platform: Platform) -> None:
    chat = TrialProject.objects.get(name="つながりよりそいチャットの運営")
    if Kpi.objects.filter(project=chat).exists():
        return
    for name, stage, unit, value in (
        ("相談者数", Kpi.Stage.OUTPUT, "人", 85),
        ("相談件数", Kpi.Stage.OUTPUT, "件", 203),
    ):
        kpi = Kpi.objects.create(platform=platform, project=chat, name=name, stage=stage, unit=unit)
        Measurement.objects.create(
            platform=platform,
            kpi=kpi,
            measured_on=datetime.date(2023, 2, 28),
            value=Decimal(value),
            note="実施期間終了時",
        )
    survey = TrialProject.objects.get(name="孤独・孤立WEBアンケート")
    kpi = Kpi.objects.create(
        platform=platform,
        project=survey,
        name="アンケート回答数",
        stage=Kpi.Stage.OUTPUT,
        unit="件",
        target=Decimal(2000),
    )
    Measurement.objects.create(
        platform=platform, kpi=kpi, measured_on=datetime.date(2022, 12, 28), value=Decimal(2000)
    )


def _ise_campaign(platform: Platform, created: Counter[str]) -> None:
    impressions, clicks, ctr, cpc, cost = ISE_TOTAL
    campaign, made = Campaign.objects.get_or_create(
        platform=platform,
        name="孤独・孤立啓発動画 SNS広告",
        defaults={
            "target_groups": "市民全般（YouTube・ケーブルテレビで配信した啓発動画の広告）",
            "stated_impressions": impressions,
            "stated_clicks": clicks,
            "stated_cost": cost,
            "stated_ctr": ctr,
            "stated_cpc": cpc,
        },
    )
    if not made:
        return
    created["campaigns"] += 1
    for position, (name, imp, clk, s_ctr, s_cpc, yen, kind) in enumerate(ISE_MEDIA):
        CampaignMedium.objects.create(
            platform=platform,
            campaign=campaign,
            position=position,
            name=name,
            medium=kind,
            impressions=imp,
            clicks=clk,
            cost=yen,
            stated_ctr=s_ctr,
            stated_cpc=s_cpc,
        )


# The municipal platforms under Gifu and Saitama: consultations through their web chat over this
# fiscal year and the last (counts only: no message is made), members from the platform demo, one
# project each with a KPI counted from the consultations, and a flyer with its tracked link.
# (people last year, people this year, conversations per person, flyer copies, distribution points)
MUNICIPAL: dict[str, tuple[int, int, int, int, int]] = {
    "gifu-shi": (64, 41, 2, 12_000, 180),
    "ogaki": (18, 3, 1, 3_000, 60),  # three this year: 「5未満」 in the prefecture's comparison
    "kumagaya": (35, 27, 2, 6_000, 95),
    "tokorozawa": (0, 22, 1, 8_000, 120),  # started in April 2025
}


def _municipal(platform: Platform, slug: str, created: Counter[str]) -> None:
    if TrialProject.objects.exists():
        return
    last_year, this_year, per_person, copies, points = MUNICIPAL[slug]
    today = timezone.localdate()
    fiscal_year = platform.fiscal_year_of(today)
    link = TrackedLink.objects.create(
        platform=platform,
        code="flyer1",
        medium=Medium.FLYER,
        label="相談窓口チラシ（公民館・薬局）",
        target=LinkTarget.WEB,
    )
    channel = web_channel(platform)
    rng = random.Random(f"outcomes-{slug}")  # noqa: S311 (reproducible demo data)
    start_this = datetime.date(fiscal_year, 4, 1)
    start_last = datetime.date(fiscal_year - 1, 4, 1)
    people = []
    for index, (start, days) in enumerate(
        [(start_last, 364)] * last_year + [(start_this, max((today - start_this).days, 0))] * this_year
    ):
        day = start + datetime.timedelta(days=rng.randint(0, days))
        at = datetime.datetime.combine(
            day, datetime.time(rng.randint(9, 20), rng.randint(0, 59)), tzinfo=TOKYO
        )
        people.append(
            Consulter(
                platform=platform,
                channel=channel,
                identity_hash=blind_index(f"demo-outcomes-{slug}-{index}", "web"),
                label=f"M{index:03d}",
                first_contact_at=at,
                source=link if rng.random() < 0.3 else None,
            )
        )
    Consulter.objects.bulk_create(people)
    conversations = [
        Conversation(
            platform=platform,
            consulter=person,
            channel=channel,
            state=ConversationState.CLOSED,
            opened_at=person.first_contact_at + datetime.timedelta(days=7 * n),
            closed_at=person.first_contact_at + datetime.timedelta(days=7 * n, hours=1),
            last_message_at=person.first_contact_at + datetime.timedelta(days=7 * n, hours=1),
        )
        for person in people
        for n in range(per_person)
        if (person.first_contact_at + datetime.timedelta(days=7 * n)).date() <= today
    ]
    Conversation.objects.bulk_create(conversations)
    created["consulters"] += len(people)
    created["consultations"] += len(conversations)
    project = TrialProject.objects.create(
        platform=platform,
        name="相談窓口チラシの全戸配布と公共施設への配架",
        content="市内の相談窓口をまとめたチラシを作り、公民館・薬局・図書館に配架する",
        expected_effect="相談につながっていない人の初回相談",
        fiscal_year=fiscal_year,
        period=f"{fiscal_year}/6～{fiscal_year + 1}/2",
        contractor="市内の印刷会社（架空）",
        budget=copies * 25,
    )
    CostLine.objects.create(
        platform=platform, project=project, payee="市内の印刷会社（架空）", amount=copies * 23
    )
    kpi = Kpi.objects.create(
        platform=platform,
        project=project,
        name="チャット相談の件数",
        stage=Kpi.Stage.OUTCOME,
        unit="件",
        target=Decimal(60),
        source=Kpi.Source.CONSULTATIONS,
        starts_on=start_this,
    )
    for month in (6, 9, 12):
        day = datetime.date(fiscal_year, month, 28)
        if day <= today:
            value = measure_kpi(kpi, until=day)
            if value is not None:
                Measurement.objects.create(platform=platform, kpi=kpi, measured_on=day, value=value)
    _make_flyer(
        platform,
        link,
        title=f"{platform.owner_name}の相談窓口",
        lead="ひとりで悩まず、まずはご相談ください。電話でも、スマートフォンからのチャットでも相談できます。",
        copies=copies,
        points=points,
        note="公民館、市内の薬局、図書館、市役所の窓口",
        services=4,
    )
    created["projects"] += 1
    created["flyers"] += 1


def _make_flyer(
    platform: Platform,
    link: TrackedLink,
    *,
    title: str,
    lead: str,
    copies: int,
    points: int,
    note: str,
    services: int,
) -> Flyer:
    """A flyer through ``link`` listing the first ``services`` active services by name."""
    flyer = Flyer.objects.create(
        platform=platform,
        title=title,
        lead=lead,
        tracked_link=link,
        copies=copies,
        distribution_points=points,
        distribution_note=note,
    )
    flyer.services.set(Service.objects.filter(status=Service.Status.ACTIVE).order_by("name")[:services])
    return flyer


def _flyer(platform: Platform, slug: str, created: Counter[str]) -> None:
    """Tokushima's planned 750 distribution points; Tsuruoka's flyer of consultation windows."""
    if Flyer.objects.exists():
        return
    code, label, title, points, copies = {
        "tokushima": (
            "pfflyer",
            "PF周知チラシ",
            "徳島県孤独・孤立対策官民連携プラットフォームのご案内",
            750,
            20_000,
        ),
        "tsuruoka": ("madoguchi", "相談窓口チラシ", "こころとくらしの相談窓口", 120, 5_000),
    }[slug]
    link = TrackedLink.objects.filter(code=code).first() or TrackedLink.objects.create(
        platform=platform, code=code, medium=Medium.FLYER, label=label, target=LinkTarget.WEB
    )
    _make_flyer(
        platform,
        link,
        title=title,
        lead="悩みごとの相談先をまとめました。QRコードからチャットでも相談できます。",
        copies=copies,
        points=points,
        note="市町村役場、社会福祉協議会、薬局、コンビニエンスストア（予定）",
        services=5,
    )
    created["flyers"] += 1


def _survey_kpi(platform: Platform, created: Counter[str]) -> None:
    """Tsuruoka's resident survey as a KPI: the share feeling lonely often or always (national 4.8%)."""
    if TrialProject.objects.filter(name="孤独・孤立実態調査").exists():
        return
    project = TrialProject.objects.create(
        platform=platform,
        name="孤独・孤立実態調査",
        content="住民への無作為抽出調査（郵送・Web）とオープンWeb調査",
        expected_effect="市内の孤独・孤立の実態の把握／対策の効果を測る基準値",
        fiscal_year=platform.fiscal_year_of(timezone.localdate()),
    )
    kpi = Kpi.objects.create(
        platform=platform,
        project=project,
        name="孤独感「しばしばある・常にある」の割合",
        stage=Kpi.Stage.OUTCOME,
        unit="%",
        source=Kpi.Source.LONELINESS,
    )
    value = measure_kpi(kpi, until=timezone.localdate())
    if value is not None:
        Measurement.objects.create(platform=platform, kpi=kpi, measured_on=timezone.localdate(), value=value)
    created["projects"] += 1


def load(platform: Platform, slug: str, created: Counter[str]) -> None:
    if slug == "yamagata-shi":
        _projects(platform, 2022, YAMAGATA, created)
        _yamagata_kpis(platform)
    elif slug == "tokushima":
        _projects(platform, 2022, TOKUSHIMA, created)
        _flyer(platform, slug, created)
    elif slug == "tsuruoka":
        _flyer(platform, slug, created)
        _survey_kpi(platform, created)
    elif slug == "ise":
        _ise_campaign(platform, created)
    elif slug in MUNICIPAL:
        _municipal(platform, slug, created)
