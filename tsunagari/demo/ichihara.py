"""市原市: 13 core partners (table 4-5-10), 16 existing councils (4-5-7) and their seats (4-5-8).

The seats are laid out so that the 20 organisations of table 4-5-8 sit on
exactly the listed number of councils and every council has the listed
参加団体数; the remaining seats are taken by organisations that sit on one
council only (some of them members, the rest fictitious). The core-partner
finder therefore reproduces Ichihara's ranking.
"""

from __future__ import annotations

import datetime

from partnership.models import OrgType
from tsunagari.demo.builders import Builder
from tsunagari.demo.places import CHIBA, ICHIHARA
from tsunagari.demo.specs import CouncilSpec, PlatformData

CORE, PARTNER = "コアパートナー", "パートナー"

# Table 4-5-7: (name, field, 参加団体数, 所管課 (demo), note).
COUNCILS = [
    ("いちほらっこの子育て支援会議", "子育て", 13, "子ども政策課", ""),
    ("市原市青少年指導センター運営協議会", "教育（青少年指導）", 11, "青少年指導センター", ""),
    ("犯罪のない安心なまち市原推進会議", "防犯", 11, "防災課", ""),
    (
        "市原市地域福祉推進協議会",
        "福祉（地域福祉）",
        10,
        "共生社会推進課",
        "地域づくりプラットフォームの核。活動内容への助言とコアパートナーの募集支援を行う助言機関。",
    ),
    ("市原市都市再生協議会", "都市計画", 9, "都市計画課", ""),
    ("市原市地産地消推進協議会", "経済（地産地消）", 8, "農林業振興課", ""),
    ("市原市空家等対策協議会", "都市計画（空家）", 8, "住宅政策課", ""),
    ("市原市成年後見制度利用促進審議会", "福祉（成年後見）", 8, "高齢者支援課", ""),
    ("市原市みどりのまちづくり検討会議", "都市計画（みどり）", 7, "公園緑地課", ""),
    ("市原市障がい者施策推進協議会", "福祉（障がい）", 6, "障がい者支援課", ""),
    ("市原市歯と口腔の健康づくり推進会議", "福祉（健康歯口腔）", 6, "保健センター", ""),
    ("市原市市民活動・協働推進委員会", "市民活動", 4, "地域連携推進課", ""),
    ("市原市健康づくり推進協議会", "福祉（健康健診）", 3, "保健センター", ""),
    ("市原市福祉有償運送運営協議会", "交通（移動）", 2, "障がい者支援課", ""),
    ("市原市通学路事故防止対策協議会", "交通（通学路の安全）", 1, "学校安全課", ""),
    ("市原市特別支援教育等連携協議会", "教育（特別支援教育）", 1, "指導課", ""),
]
C = [row[0] for row in COUNCILS]

# Table 4-5-8 (names as printed) → the councils (indexes into COUNCILS) each one sits on.
RANKED: dict[str, list[int]] = {
    "市原市町会長連合会": [2, 3, 4, 6, 8, 11],
    "一般社団法人市原市医師会": [0, 3, 7, 10, 12],
    "市原商工会議所": [2, 4, 5, 6, 8],
    "市原市小中学校校長会": [0, 1, 2, 10],
    "市原市民生委員児童委員協議会": [0, 3, 7, 9],
    "社会福祉法人市原市社会福祉協議会": [3, 7, 9, 13],
    "市原市子育て家庭支援員協議会": [0, 1, 3],
    "市原市中心身障害者福祉団体連絡協議会": [3, 9, 13],
    "千葉県弁護士会": [2, 6, 7],
    "千葉県社会福祉士会": [7, 9],
    "一般社団法人千葉県建築士会市原支部": [4, 6],
    "一般社団法人千葉県宅地建物取引業協会市原支部": [4, 6],
    "市原市 PTA 連絡協議会": [1, 14],
    "市原市社会教育委員会議": [0, 1],
    "市原市消防団": [2, 6],
    "市原市青少年相談員連絡協議会": [1, 2],
    "市原市青少年補導員連絡協議会": [1, 2],
    "市原市農業協同組合": [5, 8],
    "市原市防犯協会": [1, 2],
    "市原市臨海部工場連絡会": [4, 8],
}

# Table 4-5-10: the core partners (the two city departments are one member, 市原市).
CORE_PARTNERS = [
    (
        "市原市民生委員児童委員協議会",
        "いちはらしみんせいいいんじどういいんきょうぎかい",
        OrgType.OTHER,
        ["community", "elderly"],
    ),
    (
        "市原市地域包括支援センター",
        "いちはらしちいきほうかつしえんせんたー",
        OrgType.MEDICAL_WELFARE,
        ["elderly", "carers"],
    ),
    ("千葉県社会福祉士会", "ちばけんしゃかいふくししかい", OrgType.PROFESSIONAL, ["poverty", "elderly"]),
    (
        "市原市社会福祉協議会",
        "いちはらししゃかいふくしきょうぎかい",
        OrgType.SHAKYO,
        ["poverty", "community", "elderly"],
    ),
    (
        "市原市中心身障害者福祉団体連絡協議会",
        "いちはらしちゅうしんしんしょうがいしゃふくしだんたいれんらくきょうぎかい",
        OrgType.OTHER,
        ["disability"],
    ),
    ("市原市医師会", "いちはらしいしかい", OrgType.PROFESSIONAL, ["other", "suicide-prevention"]),
    ("市原市町会長連合会", "いちはらしちょうかいちょうれんごうかい", OrgType.OTHER, ["community"]),
    (
        "市原市老人クラブ連合会",
        "いちはらしろうじんくらぶれんごうかい",
        OrgType.OTHER,
        ["elderly", "community"],
    ),
    (
        "市原市ボランティア連絡協議会",
        "いちはらしぼらんてぃあれんらくきょうぎかい",
        OrgType.NPO,
        ["community"],
    ),
    (
        "いちはら市民活動協議会",
        "いちはらしみんかつどうきょうぎかい",
        OrgType.NPO,
        ["community", "social-education"],
    ),
    (
        "市原市子育て家庭支援員協議会",
        "いちはらしこそだてかていしえんいんきょうぎかい",
        OrgType.OTHER,
        ["children-youth"],
    ),
    ("市原市小学校長会", "いちはらししょうがっこうちょうかい", OrgType.EDUCATION, ["children-youth"]),
]
# Members that sit on one council only (index into COUNCILS).
ONE_SEAT_MEMBERS = {
    "市原市老人クラブ連合会": 3,
    "市原市地域包括支援センター": 3,
    "いちはら市民活動協議会": 11,
    "市原市ボランティア連絡協議会": 11,
    "市原市小学校長会": 15,
}
# Fictitious partners: (org type, field, council index or None).
PARTNERS = [
    (OrgType.NPO, "children-youth", 0),
    (OrgType.COMPANY, "community", 5),
    (OrgType.NPO, "environment", 8),
    (OrgType.NPO, "hikikomori", None),
    (OrgType.NPO, "poverty", None),
    (OrgType.NPO, "carers", None),
    (OrgType.NPO, "foreign-residents", None),
]
# The field of the fictitious organisations filling each council's remaining seats.
FILLER_TYPES = {
    0: (OrgType.NPO, "children-youth"),
    1: (OrgType.NPO, "children-youth"),
    2: (OrgType.OTHER, "community"),
    3: (OrgType.NPO, "community"),
    4: (OrgType.COMPANY, "community"),
    5: (OrgType.COMPANY, "community"),
    6: (OrgType.COMPANY, "community"),
    7: (OrgType.PROFESSIONAL, "elderly"),
    8: (OrgType.NPO, "environment"),
    9: (OrgType.MEDICAL_WELFARE, "disability"),
    10: (OrgType.MEDICAL_WELFARE, "other"),
    11: (OrgType.NPO, "community"),
    12: (OrgType.MEDICAL_WELFARE, "other"),
    15: (OrgType.EDUCATION, "children-youth"),
}


def build() -> PlatformData:
    b = Builder("ichihara", CHIBA, [ICHIHARA], start=datetime.date(2023, 3, 28))
    data = PlatformData()
    for name, kana, org_type, fields in CORE_PARTNERS:
        if org_type == OrgType.SHAKYO:
            data.members.append(b.shakyo(name, ICHIHARA, tier=CORE))
        else:
            data.members.append(b.named(name, kana, org_type, fields, place=ICHIHARA, tier=CORE))
    city = b.public_body(ICHIHARA, tier=CORE)
    city.contact_person = f"共生社会推進課・地域連携推進課 {b.fiction.person()}"
    data.members.append(city)
    for name in RANKED:
        b.fiction.reserve(name)
    seats: list[list[str]] = [[] for _row in COUNCILS]
    for name, councils in RANKED.items():
        for index in councils:
            seats[index].append(name)
    for name, index in ONE_SEAT_MEMBERS.items():
        seats[index].append(name)
    for org_type, field, seat_on in PARTNERS:
        partner = b.fictitious(org_type, field, place=ICHIHARA, tier=PARTNER)
        data.members.append(partner)
        if seat_on is not None:
            seats[seat_on].append(partner.name)
    for index, (name, field_label, total, department, note) in enumerate(COUNCILS):
        org_type, field = FILLER_TYPES.get(index, (OrgType.NPO, "community"))
        while len(seats[index]) < total:
            seats[index].append(b.fiction.organisation(org_type, field, ICHIHARA)[0])
        assert len(seats[index]) == total, name
        data.councils.append(CouncilSpec(name, field_label, department, seats[index], note))
    data.member_staff_of = "いちはら市民活動協議会"
    return data
