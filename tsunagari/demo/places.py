"""Real prefectures and municipalities used by the demo data.

Each municipality: the first five digits of its 全国地方公共団体コード (the
check digit is computed with ``tsunagari.lib.jiscode``), its name and
reading, the first three digits of its postal codes and its telephone area
code. Street addresses built on these are fictitious.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from tsunagari.lib import jiscode


@dataclass(frozen=True)
class Place:
    code5: str
    name: str
    kana: str
    postal3: str
    area_code: str
    county: str = ""  # 郡 of a town or village, written in its addresses
    wards: tuple[str, ...] = ()  # 政令指定都市: the wards an address may be in

    @property
    def code(self) -> str:
        return jiscode.with_check_digit(self.code5)

    @property
    def short_kana(self) -> str:
        """The reading without 市/町/村/県 (ぎふし → ぎふ), for organisation names."""
        for suffix in ("ちょう", "まち", "むら", "そん", "けん", "し"):
            if self.kana.endswith(suffix):
                return self.kana[: -len(suffix)]
        return self.kana


@dataclass(frozen=True)
class Prefecture:
    place: Place  # the prefecture itself; its postal/area code are those of its capital
    capital: str  # the municipality name of the prefectural office

    @property
    def name(self) -> str:
        return self.place.name


def _places(rows: str) -> list[Place]:
    places = []
    for line in rows.strip().splitlines():
        code5, name, kana, postal3, area, *county = line.split()
        places.append(Place(code5, name, kana, postal3, area, county=county[0] if county else ""))
    return places


SAITAMA = Prefecture(Place("11000", "埼玉県", "さいたまけん", "330", "048"), capital="さいたま市")
GIFU = Prefecture(Place("21000", "岐阜県", "ぎふけん", "500", "058"), capital="岐阜市")
SHIGA = Prefecture(Place("25000", "滋賀県", "しがけん", "520", "077"), capital="大津市")
TOKUSHIMA = Prefecture(Place("36000", "徳島県", "とくしまけん", "770", "088"), capital="徳島市")
CHIBA = Prefecture(Place("12000", "千葉県", "ちばけん", "260", "043"), capital="千葉市")
YAMAGATA = Prefecture(Place("06000", "山形県", "やまがたけん", "990", "023"), capital="山形市")
KANAGAWA = Prefecture(Place("14000", "神奈川県", "かながわけん", "231", "045"), capital="横浜市")
MIE = Prefecture(Place("24000", "三重県", "みえけん", "514", "059"), capital="津市")

# The 42 municipalities of Gifu, in the order of 全国地方公共団体コード.
GIFU_MUNICIPALITIES = _places(
    """
21201 岐阜市 ぎふし 500 058
21202 大垣市 おおがきし 503 0584
21203 高山市 たかやまし 506 0577
21204 多治見市 たじみし 507 0572
21205 関市 せきし 501 0575
21206 中津川市 なかつがわし 508 0573
21207 美濃市 みのし 501 0575
21208 瑞浪市 みずなみし 509 0572
21209 羽島市 はしまし 501 058
21210 恵那市 えなし 509 0573
21211 美濃加茂市 みのかもし 505 0574
21212 土岐市 ときし 509 0572
21213 各務原市 かかみがはらし 504 058
21214 可児市 かにし 509 0574
21215 山県市 やまがたし 501 0581
21216 瑞穂市 みずほし 501 058
21217 飛騨市 ひだし 509 0577
21218 本巣市 もとすし 501 0581
21219 郡上市 ぐじょうし 501 0575
21220 下呂市 げろし 509 0576
21221 海津市 かいづし 503 0584
21302 岐南町 ぎなんちょう 501 058 羽島郡
21303 笠松町 かさまつちょう 501 058 羽島郡
21341 養老町 ようろうちょう 503 0584 養老郡
21361 垂井町 たるいちょう 503 0584 不破郡
21362 関ケ原町 せきがはらちょう 503 0584 不破郡
21381 神戸町 ごうどちょう 503 0584 安八郡
21382 輪之内町 わのうちちょう 503 0584 安八郡
21383 安八町 あんぱちちょう 503 0584 安八郡
21401 揖斐川町 いびがわちょう 501 0585 揖斐郡
21403 大野町 おおのちょう 501 0585 揖斐郡
21404 池田町 いけだちょう 503 0585 揖斐郡
21421 北方町 きたがたちょう 501 058 本巣郡
21501 坂祝町 さかほぎちょう 505 0574 加茂郡
21502 富加町 とみかちょう 501 0574 加茂郡
21503 川辺町 かわべちょう 509 0574 加茂郡
21504 七宗町 ひちそうちょう 509 0574 加茂郡
21505 八百津町 やおつちょう 505 0574 加茂郡
21506 白川町 しらかわちょう 509 0574 加茂郡
21507 東白川村 ひがししらかわむら 509 0574 加茂郡
21521 御嵩町 みたけちょう 505 0574 可児郡
21604 白川村 しらかわむら 501 05769 大野郡
"""
)

# Saitama: the 41 municipalities of seed 001 table 4-1-6, then those whose 社協 only is a member.
SAITAMA_MUNICIPALITIES = _places(
    """
11100 さいたま市 さいたまし 330 048
11202 熊谷市 くまがやし 360 048
11206 行田市 ぎょうだし 361 048
11207 秩父市 ちちぶし 368 0494
11208 所沢市 ところざわし 359 04
11209 飯能市 はんのうし 357 042
11214 春日部市 かすかべし 344 048
11216 羽生市 はにゅうし 348 048
11217 鴻巣市 こうのすし 365 048
11219 上尾市 あげおし 362 048
11221 草加市 そうかし 340 048
11222 越谷市 こしがやし 343 048
11224 戸田市 とだし 335 048
11215 狭山市 さやまし 350 04
11225 入間市 いるまし 358 04
11227 朝霞市 あさかし 351 048
11228 志木市 しきし 353 048
11231 桶川市 おけがわし 363 048
11232 久喜市 くきし 346 0480
11233 北本市 きたもとし 364 048
11235 富士見市 ふじみし 354 049
11238 蓮田市 はすだし 349 048
11241 鶴ヶ島市 つるがしまし 350 049
11242 日高市 ひだかし 350 042
11243 吉川市 よしかわし 342 048
11245 ふじみ野市 ふじみのし 356 049
11246 白岡市 しらおかし 349 0480
11218 深谷市 ふかやし 366 048
11301 伊奈町 いなまち 362 048 北足立郡
11327 越生町 おごせまち 350 049 入間郡
11342 嵐山町 らんざんまち 355 0493 比企郡
11346 川島町 かわじままち 350 049 比企郡
11347 吉見町 よしみまち 355 0493 比企郡
11348 鳩山町 はとやままち 350 049 比企郡
11363 長瀞町 ながとろまち 369 0494 秩父郡
11365 小鹿野町 おがのまち 368 0494 秩父郡
11369 東秩父村 ひがしちちぶむら 355 0493 秩父郡
11381 美里町 みさとまち 367 0495 児玉郡
11383 神川町 かみかわまち 367 0495 児玉郡
11385 上里町 かみさとまち 369 0495 児玉郡
11442 宮代町 みやしろまち 345 0480 南埼玉郡
11201 川越市 かわごえし 350 049
11203 川口市 かわぐちし 332 048
11223 蕨市 わらびし 335 048
11464 杉戸町 すぎとまち 345 0480 北葛飾郡
"""
)
SAITAMA_WARDS = ("浦和区", "大宮区", "中央区", "南区", "見沼区", "北区")
SAITAMA_MUNICIPALITIES[0] = replace(SAITAMA_MUNICIPALITIES[0], wards=SAITAMA_WARDS)
SAITAMA_MEMBER_MUNICIPALITIES = 41
# 市町村社会福祉協議会 (17) of table 4-1-6.
SAITAMA_SHAKYO = [
    "川越市",
    "川口市",
    "秩父市",
    "所沢市",
    "狭山市",
    "鴻巣市",
    "上尾市",
    "越谷市",
    "蕨市",
    "戸田市",
    "桶川市",
    "北本市",
    "日高市",
    "東秩父村",
    "上里町",
    "宮代町",
    "杉戸町",
]

# The 19 cities and towns of Shiga.
SHIGA_MUNICIPALITIES = _places(
    """
25201 大津市 おおつし 520 077
25202 彦根市 ひこねし 522 0749
25203 長浜市 ながはまし 526 0749
25204 近江八幡市 おうみはちまんし 523 0748
25206 草津市 くさつし 525 077
25207 守山市 もりやまし 524 077
25208 栗東市 りっとうし 520 077
25209 甲賀市 こうかし 528 0748
25210 野洲市 やすし 520 077
25211 湖南市 こなんし 520 0748
25212 高島市 たかしまし 520 0740
25213 東近江市 ひがしおうみし 527 0748
25214 米原市 まいばらし 521 0749
25383 日野町 ひのちょう 529 0748 蒲生郡
25384 竜王町 りゅうおうちょう 520 0748 蒲生郡
25425 愛荘町 あいしょうちょう 529 0749 愛知郡
25441 豊郷町 とよさとちょう 529 0749 犬上郡
25442 甲良町 こうらちょう 522 0749 犬上郡
25443 多賀町 たがちょう 522 0749 犬上郡
"""
)

TOKUSHIMA_MUNICIPALITIES = _places(
    """
36201 徳島市 とくしまし 770 088
36202 鳴門市 なるとし 772 088
36203 小松島市 こまつしまし 773 0885
36204 阿南市 あなんし 774 0884
36205 吉野川市 よしのがわし 776 0883
36206 阿波市 あわし 771 0883
36207 美馬市 みまし 779 0883
36208 三好市 みよしし 778 0883
"""
)

YAMAGATA_CITY = Place("06201", "山形市", "やまがたし", "990", "023")
TSURUOKA = Place("06203", "鶴岡市", "つるおかし", "997", "0235")
ICHIHARA = Place("12219", "市原市", "いちはらし", "290", "0436")
KAMAKURA = Place("14204", "鎌倉市", "かまくらし", "248", "0467")
ISE = Place("24203", "伊勢市", "いせし", "516", "0596")


def by_name(places: list[Place]) -> dict[str, Place]:
    return {place.name: place for place in places}
