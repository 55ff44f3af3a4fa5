"""The small, hand-kept lists that Sudachi's dictionary does not provide.

SudachiDict's synonym *groups* ship with sudachidict-core as ids on each morpheme (子育て and
育児 share one, 高齢者 and お年寄り another); analysis.py indexes those ids directly. The
synonym *file* that names the groups is not part of the package, and some pairs a resident
in distress uses are not synonyms in a general dictionary at all (いじめ ~ 嫌がらせ, お金 ~
生活費). Those pairs are listed here, by Sudachi normalised form (the form `normalized_form()`
returns: 苛め for いじめ/イジメ, 子供 for こども/子ども). Every word of a group gets the group's
tag token in the index and in the query, so any word finds the others (analysis.py applies
them: this module is data only).

Keep the groups small and literal: a group is a promise that searching for one word is a
good answer to searching for any other. Add a test in tests/test_search_matching.py when
adding a group.
"""

from __future__ import annotations

# tag -> normalised forms. Tags are ASCII so that every search backend keeps them as one token.
GROUPS: dict[str, tuple[str, ...]] = {
    "bullying": ("苛め", "嫌がらせ", "ハラスメント", "パワハラ", "セクハラ", "モラハラ"),
    "money": ("お金", "生活費", "生活困窮", "困窮", "家計", "借金", "債務", "滞納", "金銭"),
    "loneliness": ("孤独", "孤立", "寂しい", "ひとりぼっち", "独りぼっち"),
    "withdrawal": ("引き籠もり", "引き籠もる", "不登校"),
    "suicide": ("自殺", "自死", "希死念慮", "自傷", "リストカット"),
    "violence": ("DV", "暴力", "虐待"),
    "childcare": ("子育て", "育児"),
    "work": ("仕事", "就労", "就職", "失業", "求職"),
    "housing": ("住まい", "住居", "住宅", "家賃"),
    "disability": ("障害", "障害者"),
    "elderly": ("高齢者", "年寄り", "介護"),
    "mind": ("心", "こころ", "メンタル", "精神", "悩み"),
    "meal": ("食事", "食料", "食べ物", "フードバンク", "子供食堂"),
}

# Queries that suggest a risk to life: the navigator puts crisis lines first whatever else
# matches. Each entry is a sequence of normalised forms that must occur in this order in the
# query (other words may stand between them).
CRISIS_PATTERNS: tuple[tuple[str, ...], ...] = (
    ("自殺",),
    ("自死",),
    ("希死念慮",),
    ("自傷",),
    ("リストカット",),
    ("死ぬ",),
    ("消える", "たい"),
    ("生きる", "辛い"),
    ("生きる", "たい", "無い"),
    ("生きる", "意味", "無い"),
    ("楽", "成る", "たい"),
    ("首吊り",),
    ("飛び降りる",),
    ("オーバードーズ",),
)
