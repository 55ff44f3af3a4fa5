"""Demo directory data for ``manage.py load_demo`` (called in each platform's scope and transaction).

Ise gets the entries of the real 伊勢つながりサポートリスト that seed 003 reproduces (public
windows with their published numbers, hours and addresses). The other platforms get the kinds
of windows their seed portals list (Saitama's 相談窓口を探す / 支援団体を探す, Shiga's
organisation survey, Yamagata's LINE consultation run by an NPO), with fictitious addresses
and numbers built like the rest of the demo (tsunagari.demo.fiction), some run by the
platform's demo member organisations. Every platform also gets the national lines
(``directory.services.national``). HSDS ids derive from the platform and entry key, so loading twice
changes nothing.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field

from accounts.models import Role
from directory.models import (
    Address,
    Attribute,
    Location,
    Organization,
    Phone,
    Reservation,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceChange,
    TaxonomyTerm,
)
from directory.services.editing import organization_for_member
from directory.services.national import Hours, do_import_national
from partnership.models import MemberOrganisation
from platforms.models import Platform
from tsunagari.demo.fiction import Fiction

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://tsunagari.example.jp/hsds/demo")
WEEKDAYS = "MO,TU,WE,TH,FR"
OFFICE = (Hours(WEEKDAYS, "08:30", "17:15"),)


@dataclass(frozen=True)
class Site:
    prefecture: str
    city: str
    postal_code: str
    address: str  # street part of the main office
    area_code: str  # telephone
    latitude: float
    longitude: float


# Main government office of each demo platform (public addresses and coordinates).
SITES = {
    "saitama": Site("埼玉県", "さいたま市浦和区", "330-9301", "高砂3-15-1", "048", 35.8570, 139.6489),
    "gifu": Site("岐阜県", "岐阜市", "500-8570", "薮田南2-1-1", "058", 35.3912, 136.7223),
    "shiga": Site("滋賀県", "大津市", "520-8577", "京町4-1-1", "077", 35.0045, 135.8686),
    "yamagata-shi": Site("山形県", "山形市", "990-8540", "旅篭町2-3-25", "023", 38.2554, 140.3396),
    "ichihara": Site("千葉県", "市原市", "290-8501", "国分寺台中央1-1-1", "0436", 35.4981, 140.1155),
    "kamakura": Site("神奈川県", "鎌倉市", "248-8686", "御成町18-10", "0467", 35.3192, 139.5467),
    "tsuruoka": Site("山形県", "鶴岡市", "997-8601", "馬場町9-25", "0235", 38.7272, 139.8267),
    "ise": Site("三重県", "伊勢市", "516-8601", "岩渕1-7-29", "0596", 34.4875, 136.7092),
    "tokushima": Site("徳島県", "徳島市", "770-8570", "万代町1-1", "088", 34.0658, 134.5594),
}


@dataclass(frozen=True)
class Entry:
    key: str
    name: str
    name_kana: str
    organization: str
    organization_kana: str
    description: str
    terms: tuple[str, ...]
    hours_text: str
    hours: tuple[Hours, ...] = OFFICE
    phones: tuple[tuple[str, str], ...] = ()  # () = a fictitious number in the platform's area
    location: str = ""  # location name; "" = the organisation's office
    address: str = ""  # street part; "" = fictitious
    postal_code: str = ""
    department: str = ""
    reservation: str = Reservation.UNKNOWN
    target_groups: tuple[str, ...] = ("self", "family")
    age_bands: tuple[str, ...] = ()
    member_field: str = ""  # run by an active member with this activity field, if any
    is_anonymous: bool = False
    is_crisis_line: bool = False
    is_24h: bool = False
    virtual: bool = False
    extra_terms: tuple[str, ...] = field(default_factory=tuple)


ISE_CITY = "伊勢市"
ISE = [
    Entry(
        "ise-ayumi",
        "経済的な困りごとの相談（生活サポートセンター「あゆみ」）",
        "けいざいてきなこまりごとのそうだん",
        "伊勢市社会福祉協議会",
        "いせししゃかいふくしきょうぎかい",
        "経済的な困りごと、仕事や住まいのことなど、暮らしの困りごとを一緒に整理し、解決に向けて支援します。",
        ("cat-money", "cat-work", "topic-poverty"),
        "月曜日〜金曜日 8:30〜17:15",
        phones=(("0596-63-5224", ""),),
        location="伊勢市社会福祉協議会 中部支所",
        address="八日市場町13-1",
        postal_code="516-0076",
        member_field="poverty",
    ),
    Entry(
        "ise-seikatsu-shien",
        "生活保護の相談（伊勢市生活支援課）",
        "せいかつほごのそうだん",
        "伊勢市",
        "いせし",
        "生活保護についての相談を受け付けます。",
        ("cat-money", "topic-poverty", "topic-public-services"),
        "月曜日〜金曜日 8:30〜17:15",
        phones=(("0596-21-5556", ""),),
        location="伊勢市役所 東館2階 11番窓口",
        address="岩渕1-7-29",
        postal_code="516-8601",
        department="生活支援課",
    ),
    Entry(
        "ise-tajuu-saimu",
        "多重債務についての相談（認定司法書士）",
        "たじゅうさいむについてのそうだん",
        "伊勢市",
        "いせし",
        "認定司法書士が多重債務の相談に応じます。事前に電話で予約してください。",
        ("cat-money", "topic-law", "topic-poverty"),
        "原則、第3木曜日 9:30〜11:30",
        hours=(Hours("3TH", "09:30", "11:30", freq="MONTHLY"),),
        phones=(("0596-21-5717", "伊勢市消費生活センター"),),
        location="伊勢市役所 東館3階 306番窓口",
        address="岩渕1-7-29",
        postal_code="516-8601",
        department="消費生活センター",
        reservation=Reservation.REQUIRED,
    ),
    Entry(
        "ise-shohi",
        "消費生活の相談（伊勢市消費生活センター）",
        "しょうひせいかつのそうだん",
        "伊勢市",
        "いせし",
        "契約トラブルや悪質商法、多重債務などの相談を受け付けます。",
        ("cat-money", "topic-law"),
        "月曜日〜金曜日 9:00〜12:00、13:00〜16:00",
        hours=(Hours(WEEKDAYS, "09:00", "12:00"), Hours(WEEKDAYS, "13:00", "16:00")),
        phones=(("0596-21-5717", ""),),
        location="伊勢市役所 東館3階 306番窓口",
        address="岩渕1-7-29",
        postal_code="516-8601",
        department="消費生活センター",
    ),
    Entry(
        "ise-jutaku",
        "市営住宅・空家の相談（伊勢市住宅政策課）",
        "しえいじゅうたくあきやのそうだん",
        "伊勢市",
        "いせし",
        "市営住宅の入居や空家についての相談を受け付けます。",
        ("cat-money", "topic-public-services"),
        "月曜日〜金曜日 8:30〜17:15",
        phones=(("0596-21-5596", "市営住宅"), ("0596-21-5597", "空家")),
        location="伊勢市役所 本館4階 401番窓口",
        address="岩渕1-7-29",
        postal_code="516-8601",
        department="住宅政策課",
    ),
    Entry(
        "ise-hellowork",
        "仕事探しに関する相談（ハローワーク伊勢）",
        "しごとさがしにかんするそうだん",
        "ハローワーク伊勢（伊勢公共職業安定所）",
        "はろーわーくいせ",
        "職業相談・職業紹介、求人情報の提供を行います。",
        ("cat-work", "topic-work"),
        "月曜日〜金曜日 8:30〜17:15",
        phones=(("0596-27-8609", ""),),
        location="ミライSE 8階",
        address="宮後1-1-35",
        postal_code="516-0072",
        target_groups=("self",),
    ),
    Entry(
        "ise-saposute",
        "若者の就労相談（いせ若者就業サポートステーション）",
        "わかもののしゅうろうそうだん",
        "いせ若者就業サポートステーション",
        "いせわかものしゅうぎょうさぽーとすてーしょん",
        "働くことに悩みを抱える15歳〜49歳の方の就労を支援します。水曜日が祝日の場合は翌平日も休みです。",
        ("cat-work", "topic-work"),
        "月曜日、火曜日、木曜日〜土曜日 9:00〜18:00",
        hours=(Hours("MO,TU,TH,FR,SA", "09:00", "18:00"),),
        phones=(("0596-63-6603", ""),),
        location="いせ市民活動センター北館（ティアープラザ）1階",
        address="岩渕1-2-29",
        postal_code="516-0037",
        age_bands=("youth", "adult"),
        member_field="children-youth",
    ),
    Entry(
        "ise-concierge",
        "働きづらさを抱えた人の就労に関する相談（年齢不問）",
        "はたらきづらさをかかえたひとのしゅうろうにかんするそうだん",
        "特定非営利活動法人いせコンシェルジュ",
        "いせこんしぇるじゅ",
        "働きづらさを抱えた方に、社会参加のきっかけづくりから就労まで、一人ひとりに合わせて支援します。",
        ("cat-work", "topic-work", "topic-isolation"),
        "月・火・木・金曜日 10:00〜16:00",
        hours=(Hours("MO,TU,TH,FR", "10:00", "16:00"),),
        phones=(("0596-65-6114", ""),),
        location="浦田ビル2階",
        address="本町5-3",
        postal_code="516-0074",
        member_field="hikikomori",
    ),
    Entry(
        "ise-ikoi",
        "障がい・重病の人に関する就労相談（障がい者就業・生活支援センター「いこい」）",
        "しょうがいじゅうびょうのひとにかんするしゅうろうそうだん",
        "障がい者就業・生活支援センター「いこい」",
        "しょうがいしゃしゅうぎょうせいかつしえんせんたーいこい",
        "障がいや重い病気のある方の就業と、それに伴う生活の相談に応じます。",
        ("cat-work", "cat-disability", "topic-illness"),
        "月曜日〜金曜日 9:00〜17:00",
        hours=(Hours(WEEKDAYS, "09:00", "17:00"),),
        phones=(("0596-65-7178", ""),),
        address="宮後1-13-5",
        postal_code="516-0072",
        member_field="disability",
    ),
]


def generic_entries(owner: str, owner_kana: str) -> list[Entry]:
    """The windows a municipality or prefecture portal typically lists (seed 001 portals)."""
    return [
        Entry(
            "fukushi-sogo",
            f"{owner}福祉まるごと相談窓口",
            "ふくしまるごとそうだんまどぐち",
            owner,
            owner_kana,
            "どこに相談したらよいか分からないときの最初の窓口です。内容を伺い、適切な窓口や団体につなぎます。",
            ("cat-relations", "topic-public-services", "topic-isolation"),
            "月曜日〜金曜日 8:30〜17:15",
            department="福祉総合相談課",
        ),
        Entry(
            "jiritsu-soudan",
            "生活や仕事の困りごと相談（自立相談支援機関）",
            "せいかつやしごとのこまりごとそうだん",
            f"{owner}社会福祉協議会",
            f"{owner_kana}しゃかいふくしきょうぎかい",
            "生活費が足りない、仕事が続かないなど、暮らしの困りごとを専門の支援員が一緒に考えます。",
            ("cat-money", "cat-work", "topic-poverty", "topic-work"),
            "月曜日〜金曜日 8:30〜17:15",
            member_field="poverty",
        ),
        Entry(
            "kosodate",
            "妊娠・出産・子育ての相談（こども家庭センター）",
            "にんしんしゅっさんこそだてのそうだん",
            owner,
            owner_kana,
            "妊娠期から子育て期まで、保健師などが切れ目なく相談に応じます。",
            ("cat-children", "topic-parenting"),
            "月曜日〜金曜日 8:30〜17:15",
            department="こども家庭センター",
            age_bands=("perinatal", "child"),
            reservation=Reservation.RECOMMENDED,
        ),
        Entry(
            "futoko",
            "不登校・いじめの相談（教育相談室）",
            "ふとうこういじめのそうだん",
            owner,
            owner_kana,
            "学校に行きづらい、いじめにあっているなど、子どもと保護者の相談を受け付けます。",
            ("cat-school", "topic-parenting", "topic-friends"),
            "月曜日〜金曜日 9:00〜17:00",
            hours=(Hours(WEEKDAYS, "09:00", "17:00"),),
            department="教育委員会 教育相談室",
            age_bands=("child", "youth"),
        ),
        Entry(
            "houkatsu",
            "高齢者の総合相談（地域包括支援センター）",
            "こうれいしゃのそうごうそうだん",
            owner,
            owner_kana,
            "高齢者の暮らし、介護、認知症、見守りについての相談を受け付けます。",
            ("cat-elderly", "topic-care"),
            "月曜日〜金曜日 8:30〜17:15",
            age_bands=("senior",),
            target_groups=("self", "family", "supporter"),
            member_field="elderly",
        ),
        Entry(
            "shogai",
            "障がいのある方の相談（基幹相談支援センター）",
            "しょうがいのあるかたのそうだん",
            owner,
            owner_kana,
            "障がいのある方とその家族の暮らし、福祉サービスの利用について相談に応じます。",
            ("cat-disability", "topic-illness"),
            "月曜日〜金曜日 8:30〜17:15",
            member_field="disability",
        ),
        Entry(
            "hikikomori",
            "ひきこもり相談",
            "ひきこもりそうだん",
            owner,
            owner_kana,
            "ひきこもりの状態にある方とご家族の相談を受け付けます。訪問相談もできます。",
            ("cat-health", "cat-relations", "topic-isolation", "topic-family"),
            "月曜日〜金曜日 9:00〜16:00（要予約）",
            hours=(Hours(WEEKDAYS, "09:00", "16:00"),),
            reservation=Reservation.REQUIRED,
            target_groups=("self", "family"),
            member_field="hikikomori",
        ),
        Entry(
            "kokoro",
            "こころの健康相談",
            "こころのけんこうそうだん",
            owner,
            owner_kana,
            "気分が落ち込む、眠れない、死にたい気持ちがあるなど、こころの悩みに保健師・精神保健福祉士が応じます。",
            ("cat-health", "topic-suicidal", "topic-illness"),
            "月曜日〜金曜日 9:00〜16:00",
            hours=(Hours(WEEKDAYS, "09:00", "16:00"),),
            department="保健所 精神保健福祉担当",
            is_crisis_line=True,
        ),
        Entry(
            "yakan-denwa",
            "夜間のこころの電話",
            "やかんのこころのでんわ",
            "",
            "",
            "眠れない夜、誰かと話したいときに、研修を受けたボランティアが匿名で話を聴きます。",
            ("cat-health", "cat-relations", "topic-isolation", "topic-suicidal"),
            "毎日 19:00〜翌2:00",
            hours=(Hours("MO,TU,WE,TH,FR,SA,SU", "19:00", "02:00"),),
            is_anonymous=True,
            is_crisis_line=True,
            virtual=True,
            member_field="suicide-prevention",
        ),
        Entry(
            "ibasho-salon",
            "だれでも居場所サロン",
            "だれでもいばしょさろん",
            "",
            "",
            "お茶を飲みながら気軽に話せる地域の居場所です。予約不要、ひとりでも参加できます。",
            ("cat-relations", "topic-isolation", "topic-hobby"),
            "第2・第4土曜日 13:00〜16:00",
            hours=(Hours("2SA,4SA", "13:00", "16:00", freq="MONTHLY"),),
            reservation=Reservation.NOT_REQUIRED,
            is_anonymous=True,
            member_field="community",
        ),
        Entry(
            "hitorioya",
            "ひとり親家庭の相談",
            "ひとりおやかていのそうだん",
            "",
            "",
            "ひとり親家庭の暮らし、仕事、養育費、子どもの学習についての相談を受け付けます。",
            ("cat-children", "cat-money", "topic-parenting", "topic-divorce"),
            "火曜日・木曜日 10:00〜16:00",
            hours=(Hours("TU,TH", "10:00", "16:00"),),
            member_field="women",
        ),
    ]


YAMAGATA_LINE = Entry(
    "line-soudan",
    "つながりよりそいLINE相談",
    "つながりよりそいらいんそうだん",
    "認定NPO法人フローレンス",
    "ふろーれんす",
    "山形市に在住・在勤・在学の方のLINE相談です。受付は24時間、返信は平日18時〜21時（時間外の相談には翌営業日に返信）。"
    "必要なときは本人の同意を得て市の窓口や構成団体につなぎます。",
    ("cat-relations", "topic-isolation", "topic-family", "topic-work"),
    "平日 18:00〜21:00（相談の受付は24時間）",
    hours=(Hours(WEEKDAYS, "18:00", "21:00"),),
    is_anonymous=True,
    virtual=True,
)


def _id(platform: Platform, *parts: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, ":".join([platform.slug, *parts]))


def _member_for(entry: Entry) -> MemberOrganisation | None:
    """The demo member that runs the entry: a 社協 member for 社協 windows, an NPO for unnamed ones."""
    members = MemberOrganisation.objects.active().order_by("id")
    if "社会福祉協議会" in entry.organization:
        return members.filter(org_type="shakyo").first()
    if entry.organization or not entry.member_field:
        return None
    return members.filter(fields__code=entry.member_field, org_type__in=["npo", "medical_welfare"]).first()


CITY = re.compile(r"^(?P<county>.+?郡)?(?P<city>.+?[市町村])(?P<ward>.+?区)?(?P<rest>.*)$")


def _split_address(prefecture: str, address: str) -> tuple[str, str]:
    """(city, street) of a full Japanese address in ``prefecture``."""
    match = CITY.match(address.removeprefix(prefecture))
    if match is None:
        return "", address
    city = "".join(match.group(g) or "" for g in ("county", "city", "ward"))
    return city, match.group("rest")


def _phone(fiction: Fiction, area_code: str) -> str:
    rest = 10 - len(area_code)
    digits = str(fiction.random.randint(2, 9)) + "".join(
        str(fiction.random.randint(0, 9)) for _i in range(rest - 1)
    )
    return f"{area_code}-{digits[: rest - 4]}-{digits[rest - 4 :]}"


def build_entry(
    platform: Platform, site: Site, entry: Entry, fiction: Fiction, created: Counter[str]
) -> Service:
    member = _member_for(entry)
    org_name, org_kana = entry.organization, entry.organization_kana
    if member is not None:
        org_name, org_kana = member.name, member.name_kana
    elif not org_name:
        org_name, org_kana = fiction.organisation("npo", entry.member_field or "community")
    org_key = org_name
    org, made = Organization.objects.update_or_create(
        platform=platform,
        uuid=_id(platform, "org", org_key),
        defaults={"name": org_name, "name_kana": org_kana, "description": org_name, "member": member},
    )
    created["directory organizations"] += made
    service, made = Service.objects.update_or_create(
        platform=platform,
        uuid=_id(platform, "service", entry.key),
        defaults={
            "organization": org,
            "member": member,
            "name": entry.name,
            "name_kana": entry.name_kana,
            "description": entry.description,
            "department": entry.department,
            "reservation": entry.reservation,
            "target_groups": list(entry.target_groups),
            "age_bands": list(entry.age_bands),
            "is_free": True,
            "fees_description": "無料",
            "is_anonymous": entry.is_anonymous,
            "is_crisis_line": entry.is_crisis_line,
            "is_24h": entry.is_24h,
            "is_published": True,
        },
    )
    created["services"] += made
    ServiceArea.objects.update_or_create(
        platform=platform,
        uuid=_id(platform, "area", entry.key),
        defaults={"service": service, "name": platform.owner_name, "municipality_code": platform.code},
    )
    phones = entry.phones or ((_phone(fiction, site.area_code), ""),)
    for index, (number, description) in enumerate(phones):
        Phone.objects.update_or_create(
            platform=platform,
            uuid=_id(platform, "phone", entry.key, str(index)),
            defaults={"service": service, "number": number, "type": "voice", "description": description},
        )
    sal = None
    if not entry.virtual:
        if entry.address:
            city, street, postal = site.city, entry.address, entry.postal_code
        elif member is not None:
            city, street = _split_address(site.prefecture, member.address)
            postal = member.postal_code
        else:
            city, street, postal = site.city, site.address, site.postal_code
        place_key = entry.location or org_key
        jitter = 0.0 if street == site.address else 1.0
        location, made = Location.objects.update_or_create(
            platform=platform,
            uuid=_id(platform, "location", place_key),
            defaults={
                "name": entry.location or org_name,
                "organization_ref": org.uuid,
                "latitude": round(site.latitude + jitter * (fiction.random.random() - 0.5) / 40, 6),
                "longitude": round(site.longitude + jitter * (fiction.random.random() - 0.5) / 40, 6),
            },
        )
        created["locations"] += made
        Address.objects.update_or_create(
            platform=platform,
            uuid=_id(platform, "address", place_key),
            defaults={
                "location": location,
                "address_1": street,
                "city": city or site.city,
                "state_province": site.prefecture,
                "postal_code": postal,
                "country": "JP",
                "address_type": "physical",
            },
        )
        sal, _made = ServiceAtLocation.objects.update_or_create(
            platform=platform,
            uuid=_id(platform, "sal", entry.key),
            defaults={"service": service, "location": location},
        )
    for index, hours in enumerate(entry.hours):
        Schedule.objects.update_or_create(
            platform=platform,
            uuid=_id(platform, "schedule", entry.key, str(index)),
            defaults={
                "service": service,
                "service_at_location": sal,
                "freq": hours.freq,
                "byday": hours.byday,
                "opens_at": datetime.time.fromisoformat(hours.opens),
                "closes_at": datetime.time.fromisoformat(hours.closes),
                "timezone": 9,
                "description": entry.hours_text,
                "notes": "祝日・年末年始は休み" if hours.byday != "MO,TU,WE,TH,FR,SA,SU" else "",
            },
        )
    terms = {t.code: t for t in TaxonomyTerm.objects.available_to(None).filter(code__in=entry.terms)}
    for code in entry.terms:
        Attribute.objects.update_or_create(
            platform=platform,
            uuid=_id(platform, "attribute", entry.key, code),
            defaults={
                "link_id": service.uuid,
                "link_entity": "service",
                "link_type": "category",
                "taxonomy_term": terms[code],
                "service": service,
            },
        )
    return service


def load(platform: Platform, slug: str, created: Counter[str]) -> None:
    site = SITES.get(slug)
    if site is None:
        return
    fiction = Fiction(f"directory:{slug}")
    if slug == "ise":
        entries = ISE + generic_entries(ISE_CITY, "いせし")[6:]
    else:
        entries = generic_entries(platform.owner_name, _owner_kana(platform))
    if slug == "yamagata-shi":
        entries.append(YAMAGATA_LINE)
    for entry in entries:
        build_entry(platform, site, entry, fiction, created)
    _member_staff_entry(platform, site, fiction, created)
    national = do_import_national(platform)
    created["national services"] += national["services"]


OWNER_KANA = {
    "埼玉県": "さいたまけん",
    "岐阜県": "ぎふけん",
    "滋賀県": "しがけん",
    "山形市": "やまがたし",
    "市原市": "いちはらし",
    "鎌倉市": "かまくらし",
    "鶴岡市": "つるおかし",
    "伊勢市": "いせし",
    "徳島県": "とくしまけん",
}


def _owner_kana(platform: Platform) -> str:
    return OWNER_KANA.get(platform.owner_name, "")


def _member_staff_entry(platform: Platform, site: Site, fiction: Fiction, created: Counter[str]) -> None:
    """The demo member-staff account's organisation runs a service, with a change awaiting review."""
    role = Role.objects.filter(platform=platform, kind=Role.MEMBER_STAFF, organisation__isnull=False).first()
    if role is None or role.organisation is None:
        return
    member = role.organisation
    service = Service.objects.filter(member=member).order_by("id").first()
    if service is None:
        org = organization_for_member(member)
        service, made = Service.objects.update_or_create(
            platform=platform,
            uuid=_id(platform, "service", "member-staff"),
            defaults={
                "organization": org,
                "member": member,
                "name": f"{member.name}の相談会",
                "name_kana": member.name_kana + "のそうだんかい",
                "description": member.description,
                "reservation": Reservation.RECOMMENDED,
                "target_groups": ["self", "family"],
                "is_free": True,
                "fees_description": "無料",
                "is_published": True,
            },
        )
        created["services"] += made
    change, made = ServiceChange.objects.get_or_create(
        platform=platform,
        service=service,
        status=ServiceChange.Status.PENDING,
        defaults={
            "changes": {"alert": "年末年始（12月29日〜1月3日）はお休みします。"},
            "previous": {"alert": service.alert},
            "submitted_by": role.user,
        },
    )
    created["service changes"] += made
