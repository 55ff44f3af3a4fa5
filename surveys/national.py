"""The national template (人々のつながりに関する基礎調査) and the optional modules.

The template's questions are locked: the wording, options and codes cannot be edited so that
local results compare with the national figures (only the 地域 options, which differ by
platform, can be set). Modules: Kamakura's hikikomori survey (広義のひきこもり: 外出頻度 in one
of four home-bound answers *and* that state lasting 6 months or more, seed 001 §4-6) and a
young-carer screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NATIONAL = "national"
ORGANISATION = "organisation"
MODULE_HIKIKOMORI = "hikikomori"
MODULE_YOUNG_CARER = "young_carer"
MODULES = (MODULE_HIKIKOMORI, MODULE_YOUNG_CARER)


def _opts(*labels: str | tuple[str, str], exclusive: tuple[int, ...] = ()) -> list[dict[str, Any]]:
    """Options numbered 1.. in order; a tuple gives (label, やさしい日本語 label)."""
    out = []
    for number, label in enumerate(labels, start=1):
        text, easy = label if isinstance(label, tuple) else (label, "")
        option: dict[str, Any] = {"code": number, "label": text, "label_easy": easy}
        if number in exclusive:
            option["exclusive"] = True
        out.append(option)
    return out


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    type: str
    text: str
    text_easy: str = ""
    options: list[dict[str, Any]] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)
    required: bool = False
    conditions: list[dict[str, Any]] = field(default_factory=list)
    options_editable: bool = False
    help_text: str = ""


@dataclass(frozen=True)
class SectionSpec:
    title: str
    title_easy: str
    questions: list[QuestionSpec]
    module: str = NATIONAL


LONELINESS_OPTIONS = _opts(
    ("しばしばある・常にある", "よくある・いつもある"),
    ("時々ある", "ときどきある"),
    ("たまにある", "たまにある"),
    ("ほとんどない", "ほとんどない"),
    ("決してない", "まったくない"),
)
UCLA_OPTIONS = _opts(
    ("決してない", "まったくない"),
    ("ほとんどない", "ほとんどない"),
    ("時々ある", "ときどきある"),
    ("常にある", "いつもある"),
)
OUTING_OPTIONS = _opts(
    "仕事や学校で平日は毎日外出する",
    "仕事や学校で週に3～4日程度外出する",
    "遊び等で頻繁に外出する",
    "人づきあいのためにときどき外出する",
    "ふだんは家にいるが、自分の趣味に関する用事のときだけ外出する",
    "ふだんは家にいるが、近所のコンビニ等には出かける",
    "自室からは出るが、家からは出ない",
    "自室からほとんど出ない",
)
# Kamakura's 広義のひきこもり群: the four home-bound answers (codes of OUTING_OPTIONS).
HOMEBOUND_OUTING_CODES = (5, 6, 7, 8)
DURATION_OPTIONS = _opts(
    "6か月未満",
    "6か月～1年未満",
    "1年～3年未満",
    "3年～5年未満",
    "5年～7年未満",
    "7年以上",
)
# Codes of DURATION_OPTIONS meaning 6 months or more.
SIX_MONTHS_OR_MORE_CODES = (2, 3, 4, 5, 6)

NATIONAL_SECTIONS = [
    SectionSpec(
        "孤独感について",
        "さびしいと感じることについて",
        [
            QuestionSpec(
                "loneliness_direct",
                "single",
                "あなたは、どの程度、孤独であると感じることがありますか。",
                "あなたは、さびしい（ひとりぼっちだ）と感じることが、どのくらいありますか。",
                LONELINESS_OPTIONS,
                required=True,
            ),
            QuestionSpec(
                "ucla",
                "matrix",
                "次のようなことを、どのくらいの頻度で感じますか。",
                "つぎのように感じることが、どのくらいありますか。",
                UCLA_OPTIONS,
                rows=[
                    {
                        "code": "ucla_1",
                        "label": "あなたは、自分には人とのつきあいがないと感じることがありますか",
                        "label_easy": "ほかの人とのつきあいがないと感じる",
                    },
                    {
                        "code": "ucla_2",
                        "label": "あなたは、自分は取り残されていると感じることがありますか",
                        "label_easy": "自分だけ取り残されていると感じる",
                    },
                    {
                        "code": "ucla_3",
                        "label": "あなたは、自分は他の人たちから孤立していると感じることがありますか",
                        "label_easy": "ほかの人たちから離れてひとりだと感じる",
                    },
                ],
                required=True,
            ),
        ],
    ),
    SectionSpec(
        "ふだんの生活とつながり",
        "ふだんの生活と人とのつながり",
        [
            QuestionSpec(
                "outing_freq",
                "single",
                "あなたは、ふだんどのくらい外出しますか。",
                "あなたは、ふだん、どのくらい外に出かけますか。",
                OUTING_OPTIONS,
            ),
            QuestionSpec(
                "talk_freq",
                "single",
                "あなたは、同居していない家族や友人たちと直接会って話すことが、どのくらいありますか。",
                "いっしょに住んでいない家族や友だちと、会って話すことが、どのくらいありますか。",
                _opts(
                    "週4～5回以上",
                    "週2～3回程度",
                    "週1回程度",
                    "2週間に1回程度",
                    "月1回程度",
                    "月1回未満",
                    "全くない",
                ),
            ),
            QuestionSpec(
                "has_confidant",
                "single",
                "あなたには、不安や悩みを相談できる相手がいますか。",
                "こまったことや心配なことを、相談できる人がいますか。",
                _opts(("いる", "いる"), ("いない", "いない")),
            ),
            QuestionSpec(
                "can_rely",
                "single",
                "あなたには、日常生活で困ったときに頼れる人がいますか。",
                "毎日の生活でこまったときに、たすけてくれる人がいますか。",
                _opts(("いる", "いる"), ("いない", "いない")),
            ),
            QuestionSpec(
                "social_participation",
                "multiple",
                "あなたは現在、次のような活動に参加していますか。（あてはまるものすべて）",
                "いま、つぎのような活動に参加していますか。（あてはまるものを ぜんぶ えらんでください）",
                _opts(
                    "スポーツ・趣味・娯楽・教養・自己啓発などの活動",
                    "ボランティア活動",
                    "町内会・自治会などの地域行事",
                    "子ども会・PTAなどの活動",
                    "その他の社会活動",
                    ("特に参加していない", "どれにも参加していない"),
                    exclusive=(6,),
                ),
            ),
        ],
    ),
    SectionSpec(
        "あなた自身について",
        "あなたのこと",
        [
            QuestionSpec(
                "age_band",
                "single",
                "あなたの年齢をお答えください。",
                "あなたは何歳ですか。",
                _opts(
                    "16～19歳",
                    "20～29歳",
                    "30～39歳",
                    "40～49歳",
                    "50～59歳",
                    "60～69歳",
                    "70～79歳",
                    "80歳以上",
                ),
                required=True,
            ),
            QuestionSpec(
                "sex",
                "single",
                "あなたの性別をお答えください。",
                "あなたの性別をえらんでください。",
                _opts("男性", "女性", ("その他・答えたくない", "そのほか・こたえたくない")),
            ),
            QuestionSpec(
                "household",
                "single",
                "あなたの世帯の構成をお答えください。",
                "あなたは、だれといっしょに住んでいますか。",
                _opts(
                    ("単身世帯（一人暮らし）", "ひとりで住んでいる"),
                    ("夫婦のみの世帯", "夫・妻とふたりで住んでいる"),
                    ("二世代世帯（親と子）", "親と子どもで住んでいる"),
                    ("三世代世帯（親と子と孫）", "親と子どもと孫で住んでいる"),
                    ("その他の世帯", "そのほか"),
                ),
            ),
            QuestionSpec(
                "region",
                "single",
                "お住まいの地域をお答えください。",
                "あなたが住んでいる地域をえらんでください。",
                _opts("地域1", "地域2", "地域3"),
                options_editable=True,
            ),
        ],
    ),
]

HIKIKOMORI_SECTION = SectionSpec(
    "外出の状況（ひきこもりに関する設問）",
    "外に出かけることについて",
    [
        QuestionSpec(
            "outing_duration",
            "single",
            "現在の外出の状況になってから、どのくらい経ちますか。",
            "いまのように、あまり出かけない生活になってから、どのくらいたちますか。",
            DURATION_OPTIONS,
            conditions=[{"code": "outing_freq", "op": "in", "values": list(HOMEBOUND_OUTING_CODES)}],
            required=True,
        ),
    ],
    module=MODULE_HIKIKOMORI,
)

YOUNG_CARER_SECTION = SectionSpec(
    "家族のお世話について",
    "家族のおせわについて",
    [
        QuestionSpec(
            "yc_cares",
            "single",
            "あなたには、お世話をしている家族がいますか。",
            "あなたは、家族のおせわをしていますか。",
            _opts(("いる", "している"), ("いない", "していない")),
            required=True,
        ),
        QuestionSpec(
            "yc_whom",
            "multiple",
            "お世話をしているのは誰ですか。（あてはまるものすべて）",
            "だれのおせわをしていますか。（ぜんぶ えらんでください）",
            _opts(
                ("父母", "お父さん・お母さん"),
                ("祖父母", "おじいさん・おばあさん"),
                ("きょうだい", "きょうだい"),
                ("その他", "そのほか"),
            ),
            conditions=[{"code": "yc_cares", "op": "in", "values": [1]}],
        ),
        QuestionSpec(
            "yc_frequency",
            "single",
            "お世話をしている頻度はどのくらいですか。",
            "どのくらい、おせわをしていますか。",
            _opts(
                ("ほぼ毎日", "ほとんど毎日"),
                ("週に3～5日", "1週間に3～5日"),
                ("週に1～2日", "1週間に1～2日"),
                ("1か月に数日", "1か月に何日か"),
            ),
            conditions=[{"code": "yc_cares", "op": "in", "values": [1]}],
        ),
        QuestionSpec(
            "yc_hours",
            "number",
            "平日1日あたり、お世話に使う時間はおよそ何時間ですか。",
            "学校がある日に、おせわを何時間くらいしていますか。",
            conditions=[{"code": "yc_cares", "op": "in", "values": [1]}],
        ),
        QuestionSpec(
            "yc_impact",
            "multiple",
            "お世話をしていることで、次のようなことがありますか。（あてはまるものすべて）",
            "おせわをしていて、つぎのようなことがありますか。（ぜんぶ えらんでください）",
            _opts(
                ("学校を休みがちである", "学校をよく休む"),
                ("宿題や勉強の時間がとれない", "勉強する時間がない"),
                ("睡眠が十分にとれない", "よくねむれない"),
                ("友人と遊ぶことができない", "友だちとあそべない"),
                ("特にない", "とくにない"),
                exclusive=(5,),
            ),
            conditions=[{"code": "yc_cares", "op": "in", "values": [1]}],
        ),
    ],
    module=MODULE_YOUNG_CARER,
)

# Derived variables: name -> the answer codes they need.
DERIVED = {
    "ucla_score": ("ucla_1", "ucla_2", "ucla_3"),
    "hikikomori_broad": ("outing_freq", "outing_duration"),
    "young_carer": ("yc_cares", "yc_frequency"),
}

# The national R5 (2023) result of the direct question, shipped as the benchmark.
NATIONAL_BENCHMARK_R5: dict[str, Any] = {
    "question_code": "loneliness_direct",
    "source": "人々のつながりに関する基礎調査（内閣官房）",
    "year": 2023,
    "n": 11141,
    "percentages": {"1": 4.8, "2": 14.8, "3": 19.7, "4": 41.4, "5": 17.9},
    "no_answer": "1.5",
}


PORTAL_ONLY = [{"code": "portal_consent", "op": "in", "values": [1]}]

# Shiga's 支援団体向け活動実態調査 (seed 001, table 4-3-8): 15 items whose answers fed the portal.
ORGANISATION_SECTIONS = [
    SectionSpec(
        "団体の活動について",
        "",
        [
            QuestionSpec("activity_area", "text", "主な活動範囲（市町名など）をお答えください。"),
            QuestionSpec("activity_content", "text", "主な活動内容をお答えください。", required=True),
            QuestionSpec(
                "kodoku_work",
                "single",
                "孤独・孤立に関連する取組を行っていますか。",
                options=_opts("行っている", "行っていない"),
                required=True,
            ),
            QuestionSpec(
                "has_window",
                "single",
                "相談窓口を開設していますか。",
                options=_opts("開設している", "開設していない"),
            ),
            QuestionSpec(
                "activity_freq",
                "single",
                "活動の頻度をお答えください。",
                options=_opts("ほぼ毎日", "週に数回", "月に数回", "年に数回", "不定期"),
            ),
            QuestionSpec(
                "supported_count", "number", "この1年間に支援を行った孤独・孤立状態の方は、およそ何人ですか。"
            ),
            QuestionSpec(
                "support_problems",
                "multiple",
                "支援を行った方が抱えていた問題をお答えください。（あてはまるものすべて）",
                options=_opts(
                    "経済的な困窮",
                    "健康・障害",
                    "家族関係",
                    "仕事・就労",
                    "ひきこもり",
                    "介護・育児などのケア",
                    "人間関係",
                    "その他",
                ),
            ),
            QuestionSpec(
                "support_case", "text", "孤独・孤立状態の方に対する支援の具体的なケースをお書きください。"
            ),
            QuestionSpec("support_results", "text", "支援の成果と課題をお書きください。"),
            QuestionSpec(
                "need",
                "single",
                "孤独・孤立対策に取り組む必要性を感じますか。",
                options=_opts("感じる", "どちらともいえない", "感じない"),
            ),
            QuestionSpec(
                "issues",
                "multiple",
                "孤独・孤立対策を行う上での課題をお答えください。（あてはまるものすべて）",
                options=_opts(
                    "担い手・人材の不足",
                    "資金の不足",
                    "情報の不足",
                    "連携先がない",
                    "支援が必要な人につながれない",
                    "その他",
                ),
            ),
            QuestionSpec(
                "expectation", "text", "孤独・孤立対策にあたって、県（市）に期待することをお書きください。"
            ),
        ],
        module=ORGANISATION,
    ),
    SectionSpec(
        "プラットフォームへの参画とポータルサイトへの掲載",
        "",
        [
            QuestionSpec(
                "join_intent",
                "single",
                "官民連携プラットフォームへの参画を希望しますか。",
                options=_opts("参画を希望する", "検討中", "希望しない"),
                required=True,
            ),
            QuestionSpec(
                "portal_consent",
                "single",
                "ポータルサイト（相談窓口・支援団体の一覧）への掲載を希望しますか。",
                options=_opts("掲載を希望する", "希望しない"),
                required=True,
            ),
            QuestionSpec(
                "service_name", "text", "掲載する窓口・活動の名称", conditions=PORTAL_ONLY, required=True
            ),
            QuestionSpec(
                "service_description",
                "text",
                "掲載する紹介文（活動内容・相談できること）",
                conditions=PORTAL_ONLY,
                required=True,
            ),
            QuestionSpec("service_target", "text", "対象となる方", conditions=PORTAL_ONLY),
            QuestionSpec("service_hours", "text", "受付日時・利用方法", conditions=PORTAL_ONLY),
            QuestionSpec("service_url", "text", "ホームページのURL", conditions=PORTAL_ONLY),
        ],
        module=ORGANISATION,
    ),
]


def sections_for(template: str, modules: list[str]) -> list[SectionSpec]:
    if template == ORGANISATION:
        return list(ORGANISATION_SECTIONS)
    sections: list[SectionSpec] = list(NATIONAL_SECTIONS) if template == NATIONAL else []
    if MODULE_HIKIKOMORI in modules:
        if template != NATIONAL:
            # The duration item needs 外出頻度 before it (from the national template otherwise).
            outing = next(q for q in NATIONAL_SECTIONS[1].questions if q.code == "outing_freq")
            sections.append(
                SectionSpec(
                    HIKIKOMORI_SECTION.title,
                    HIKIKOMORI_SECTION.title_easy,
                    [outing, *HIKIKOMORI_SECTION.questions],
                    MODULE_HIKIKOMORI,
                )
            )
        else:
            sections.append(HIKIKOMORI_SECTION)
    if MODULE_YOUNG_CARER in modules:
        sections.append(YOUNG_CARER_SECTION)
    return sections
