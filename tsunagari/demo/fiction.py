"""Deterministic, clearly fictitious details for the demo: organisation and person names,
street addresses, telephone numbers, dates and published fields.

Every generator is seeded by a string, so the same demo is built on every
run and every machine. Organisation names combine soft words
(「ひだまり」「つむぎ」「よりそい」…) with endings (「ネット」「の会」
「サポートセンター」…); street names and numbers are made up, only the
prefecture and municipality are real.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable

from partnership.models import OrgType
from tsunagari.demo.places import Place, Prefecture
from tsunagari.lib.text import normalise_name

WORDS = [
    ("ひだまり", "ひだまり"),
    ("つむぎ", "つむぎ"),
    ("よりそい", "よりそい"),
    ("こもれび", "こもれび"),
    ("あおぞら", "あおぞら"),
    ("わかば", "わかば"),
    ("ともしび", "ともしび"),
    ("ほっと", "ほっと"),
    ("みらい", "みらい"),
    ("えがお", "えがお"),
    ("なごみ", "なごみ"),
    ("ぬくもり", "ぬくもり"),
    ("まなび", "まなび"),
    ("あゆみ", "あゆみ"),
    ("そよかぜ", "そよかぜ"),
    ("はなみずき", "はなみずき"),
    ("すずらん", "すずらん"),
    ("こころね", "こころね"),
    ("いこい", "いこい"),
    ("ゆずりは", "ゆずりは"),
    ("あかり", "あかり"),
    ("めばえ", "めばえ"),
    ("おひさま", "おひさま"),
    ("しずく", "しずく"),
    ("ふたば", "ふたば"),
    ("たまゆら", "たまゆら"),
    ("ゆいまーる", "ゆいまーる"),
    ("まあるい", "まあるい"),
]
ENDINGS = [
    ("ネット", "ねっと"),
    ("の会", "のかい"),
    ("サポートセンター", "さぽーとせんたー"),
    ("ひろば", "ひろば"),
    ("ネットワーク", "ねっとわーく"),
    ("プロジェクト", "ぷろじぇくと"),
    ("の家", "のいえ"),
    ("相談室", "そうだんしつ"),
    ("クラブ", "くらぶ"),
    ("ラボ", "らぼ"),
]
# Endings that say what an organisation does, by activity field.
FIELD_ENDINGS: dict[str, list[tuple[str, str]]] = {
    "children-youth": [
        ("子ども食堂", "こどもしょくどう"),
        ("学習支援教室", "がくしゅうしえんきょうしつ"),
        ("子育てサロン", "こそだてさろん"),
        ("ユースサポート", "ゆーすさぽーと"),
    ],
    "elderly": [("サロン", "さろん"), ("見守り隊", "みまもりたい"), ("いきいき倶楽部", "いきいきくらぶ")],
    "disability": [("作業所", "さぎょうしょ"), ("ピアサポート", "ぴあさぽーと")],
    "poverty": [("フードパントリー", "ふーどぱんとりー"), ("くらし相談室", "くらしそうだんしつ")],
    "hikikomori": [("家族会", "かぞくかい"), ("居場所", "いばしょ")],
    "suicide-prevention": [("こころの電話", "こころのでんわ"), ("傾聴の会", "けいちょうのかい")],
    "foreign-residents": [("多文化ネット", "たぶんかねっと"), ("日本語教室", "にほんごきょうしつ")],
    "carers": [("ケアラーズカフェ", "けあらーずかふぇ")],
    "women": [("女性サポート", "じょせいさぽーと"), ("ひとり親の会", "ひとりおやのかい")],
    "addiction": [("回復支援の会", "かいふくしえんのかい")],
    "community": [("まちづくり協議会", "まちづくりきょうぎかい"), ("地域食堂", "ちいきしょくどう")],
    "homeless": [("夜回りの会", "よまわりのかい")],
    "ex-offenders": [("更生支援ネット", "こうせいしえんねっと")],
    "lgbtq": [("にじいろの会", "にじいろのかい")],
    "arts-culture-sports": [("文化クラブ", "ぶんかくらぶ")],
    "social-education": [("学びの会", "まなびのかい")],
    "environment": [("里山の会", "さとやまのかい")],
}
NPO_FORMS = ["NPO法人", "NPO法人", "特定非営利活動法人", "一般社団法人", ""]
COMPANY_ENDINGS = [
    ("商事", "しょうじ"),
    ("フーズ", "ふーず"),
    ("交通", "こうつう"),
    ("ケアサービス", "けあさーびす"),
    ("薬局", "やっきょく"),
    ("建設", "けんせつ"),
    ("不動産", "ふどうさん"),
    ("印刷", "いんさつ"),
    ("電機", "でんき"),
]
SURNAMES = [
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
    "佐々木",
    "山口",
    "松本",
    "井上",
    "木村",
    "林",
    "清水",
    "山崎",
]
GIVEN_NAMES = [
    "太郎",
    "花子",
    "一郎",
    "恵子",
    "健",
    "美咲",
    "翔太",
    "陽子",
    "大輔",
    "由美",
    "直樹",
    "誠",
    "彩",
    "浩",
    "智子",
]
TOWNS = [
    "本町",
    "栄町",
    "緑町",
    "旭町",
    "若葉町",
    "桜台",
    "中央",
    "東町",
    "西町",
    "南町",
    "北町",
    "日の出町",
    "幸町",
    "錦町",
    "青葉台",
    "泉町",
    "柳町",
    "末広町",
    "宮前町",
    "朝日町",
]
DESCRIPTIONS: dict[str, list[str]] = {
    "children-youth": [
        "子どもの学習支援と居場所づくりを行っています。",
        "月2回、地域の子ども食堂を開いています。",
    ],
    "elderly": ["一人暮らしの高齢者の見守りと、ふれあいサロンを運営しています。"],
    "disability": ["障がいのある方の日中活動と、当事者どうしのピアサポートを行っています。"],
    "poverty": ["生活に困りごとを抱える方の相談と、食料の提供（フードパントリー）を行っています。"],
    "hikikomori": ["ひきこもりの本人と家族の居場所、家族会を月1回開いています。"],
    "suicide-prevention": ["悩みを抱える方の電話相談と、傾聴ボランティアの養成を行っています。"],
    "foreign-residents": ["外国にルーツのある住民の日本語学習と生活相談を支援しています。"],
    "carers": ["家族の介護やケアを担う方（ヤングケアラーを含む）が集えるカフェを開いています。"],
    "women": ["困難を抱える女性とひとり親家庭の相談・交流の場を運営しています。"],
    "addiction": ["依存症からの回復を目指す本人と家族の集いを開いています。"],
    "community": ["住民主体のまちづくりと、誰でも立ち寄れる地域の居場所を運営しています。"],
    "homeless": ["住まいを失った方への夜回りと、住居確保の相談を行っています。"],
    "ex-offenders": ["刑務所等を出所した方の住まいと仕事探しを支援しています。"],
    "lgbtq": ["性的マイノリティの方と家族の交流会・相談を行っています。"],
    "arts-culture-sports": ["文化・スポーツ活動を通じて、世代を超えた交流の場をつくっています。"],
    "social-education": ["地域の学びの場として、講座や読書会を開いています。"],
    "environment": ["里山の保全活動を通じて、住民どうしのつながりをつくっています。"],
    "tourism": ["地域の魅力を伝える活動を通じて、住民と来訪者の交流をつくっています。"],
    "other": ["孤独・孤立に関する相談と情報提供を行っています。"],
}


class Fiction:
    """Fictitious details from one seed; names are unique (by normalised name) within it."""

    def __init__(self, seed: str, *, taken: set[str] | None = None) -> None:
        self.random = random.Random(seed)  # noqa: S311 (reproducible demo data, not secrets)
        self.used: set[str] = set(taken or ())
        self.counter = 0

    # --- names ---------------------------------------------------------------------------------

    def _unique(self, make: Callable[[], tuple[str, str]]) -> tuple[str, str]:
        for _attempt in range(500):
            name, kana = make()
            norm = normalise_name(name)
            if norm not in self.used:
                self.used.add(norm)
                return name, kana
        raise RuntimeError("ran out of fictitious names")

    def reserve(self, name: str) -> None:
        """Keep a real name (a municipality, a 社協) from being generated."""
        self.used.add(normalise_name(name))

    def word(self) -> tuple[str, str]:
        return self.random.choice(WORDS)

    def organisation(self, org_type: str, field: str, place: Place | None = None) -> tuple[str, str]:
        """A fictitious name and its reading for an organisation of this type and field."""
        makers: dict[str, Callable[[], tuple[str, str]]] = {
            OrgType.COMPANY: self._company,
            OrgType.MEDICAL_WELFARE: self._welfare,
            OrgType.EDUCATION: self._education,
            OrgType.PROFESSIONAL: self._professional,
            OrgType.OTHER: self._other,
        }
        maker = makers.get(org_type)
        if maker is not None:
            return self._unique(maker)
        return self._unique(lambda: self._npo(field, place))

    def _npo(self, field: str, place: Place | None) -> tuple[str, str]:
        word, word_kana = self.word()
        endings = FIELD_ENDINGS.get(field, []) + ENDINGS
        ending, ending_kana = self.random.choice(endings)
        form = self.random.choice(NPO_FORMS)
        name, kana = f"{word}{ending}", f"{word_kana}{ending_kana}"
        if place is not None and self.random.random() < 0.4:
            name, kana = f"{name}{place.short_kana}", f"{kana}{place.short_kana}"
        return f"{form}{name}", kana

    def _company(self) -> tuple[str, str]:
        word, kana = self.word()
        kind = self.random.random()
        if kind < 0.15:
            return f"{word}信用金庫", f"{kana}しんようきんこ"
        if kind < 0.3:
            return f"生活協同組合コープ{word}", f"せいかつきょうどうくみあいこーぷ{kana}"
        ending, ending_kana = self.random.choice(COMPANY_ENDINGS)
        return f"株式会社{word}{ending}", f"{kana}{ending_kana}"

    def _welfare(self) -> tuple[str, str]:
        word, kana = self.word()
        if self.random.random() < 0.5:
            return f"社会福祉法人{word}福祉会", f"{kana}ふくしかい"
        return f"医療法人{word}会 {word}クリニック", f"{kana}かい {kana}くりにっく"

    def _education(self) -> tuple[str, str]:
        word, kana = self.word()
        return f"学校法人{word}学園", f"{kana}がくえん"

    def _professional(self) -> tuple[str, str]:
        word, kana = self.word()
        return f"一般社団法人{word}カウンセラー協会", f"{kana}かうんせらーきょうかい"

    def _other(self) -> tuple[str, str]:
        word, kana = self.word()
        ending, ending_kana = self.random.choice(
            [("自治会連合会", "じちかいれんごうかい"), ("地区社協", "ちくしゃきょう")]
        )
        return f"{word}台{ending}", f"{kana}だい{ending_kana}"

    def person(self) -> str:
        return f"{self.random.choice(SURNAMES)} {self.random.choice(GIVEN_NAMES)}"

    # --- contact details -----------------------------------------------------------------------

    def postal_code(self, place: Place) -> str:
        return f"{place.postal3}-{self.random.randint(0, 9999):04d}"

    def address(self, prefecture: Prefecture, place: Place) -> str:
        ward = self.random.choice(place.wards) if place.wards else ""
        town = self.random.choice(TOWNS)
        if self.random.random() < 0.5:
            number = (
                f"{self.random.randint(1, 5)}丁目{self.random.randint(1, 30)}番{self.random.randint(1, 20)}号"
            )
        else:
            number = f"{self.random.randint(1, 3)}-{self.random.randint(1, 40)}-{self.random.randint(1, 25)}"
        return f"{prefecture.name}{place.county}{place.name}{ward}{town}{number}"

    def phone(self, place: Place) -> str:
        """A number with the area code of the place (10 digits in all, as in Japan)."""
        rest = 10 - len(place.area_code)
        middle = rest - 4
        first = str(self.random.randint(2, 9))
        digits = first + "".join(str(self.random.randint(0, 9)) for _i in range(rest - 1))
        return f"{place.area_code}-{digits[:middle]}-{digits[middle:]}"

    def date_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.random.randint(0, (end - start).days))

    def published_fields(self, *, has_website: bool) -> list[str]:
        """A realistic mix: most publish name, fields, area and description; fewer their phone or e-mail."""
        if self.random.random() < 0.06:
            return []  # did not consent: not on the public register
        fields = ["name", "fields", "area", "description"]
        for name, share in (("address", 0.7), ("phone", 0.55), ("email", 0.35), ("representative", 0.3)):
            if self.random.random() < share:
                fields.append(name)
        if has_website and self.random.random() < 0.85:
            fields.append("website")
        return fields

    def description(self, fields: list[str]) -> str:
        return "".join(self.random.choice(DESCRIPTIONS.get(f, DESCRIPTIONS["other"])) for f in fields[:2])

    def pick(self, options: list[str], low: int, high: int) -> list[str]:
        return self.random.sample(options, self.random.randint(low, min(high, len(options))))
