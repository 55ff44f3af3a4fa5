"""Demo data: Ichihara's department touch-point matrix (seed 001, 4-5-13 ii).

The departments and their 関連事項の例 are the fifteen rows of 市原市共生社会推進課's table
「社会的なつながり」と各部局の関係, with three OCR slips of the seed text put right
(「トト水道部」→上下水道部, 「教育課部」→学校教育部, 「〈省轄〉」→（所管）). The signals
are the ones that table names (納税状況・債権管理 and 料金滞納 → 税・水道料金の滞納,
救急通報を何度もかけてくる → 繰り返す救急要請, ゴミ出しトラブル, 多言語相談・外国人,
虐待対策, 就学援助・給食費, 不登校・ひきこもり, デジタルディバイド, 地域防災, 移動の
確保, 地域連携・コミュニティ). Each touch point hands over to a demo service of the
matching サポートリスト category. Idempotent; call inside the platform scope.
"""

from __future__ import annotations

from collections import Counter

from directory.models import Service
from gaps.models import Department, IsolationSignal, TouchPoint
from platforms.models import Platform

DEPARTMENTS = [
    ("企画部", "SDGs、女性活躍推進、シェアードプロモーション、広報"),
    ("総務部", "デジタルディバイド、DX、地域防災"),
    ("財政部", "納税状況、債権管理"),
    ("地方創生部", "共創、地域おこし協力隊、スポーツ、シビックプライド、移動の確保、外国人"),
    ("市民生活部", "地域連携、コミュニティ"),
    ("保健福祉部", "（所管）"),
    ("子ども未来部", "子育て支援、虐待対策"),
    ("環境部", "環境活動、ゴミ出しトラブル、多言語相談、英・韓・中国語"),
    ("経済部", "オープンイノベーション、ICT人材育成、企業連携"),
    ("土木部", "道路整備、河川整備"),
    ("都市部", "まちづくり協議会、公園愛護"),
    ("上下水道部", "料金滞納、見守り"),
    ("消防局", "消防団、救急通報を何度もかけてくる"),
    ("教育総務部", "就学援助、給食費"),
    ("学校教育部", "不登校、ひきこもり、SSW"),
]

SIGNALS = [
    ("税・水道料金の滞納", "納税相談や督促、給水停止の前の訪問で分かる生活の行き詰まり"),
    ("繰り返す救急要請", "救急通報を何度もかけてくる（不安や孤立の表れのことがある）"),
    ("ごみ出しのトラブル", "ごみ出しのルールが守れない、ごみがたまっている"),
    ("言葉の壁（外国人住民）", "多言語相談に来る外国人住民の孤立"),
    ("子育ての孤立・虐待の心配", "子育て支援・虐待対策の中で見える親の孤立"),
    ("就学援助・給食費の未納", "就学援助の申請や給食費の未納に表れる家計の苦しさ"),
    ("不登校・ひきこもり", "学校に行けない子ども、家から出られない若者"),
    ("デジタル機器・手続きの困りごと", "スマートフォンや電子申請が使えず、手続きや連絡から取り残される"),
    ("災害時の避難に支援が必要", "地域防災の中で分かる要配慮者"),
    ("移動手段がない", "移動の確保の相談から分かる外出の難しさ"),
    ("地域とのつながりがない", "町会・まちづくり協議会・公園愛護の活動から見える孤立"),
]

# (department, signal, where they meet, category of the service to hand over to, how)
TOUCH_POINTS = [
    (
        "財政部",
        "税・水道料金の滞納",
        "納税相談・督促・滞納整理",
        "cat-money",
        "本人の同意を得て、生活困窮の相談窓口へ電話でつなぐ",
    ),
    (
        "上下水道部",
        "税・水道料金の滞納",
        "料金滞納の督促・給水停止前の訪問（見守り）",
        "cat-money",
        "訪問時に相談窓口のチラシを渡し、同意があれば担当者から連絡する",
    ),
    (
        "消防局",
        "繰り返す救急要請",
        "救急通報を何度もかけてくる人への対応",
        "cat-health",
        "搬送の必要がない通報が続くときは、保健福祉部に情報を共有する",
    ),
    (
        "環境部",
        "ごみ出しのトラブル",
        "ごみ出しの苦情・指導",
        "cat-elderly",
        "高齢者のひとり暮らしなら地域包括支援センターへつなぐ",
    ),
    (
        "環境部",
        "言葉の壁（外国人住民）",
        "多言語相談（英・韓・中国語）",
        "cat-relations",
        "通訳を介して相談内容を聞き取り、担当窓口へ同行する",
    ),
    (
        "地方創生部",
        "言葉の壁（外国人住民）",
        "外国人住民の支援",
        "cat-relations",
        "国際交流の担当と共に相談窓口へつなぐ",
    ),
    (
        "子ども未来部",
        "子育ての孤立・虐待の心配",
        "子育て支援・虐待対策",
        "cat-children",
        "子育て世代の相談窓口・居場所を案内する",
    ),
    (
        "教育総務部",
        "就学援助・給食費の未納",
        "就学援助の申請・給食費の督促",
        "cat-money",
        "家計全体の相談として生活困窮の相談窓口へつなぐ",
    ),
    (
        "学校教育部",
        "不登校・ひきこもり",
        "不登校の相談・スクールソーシャルワーカー（SSW）",
        "cat-school",
        "SSW が家族の同意を得て支援機関へつなぐ",
    ),
    (
        "総務部",
        "デジタル機器・手続きの困りごと",
        "デジタルディバイド対策・電子申請の窓口",
        "cat-relations",
        "スマホ教室や地域の居場所を案内する",
    ),
    (
        "総務部",
        "災害時の避難に支援が必要",
        "地域防災・避難行動要支援者の名簿",
        "cat-disability",
        "名簿の更新時に、ひとり暮らしの人を相談窓口につなぐ",
    ),
    (
        "地方創生部",
        "移動手段がない",
        "移動の確保（デマンド交通など）",
        "cat-elderly",
        "外出支援とあわせて地域の居場所を案内する",
    ),
    (
        "市民生活部",
        "地域とのつながりがない",
        "地域連携・コミュニティ（町会）",
        "cat-relations",
        "町会・民生委員と共有し、居場所や相談窓口を案内する",
    ),
    (
        "都市部",
        "地域とのつながりがない",
        "まちづくり協議会・公園愛護の活動",
        "cat-relations",
        "活動に参加できる場として案内する",
    ),
]


def _service_for(category: str) -> Service | None:
    return (
        Service.objects.public()
        .in_category(category)
        .filter(is_national=False)
        .order_by("name_kana", "id")
        .first()
        or Service.objects.public().in_category(category).order_by("name_kana", "id").first()
    )


def load(platform: Platform, slug: str, created: Counter) -> None:
    if slug != "ichihara":
        return
    departments = {}
    for position, (name, duties) in enumerate(DEPARTMENTS, start=1):
        departments[name], new = Department.objects.get_or_create(
            platform=platform, name=name, defaults={"duties": duties, "position": position}
        )
        created["departments"] += int(new)
    signals = {}
    for position, (name, description) in enumerate(SIGNALS, start=1):
        signals[name], new = IsolationSignal.objects.get_or_create(
            platform=platform, name=name, defaults={"description": description, "position": position}
        )
        created["isolation_signals"] += int(new)
    for department, signal, situation, category, handover in TOUCH_POINTS:
        point, new = TouchPoint.objects.get_or_create(
            platform=platform,
            department=departments[department],
            signal=signals[signal],
            defaults={"situation": situation, "handover": handover},
        )
        if new:
            service = _service_for(category)
            if service is not None:
                point.services.add(service)
            created["touch_points"] += 1
