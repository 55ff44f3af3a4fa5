"""The thirteen demo platforms and how their members are shaped (after the seed reports).

Besides the nine of the seeds, four municipal platforms sit under two of the prefectures so that
the prefecture's pages (member roll-up, accompaniment, the outcomes comparison) have towns to
show: 岐阜市 and 大垣市 under Gifu, 熊谷市 and 所沢市 under Saitama (fictitious members).

Gifu follows seed 001 table 4-2-8 (県1・市町村42・社協43・NPO等78, of which 12
are 幹事団体 as in 4-2-7), Saitama table 4-1-6 (市町村41・社協17・民間企業等6・
支援団体30), Shiga table 4-3-7 (members spread over activity fields), Ichihara
tables 4-5-7/4-5-8/4-5-10 (see ``ichihara``); the others have 10–30 members.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import replace

from django.utils import timezone

from partnership.models import OrgType
from tsunagari.demo import ichihara
from tsunagari.demo.builders import Builder
from tsunagari.demo.fiction import Fiction
from tsunagari.demo.places import (
    GIFU,
    GIFU_MUNICIPALITIES,
    ICHIHARA,
    ISE,
    KAMAKURA,
    KANAGAWA,
    MIE,
    SAITAMA,
    SAITAMA_MEMBER_MUNICIPALITIES,
    SAITAMA_MUNICIPALITIES,
    SAITAMA_SHAKYO,
    SHIGA,
    SHIGA_MUNICIPALITIES,
    TOKUSHIMA,
    TOKUSHIMA_MUNICIPALITIES,
    TSURUOKA,
    YAMAGATA,
    YAMAGATA_CITY,
    Place,
    Prefecture,
    by_name,
)
from tsunagari.demo.specs import OrgSpec, PlatformData, PlatformSpec

KANJI = "幹事団体"  # Gifu's steering members (the default tier names of every platform)

# Gifu's 幹事団体 besides the prefecture, 岐阜市, 神戸町 and the prefectural 社協: fictitious
# organisations of the same kinds as in table 4-2-7.
GIFU_CORE_NPOS = [
    ("特定非営利活動法人ぎふこころの電話つむぎ", "ぎふこころのでんわつむぎ", ["suicide-prevention"]),
    ("一般社団法人ひだまり支援ネットワークぎふ", "ひだまりしえんねっとわーくぎふ", ["poverty", "hikikomori"]),
    ("一般社団法人ぎふ学びのひろば", "ぎふまなびのひろば", ["children-youth", "poverty"]),
    ("一般社団法人ぎふ助産ケアの会", "ぎふじょさんけあのかい", ["children-youth", "women"]),
    ("ぎふひとり親サポートセンターあゆみ", "ぎふひとりおやさぽーとせんたーあゆみ", ["women", "poverty"]),
    ("くらし・しごとサポートセンターわかば", "くらししごとさぽーとせんたーわかば", ["poverty"]),
    ("ぎふ地域見守り委員連絡会", "ぎふちいきみまもりいいんれんらくかい", ["elderly", "community"]),
    ("特定非営利活動法人ぎふ市民活動センターこもれび", "ぎふしみんかつどうせんたーこもれび", ["community"]),
]


def secretariat_phone(slug: str, place: Place) -> str:
    """A fictitious number with the area code of the secretariat's town."""
    return Fiction(f"{slug}:secretariat").phone(place)


def _today() -> datetime.date:
    return timezone.localdate()


def build_gifu() -> PlatformData:
    b = Builder("gifu", GIFU, GIFU_MUNICIPALITIES, start=datetime.date(2023, 2, 27))
    data = PlatformData()
    data.members.append(b.public_body(GIFU.place, tier=KANJI))
    for place in GIFU_MUNICIPALITIES:
        data.members.append(b.public_body(place, tier=KANJI if place.name in ("岐阜市", "神戸町") else ""))
    data.members.append(b.shakyo("社会福祉法人岐阜県社会福祉協議会", GIFU.place, tier=KANJI))
    for place in GIFU_MUNICIPALITIES:
        data.members.append(b.shakyo(f"{place.name}社会福祉協議会", place))
    gifu_city = by_name(GIFU_MUNICIPALITIES)["岐阜市"]
    for name, kana, fields in GIFU_CORE_NPOS:
        area = "岐阜県内全域"
        data.members.append(b.named(name, kana, OrgType.NPO, fields, place=gifu_city, tier=KANJI, area=area))
    b.start = datetime.date(2023, 3, 9)
    for _i in range(78 - len(GIFU_CORE_NPOS)):
        data.members.append(b.fictitious(OrgType.NPO))
    # A former member expelled half a year ago (still inside the 3-year ban) and one that withdrew.
    today = _today()
    expelled = b.former(
        b.fictitious(OrgType.NPO, "poverty"),
        status="expelled",
        left_on=today - datetime.timedelta(days=180),
        ban_years=3,
    )
    withdrawn = b.former(
        b.fictitious(OrgType.NPO, "elderly"),
        status="withdrawn",
        left_on=today - datetime.timedelta(days=400),
        ban_years=0,
    )
    data.members += [expelled, withdrawn]
    recommender = GIFU_CORE_NPOS[1][0]
    data.applications = [
        b.application(b.fictitious(OrgType.NPO, "hikikomori")),
        b.application(
            b.fictitious(OrgType.NPO, "children-youth"),
            recommended_by=recommender,
            recommendation_note="県内で5年以上、子どもの居場所づくりに継続して取り組んでいます。",
        ),
        b.application(b.fictitious(OrgType.COMPANY, "community")),
        b.application(
            _copy_for_application(withdrawn),
            previous_member=withdrawn.name,
            rejoin_reason="代表者が交代し、見守り活動を再開しました。",
        ),
        b.application(
            _copy_for_application(expelled),
            previous_member=expelled.name,
            rejoin_reason="連絡体制を見直し、事務局との連絡担当者を2名に増やしました。",
        ),
        b.application(
            b.fictitious(OrgType.NPO, "other"),
            status="rejected",
            decision_reason="活動実態を確認できる資料の提出がなかったため（入会規則第2条）。",
        ),
    ]
    data.member_staff_of = GIFU_CORE_NPOS[0][0]
    return data


def _copy_for_application(member: OrgSpec) -> OrgSpec:
    """The details a former member gives when it applies again."""
    return replace(member, status="active", left_on=None, rejoin_banned_until=None, tier="")


def build_saitama() -> PlatformData:
    places = SAITAMA_MUNICIPALITIES
    b = Builder("saitama", SAITAMA, places, start=datetime.date(2023, 3, 7))
    data = PlatformData()
    for place in places[:SAITAMA_MEMBER_MUNICIPALITIES]:
        data.members.append(b.public_body(place))
    named = by_name(places)
    for name in SAITAMA_SHAKYO:
        data.members.append(b.shakyo(f"{name}社会福祉協議会", named[name]))
    for org_type in [OrgType.COMPANY] * 4 + [OrgType.MEDICAL_WELFARE, OrgType.OTHER]:
        data.members.append(b.fictitious(org_type, "community"))
    support = (
        [OrgType.NPO] * 24 + [OrgType.MEDICAL_WELFARE] * 2 + [OrgType.PROFESSIONAL] * 2 + [OrgType.OTHER] * 2
    )
    for org_type in support:
        data.members.append(b.fictitious(org_type))
    data.applications = [
        b.application(b.fictitious(OrgType.NPO, "foreign-residents")),
        b.application(b.fictitious(OrgType.COMPANY, "poverty")),
    ]
    data.member_staff_of = next(m.name for m in data.members if m.org_type == OrgType.NPO)
    return data


# Shiga table 4-3-7: field → (count, org types in turn).
SHIGA_GROUPS = [
    ("elderly", 9, [OrgType.MEDICAL_WELFARE] * 4 + [OrgType.NPO] * 5),
    ("disability", 6, [OrgType.MEDICAL_WELFARE] * 2 + [OrgType.NPO] * 4),
    ("children-youth", 20, [OrgType.NPO] * 18 + [OrgType.MEDICAL_WELFARE] * 2),
    ("community", 13, [OrgType.NPO] * 12 + [OrgType.COMPANY]),
    ("", 27, [OrgType.NPO] * 22 + [OrgType.MEDICAL_WELFARE] * 3 + [OrgType.OTHER] * 2),
]
SHIGA_OTHER_FIELDS = [
    "poverty",
    "women",
    "addiction",
    "foreign-residents",
    "ex-offenders",
    "suicide-prevention",
    "carers",
    "hikikomori",
    "homeless",
    "lgbtq",
    "arts-culture-sports",
    "environment",
]


def build_shiga() -> PlatformData:
    b = Builder("shiga", SHIGA, SHIGA_MUNICIPALITIES, start=datetime.date(2023, 3, 7))
    data = PlatformData()
    for place in SHIGA_MUNICIPALITIES:
        data.members.append(b.public_body(place))
    data.members.append(b.shakyo("社会福祉法人滋賀県社会福祉協議会", SHIGA.place))
    for place in SHIGA_MUNICIPALITIES:
        data.members.append(b.shakyo(f"{place.name}社会福祉協議会", place))
    for field, count, org_types in SHIGA_GROUPS:
        assert len(org_types) == count
        for index, org_type in enumerate(org_types):
            chosen = field or SHIGA_OTHER_FIELDS[index % len(SHIGA_OTHER_FIELDS)]
            data.members.append(b.fictitious(org_type, chosen))
    data.applications = [b.application(b.fictitious(OrgType.NPO, "community"))]
    data.member_staff_of = next(m.name for m in data.members if m.org_type == OrgType.NPO)
    return data


def _build_small(
    slug: str,
    prefecture: Prefecture,
    places: list[Place],
    *,
    start: datetime.date,
    public: list[Place],
    shakyo: list[Place],
    others: Sequence[str],
) -> PlatformData:
    b = Builder(slug, prefecture, places, start=start)
    data = PlatformData()
    for place in public:
        data.members.append(b.public_body(place))
    for place in shakyo:
        name = (
            f"社会福祉法人{place.name}社会福祉協議会"
            if place is prefecture.place
            else f"{place.name}社会福祉協議会"
        )
        data.members.append(b.shakyo(name, place))
    for org_type in others:
        data.members.append(b.fictitious(org_type))
    data.member_staff_of = next(m.name for m in data.members if m.org_type == OrgType.NPO)
    return data


def build_tokushima() -> PlatformData:
    named = by_name(TOKUSHIMA_MUNICIPALITIES)
    return _build_small(
        "tokushima",
        TOKUSHIMA,
        TOKUSHIMA_MUNICIPALITIES,
        start=datetime.date(2023, 7, 1),
        public=[TOKUSHIMA.place, *TOKUSHIMA_MUNICIPALITIES],
        shakyo=[TOKUSHIMA.place, named["徳島市"], named["鳴門市"], named["阿南市"]],
        others=[OrgType.COMPANY] * 6 + [OrgType.NPO] * 8,
    )


def municipal(
    slug: str,
    prefecture: Prefecture,
    place: Place,
    name: str,
    secretariat_name: str,
    *,
    start: datetime.date,
    others: Sequence[str],
) -> PlatformSpec:
    """A city's platform of the small shape: the city, its 社協 and fictitious ``others``."""

    def build() -> PlatformData:
        return _build_small(
            slug, prefecture, [place], start=start, public=[place], shakyo=[place], others=others
        )

    return PlatformSpec(
        slug=slug,
        code=place.code,
        name=name,
        owner_name=place.name,
        secretariat_name=secretariat_name,
        contact_phone=secretariat_phone(slug, place),
        build=build,
    )


GIFU_CITY = by_name(GIFU_MUNICIPALITIES)["岐阜市"]
OGAKI = by_name(GIFU_MUNICIPALITIES)["大垣市"]
KUMAGAYA = by_name(SAITAMA_MUNICIPALITIES)["熊谷市"]
TOKOROZAWA = by_name(SAITAMA_MUNICIPALITIES)["所沢市"]

MUNICIPAL_PLATFORMS = [
    municipal(
        "gifu-shi",
        GIFU,
        GIFU_CITY,
        "岐阜市孤独・孤立対策官民連携プラットフォーム",
        "岐阜市福祉部福祉政策課",
        start=datetime.date(2024, 4, 1),
        others=[OrgType.NPO] * 9 + [OrgType.COMPANY] * 3,
    ),
    municipal(
        "ogaki",
        GIFU,
        OGAKI,
        "大垣市孤独・孤立対策官民連携プラットフォーム",
        "大垣市福祉部社会福祉課",
        start=datetime.date(2024, 10, 1),
        others=[OrgType.NPO] * 5,
    ),
    municipal(
        "kumagaya",
        SAITAMA,
        KUMAGAYA,
        "熊谷市孤独・孤立対策官民連携プラットフォーム",
        "熊谷市福祉部福祉政策課",
        start=datetime.date(2024, 7, 1),
        others=[OrgType.NPO] * 7 + [OrgType.COMPANY],
    ),
    municipal(
        "tokorozawa",
        SAITAMA,
        TOKOROZAWA,
        "所沢市孤独・孤立対策官民連携プラットフォーム",
        "所沢市福祉部福祉総務課",
        start=datetime.date(2025, 4, 1),
        others=[OrgType.NPO] * 10,
    ),
]

PLATFORMS = [
    PlatformSpec(
        slug="saitama",
        code="110001",
        name="埼玉県孤独・孤立対策官民連携プラットフォーム",
        owner_name="埼玉県",
        secretariat_name="埼玉県福祉部福祉政策課",
        contact_phone=secretariat_phone("saitama", SAITAMA_MUNICIPALITIES[0]),
        build=build_saitama,
    ),
    PlatformSpec(
        slug="gifu",
        code="210005",
        name="岐阜県孤独・孤立対策官民連携プラットフォーム",
        owner_name="岐阜県",
        secretariat_name="岐阜県健康福祉部地域福祉課",
        contact_phone=secretariat_phone("gifu", by_name(GIFU_MUNICIPALITIES)["岐阜市"]),
        build=build_gifu,
        requires_recommendation=True,
        rejoin_ban_years=3,
    ),
    PlatformSpec(
        slug="shiga",
        code="250007",
        name="滋賀県孤独・孤立対策推進プラットフォーム",
        owner_name="滋賀県",
        secretariat_name="滋賀県健康医療福祉部健康福祉政策課",
        contact_phone=secretariat_phone("shiga", SHIGA_MUNICIPALITIES[0]),
        build=build_shiga,
    ),
    municipal(
        "yamagata-shi",
        YAMAGATA,
        YAMAGATA_CITY,
        "山形市つながりよりそうプラットフォーム",
        "山形市福祉推進部生活福祉課",
        start=datetime.date(2023, 2, 14),
        others=[OrgType.NPO] * 12
        + [OrgType.COMPANY] * 2
        + [OrgType.MEDICAL_WELFARE, OrgType.EDUCATION, OrgType.PROFESSIONAL],
    ),
    PlatformSpec(
        slug="ichihara",
        code="122190",
        name="市原市地域づくりプラットフォーム",
        owner_name="市原市",
        secretariat_name="市原市保健福祉部共生社会推進課",
        contact_phone=secretariat_phone("ichihara", ICHIHARA),
        build=ichihara.build,
        tier_names=(ichihara.CORE, ichihara.PARTNER),
    ),
    municipal(
        "kamakura",
        KANAGAWA,
        KAMAKURA,
        "かまくら孤独・孤立対策官民連携プラットフォーム",
        "鎌倉市共生共創部地域共生課",
        start=datetime.date(2023, 6, 1),
        others=[OrgType.NPO] * 11 + [OrgType.EDUCATION, OrgType.MEDICAL_WELFARE],
    ),
    municipal(
        "tsuruoka",
        YAMAGATA,
        TSURUOKA,
        "鶴岡市孤独・孤立対策官民連携プラットフォーム",
        "鶴岡市健康福祉部地域包括ケア推進室",
        start=datetime.date(2023, 10, 1),
        others=[OrgType.NPO] * 9 + [OrgType.MEDICAL_WELFARE, OrgType.OTHER],
    ),
    municipal(
        "ise",
        MIE,
        ISE,
        "伊勢市多分野協働プラットフォーム",
        "伊勢市健康福祉部福祉生活相談センター",
        start=datetime.date(2023, 4, 1),
        others=[OrgType.NPO] * 14 + [OrgType.COMPANY] * 2 + [OrgType.MEDICAL_WELFARE, OrgType.OTHER],
    ),
    PlatformSpec(
        slug="tokushima",
        code="360007",
        name="徳島県孤独・孤立対策官民連携プラットフォーム",
        owner_name="徳島県",
        secretariat_name="徳島県保健福祉部保健福祉政策課",
        contact_phone=secretariat_phone("tokushima", TOKUSHIMA_MUNICIPALITIES[0]),
        build=build_tokushima,
    ),
]
PLATFORMS += MUNICIPAL_PLATFORMS
