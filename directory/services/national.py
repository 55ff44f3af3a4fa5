"""National consultation services (全国の相談窓口) that every platform can list beside its own.

"Local and national resources together": these are publicly known national lines and chats,
with the numbers and hours their operators publish (checked when this list was written; hours
change, so each entry carries its official URL and the secretariat should re-check them before
publishing). ``do_import_national(platform)`` copies them into a platform idempotently: the
HSDS ids are derived from the entry key (uuid5), so a second import updates in place.

A schedule with ``opens == closes == "00:00"`` means open 24 hours on those days
(see ``Schedule.is_open_at``).
"""

from __future__ import annotations

import datetime
import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from audit.services import log_action
from directory.models import Attribute, Organization, Phone, Schedule, Service, ServiceArea, TaxonomyTerm
from platforms.models import Platform

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://tsunagari.example.jp/hsds/national")
EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"
WEEKDAYS = "MO,TU,WE,TH,FR"


@dataclass(frozen=True)
class Hours:
    byday: str
    opens: str
    closes: str
    freq: str = "WEEKLY"
    bymonthday: str = ""


@dataclass(frozen=True)
class NationalService:
    key: str
    name: str
    name_kana: str
    organization: str
    organization_kana: str
    description: str
    phones: tuple[tuple[str, str], ...]  # (number, description)
    hours_text: str
    url: str
    terms: tuple[str, ...]
    hours: tuple[Hours, ...] = ()
    is_24h: bool = False
    is_anonymous: bool = True
    is_crisis_line: bool = False
    fees_description: str = "相談は無料です。"
    target_groups: tuple[str, ...] = ("self", "family")
    age_bands: tuple[str, ...] = ()
    eligibility: str = ""
    extra: dict[str, str] = field(default_factory=dict)


SERVICES: list[NationalService] = [
    NationalService(
        key="yorisoi-hotline",
        name="よりそいホットライン",
        name_kana="よりそいほっとらいん",
        organization="一般社団法人社会的包摂サポートセンター",
        organization_kana="しゃかいてきほうせつさぽーとせんたー",
        description="どんな人のどんな悩みにもよりそって、一緒に解決する方法を探します。"
        "暮らしの困りごと、DV・性暴力、外国語での相談、自殺予防など。",
        phones=(
            ("0120-279-338", "全国から（通話料無料）"),
            ("0120-279-226", "岩手県・宮城県・福島県から（通話料無料）"),
        ),
        hours_text="24時間・365日",
        url="https://www.since2011.net/yorisoi/",
        terms=("cat-relations", "cat-health", "topic-isolation", "topic-suicidal", "topic-poverty"),
        hours=(Hours(EVERY_DAY, "00:00", "00:00"),),
        is_24h=True,
        is_crisis_line=True,
        fees_description="相談・通話料とも無料です。",
    ),
    NationalService(
        key="inochi-no-denwa",
        name="いのちの電話",
        name_kana="いのちのでんわ",
        organization="一般社団法人日本いのちの電話連盟",
        organization_kana="にほんいのちのでんわれんめい",
        description="死にたいほどつらい気持ち、誰にも言えない悩みを、研修を受けた相談員が聴きます。",
        phones=(
            ("0570-783-556", "ナビダイヤル（毎日10:00〜22:00、通話料がかかります）"),
            ("0120-783-556", "フリーダイヤル（毎日16:00〜21:00、毎月10日は8:00〜翌日8:00）"),
        ),
        hours_text="ナビダイヤル 毎日10:00〜22:00／フリーダイヤル 毎日16:00〜21:00（毎月10日は8:00〜翌日8:00）",
        url="https://www.inochinodenwa.org/",
        terms=("cat-health", "topic-suicidal", "topic-isolation"),
        hours=(Hours(EVERY_DAY, "10:00", "22:00"),),
        is_crisis_line=True,
        fees_description="相談は無料です。ナビダイヤルは通話料がかかります。",
    ),
    NationalService(
        key="kokoro-no-kenko-dial",
        name="こころの健康相談統一ダイヤル",
        name_kana="こころのけんこうそうだんとういつだいやる",
        organization="厚生労働省（都道府県・政令指定都市の相談窓口）",
        organization_kana="こうせいろうどうしょう",
        description="おかけになった地域の都道府県・政令指定都市の公的な相談窓口につながります。",
        phones=(("0570-064-556", "おこなおう まもろうよ こころ（通話料がかかります）"),),
        hours_text="受付日時は都道府県・政令指定都市によって異なります",
        url="https://www.mhlw.go.jp/mamorouyokokoro/",
        terms=("cat-health", "topic-suicidal", "topic-illness"),
        is_crisis_line=True,
        fees_description="相談は無料です。通話料がかかります。",
    ),
    NationalService(
        key="inochi-sos",
        name="#いのちSOS",
        name_kana="いのちえすおーえす",
        organization="特定非営利活動法人自殺対策支援センターライフリンク",
        organization_kana="じさつたいさくしえんせんたーらいふりんく",
        description="「死にたい」「消えたい」「生きることに疲れた」などの気持ちを、専門の相談員が受け止めます。",
        phones=(("0120-061-338", "フリーダイヤル"),),
        hours_text="毎日 8:00〜22:00（最新の受付時間は公式サイトでご確認ください）",
        url="https://www.lifelink.or.jp/inochisos/",
        terms=("cat-health", "topic-suicidal"),
        hours=(Hours(EVERY_DAY, "08:00", "22:00"),),
        is_crisis_line=True,
        fees_description="相談・通話料とも無料です。",
    ),
    NationalService(
        key="anata-no-ibasho",
        name="あなたのいばしょチャット相談",
        name_kana="あなたのいばしょちゃっとそうだん",
        organization="特定非営利活動法人あなたのいばしょ",
        organization_kana="あなたのいばしょ",
        description="年齢・性別を問わず、誰でも無料・匿名で利用できるチャット相談です。",
        phones=(),
        hours_text="24時間・365日（チャット）",
        url="https://talkme.jp/",
        terms=("cat-relations", "topic-isolation", "topic-suicidal"),
        hours=(Hours(EVERY_DAY, "00:00", "00:00"),),
        is_24h=True,
        is_crisis_line=True,
    ),
    NationalService(
        key="kodomo-sos-dial",
        name="24時間子供SOSダイヤル",
        name_kana="にじゅうよじかんこどもえすおーえすだいやる",
        organization="文部科学省（都道府県・指定都市教育委員会）",
        organization_kana="もんぶかがくしょう",
        description="いじめやその他の子供のSOS全般について、子供や保護者などが夜間・休日を含めていつでも相談できます。",
        phones=(("0120-0-78310", "なやみ言おう（通話料無料）"),),
        hours_text="24時間・365日",
        url="https://www.mext.go.jp/a_menu/shotou/seitoshidou/06112210.htm",
        terms=("cat-school", "cat-children", "topic-parenting", "topic-suicidal"),
        hours=(Hours(EVERY_DAY, "00:00", "00:00"),),
        is_24h=True,
        is_crisis_line=True,
        target_groups=("self", "family"),
        age_bands=("child", "youth"),
        fees_description="相談・通話料とも無料です。",
    ),
    NationalService(
        key="childline",
        name="チャイルドライン",
        name_kana="ちゃいるどらいん",
        organization="特定非営利活動法人チャイルドライン支援センター",
        organization_kana="ちゃいるどらいんしえんせんたー",
        description="18歳までの子どもがかける電話です。名前は言わなくてもよく、話したくないことは話さなくて大丈夫です。",
        phones=(("0120-99-7777", "フリーダイヤル"),),
        hours_text="毎日 16:00〜21:00",
        url="https://childline.or.jp/",
        terms=("cat-children", "cat-school", "topic-friends", "topic-family"),
        hours=(Hours(EVERY_DAY, "16:00", "21:00"),),
        target_groups=("self",),
        age_bands=("child", "youth"),
        eligibility="18歳までの子ども",
        fees_description="相談・通話料とも無料です。",
    ),
    NationalService(
        key="jidou-soudanjo-189",
        name="児童相談所虐待対応ダイヤル「189（いちはやく）」",
        name_kana="じどうそうだんじょぎゃくたいたいおうだいやるいちはやく",
        organization="こども家庭庁（お住まいの地域の児童相談所）",
        organization_kana="こどもかていちょう",
        description="虐待かもと思ったとき、子育てに悩んだときに、お近くの児童相談所につながります。匿名でも通告・相談できます。",
        phones=(("189", "通話料無料"),),
        hours_text="24時間・365日",
        url="https://www.cfa.go.jp/policies/jidougyakutai/hotline/",
        terms=("cat-children", "topic-parenting", "topic-family"),
        hours=(Hours(EVERY_DAY, "00:00", "00:00"),),
        is_24h=True,
        target_groups=("self", "family", "supporter"),
        age_bands=("perinatal", "child", "youth"),
        fees_description="相談・通話料とも無料です。",
    ),
    NationalService(
        key="dv-soudan-plus",
        name="DV相談＋（プラス）",
        name_kana="でぃーぶいそうだんぷらす",
        organization="内閣府男女共同参画局",
        organization_kana="ないかくふだんじょきょうどうさんかくきょく",
        description="配偶者やパートナーからの暴力に悩んでいる方の相談を電話・メール・チャットで受け付けます。",
        phones=(("0120-279-889", "つなぐ はやく（通話料無料）"),),
        hours_text="電話・メール 24時間／チャット 12:00〜22:00",
        url="https://soudanplus.jp/",
        terms=("cat-relations", "topic-family", "topic-divorce"),
        hours=(Hours(EVERY_DAY, "00:00", "00:00"),),
        is_24h=True,
        fees_description="相談・通話料とも無料です。",
    ),
    NationalService(
        key="houterasu",
        name="法テラス・サポートダイヤル",
        name_kana="ほうてらすさぽーとだいやる",
        organization="日本司法支援センター（法テラス）",
        organization_kana="にほんしほうしえんせんたー",
        description="法的トラブルの解決に役立つ法制度や相談窓口を案内します。経済的に余裕のない方には無料法律相談があります。",
        phones=(("0570-078374", "おなやみなし（通話料がかかります）"),),
        hours_text="平日 9:00〜21:00、土曜 9:00〜17:00（祝日・年末年始を除く）",
        url="https://www.houterasu.or.jp/",
        terms=("cat-relations", "cat-money", "topic-law", "topic-divorce"),
        hours=(Hours(WEEKDAYS, "09:00", "21:00"), Hours("SA", "09:00", "17:00")),
        is_anonymous=True,
        fees_description="問合せは無料です。通話料がかかります。",
    ),
    NationalService(
        key="jinken-110",
        name="みんなの人権110番",
        name_kana="みんなのじんけんひゃくとおばん",
        organization="法務省人権擁護局（法務局）",
        organization_kana="ほうむしょうじんけんようごきょく",
        description="差別や虐待、パワハラなど様々な人権問題の相談を最寄りの法務局で受け付けます。",
        phones=(("0570-003-110", "通話料がかかります"),),
        hours_text="平日 8:30〜17:15",
        url="https://www.moj.go.jp/JINKEN/jinken20.html",
        terms=("cat-relations", "topic-law"),
        hours=(Hours(WEEKDAYS, "08:30", "17:15"),),
        fees_description="相談は無料です。通話料がかかります。",
    ),
    NationalService(
        key="shohisha-hotline-188",
        name="消費者ホットライン「188（いやや！）」",
        name_kana="しょうひしゃほっとらいん",
        organization="消費者庁（地方公共団体の消費生活センター等）",
        organization_kana="しょうひしゃちょう",
        description="契約や悪質商法などのトラブルについて、身近な消費生活センターや相談窓口を案内します。",
        phones=(("188", "通話料がかかります"),),
        hours_text="受付日時は消費生活センターによって異なります",
        url="https://www.caa.go.jp/policies/policy/local_cooperation/local_consumer_administration/hotline/",
        terms=("cat-money", "topic-law", "topic-poverty"),
        fees_description="相談は無料です。通話料がかかります。",
    ),
    NationalService(
        key="onestop-8891",
        name="性犯罪・性暴力被害者のためのワンストップ支援センター（#8891）",
        name_kana="わんすとっぷしえんせんたー",
        organization="内閣府男女共同参画局（都道府県のワンストップ支援センター）",
        organization_kana="ないかくふだんじょきょうどうさんかくきょく",
        description="性犯罪・性暴力の被害にあった方が、お住まいの都道府県のワンストップ支援センターにつながります。",
        phones=(("#8891", "はやくワンストップ"),),
        hours_text="受付日時はセンターによって異なります",
        url="https://www.gender.go.jp/policy/no_violence/seibouryoku/consult.html",
        terms=("cat-health", "cat-relations"),
    ),
    NationalService(
        key="anata-wa-hitori-janai",
        name="あなたはひとりじゃない（孤独・孤立の相談窓口検索）",
        name_kana="あなたはひとりじゃない",
        organization="内閣府 孤独・孤立対策推進室",
        organization_kana="ないかくふこどくこりつたいさくすいしんしつ",
        description="いくつかの質問に答えると、悩みに合った支援制度や相談窓口を案内するウェブサイトです。",
        phones=(),
        hours_text="24時間（ウェブサイト）",
        url="https://www.notalone-cas.go.jp/",
        terms=("cat-relations", "topic-isolation", "topic-public-services"),
        is_24h=True,
        target_groups=("self", "family", "supporter"),
    ),
]


def _id(platform: Platform, *parts: str) -> uuid.UUID:
    """HSDS ids unique across platforms (the ``/hsds/`` aggregate is one data set)."""
    return uuid.uuid5(NAMESPACE, ":".join([platform.slug, *parts]))


def _time(value: str) -> datetime.time:
    return datetime.time.fromisoformat(value)


@transaction.atomic
def do_import_national(platform: Platform, *, actor=None, keys: list[str] | None = None) -> Counter[str]:
    """Create or update the national services in ``platform`` (call inside its scope)."""
    created: Counter[str] = Counter()
    terms = {t.code: t for t in TaxonomyTerm.objects.available_to(None)}
    for entry in SERVICES:
        if keys is not None and entry.key not in keys:
            continue
        org, made = Organization.objects.update_or_create(
            platform=platform,
            uuid=_id(platform, entry.key, "organization"),
            defaults={
                "name": entry.organization,
                "name_kana": entry.organization_kana,
                "description": entry.organization,
                "is_national": True,
            },
        )
        created["organizations"] += made
        service, made = Service.objects.update_or_create(
            platform=platform,
            uuid=_id(platform, entry.key, "service"),
            defaults={
                "organization": org,
                "name": entry.name,
                "name_kana": entry.name_kana,
                "description": entry.description,
                "url": entry.url,
                "status": Service.Status.ACTIVE,
                "fees_description": entry.fees_description,
                "eligibility_description": entry.eligibility,
                "target_groups": list(entry.target_groups),
                "age_bands": list(entry.age_bands),
                "is_free": True,
                "is_24h": entry.is_24h,
                "is_anonymous": entry.is_anonymous,
                "is_crisis_line": entry.is_crisis_line,
                "is_national": True,
                "national_key": entry.key,
                "is_published": True,
            },
        )
        created["services"] += made
        ServiceArea.objects.update_or_create(
            platform=platform,
            uuid=_id(platform, entry.key, "area"),
            defaults={"service": service, "name": "全国", "description": "全国どこからでも利用できます。"},
        )
        keep_phones = []
        for index, (number, description) in enumerate(entry.phones):
            phone, made = Phone.objects.update_or_create(
                platform=platform,
                uuid=_id(platform, entry.key, "phone", str(index)),
                defaults={"service": service, "number": number, "type": "voice", "description": description},
            )
            keep_phones.append(phone.pk)
            created["phones"] += made
        Phone.objects.filter(service=service).exclude(pk__in=keep_phones).delete()
        keep_schedules = []
        for index, hours in enumerate(entry.hours or (None,)):
            defaults = {"service": service, "description": entry.hours_text, "freq": "", "byday": ""}
            if hours is not None:
                defaults.update(
                    freq=hours.freq,
                    byday=hours.byday,
                    bymonthday=hours.bymonthday,
                    opens_at=_time(hours.opens),
                    closes_at=_time(hours.closes),
                    timezone=9,
                )
            schedule, made = Schedule.objects.update_or_create(
                platform=platform, uuid=_id(platform, entry.key, "schedule", str(index)), defaults=defaults
            )
            keep_schedules.append(schedule.pk)
            created["schedules"] += made
        Schedule.objects.filter(service=service).exclude(pk__in=keep_schedules).delete()
        keep_attributes = []
        for code in entry.terms:
            attribute, made = Attribute.objects.update_or_create(
                platform=platform,
                uuid=_id(platform, entry.key, "attribute", code),
                defaults={
                    "link_id": service.uuid,
                    "link_entity": "service",
                    "link_type": "category",
                    "taxonomy_term": terms[code],
                    "service": service,
                },
            )
            keep_attributes.append(attribute.pk)
        Attribute.objects.filter(service=service).exclude(pk__in=keep_attributes).delete()
    log_action(
        "directory.national_imported",
        actor=actor,
        platform=platform,
        data={k: v for k, v in created.items()} | {"at": timezone.now().isoformat()},
    )
    return created
