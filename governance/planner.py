"""Launch plan templates: the seeds' paths to a platform (seed 001, table 1-2-2 and the chapters).

Each step is (what, who usually owns it, months after the start). Ichihara: 庁内連絡会議 of the
department deputy heads → outline → trial projects → second meeting → publicity → launch at an
existing council; Kamakura: awareness among support bodies → workshop → recruitment of the
準備会 → first 準備会 → publicity → continued 準備会 toward the platform's first plenary;
Gifu: outline → 意見交換会 → 設立準備会 → recruitment with 規約 → kick-off; Tokushima:
設立準備会 → 開所式.
"""

from __future__ import annotations

from typing import Any

TEMPLATES: dict[str, dict[str, Any]] = {
    "ichihara": {
        "label": "市原市型（庁内連携会議から）",
        "steps": [
            ("第1回庁内連絡会議（全所管課次長）: 庁内連携の必要性を確認", "地域福祉課", 0),
            ("連携プラットフォーム素案・パートナー候補の検討", "地域福祉課", 1),
            ("官民連携モデル事業（試行）の実施と素案への反映", "地域福祉課・モデル事業受託団体", 3),
            ("第2回庁内連絡会議: 方向性の確定", "地域福祉課", 5),
            ("周知（市長施政方針・記者発表）", "広報広聴課", 6),
            ("連携プラットフォーム設立（既存協議会の開催をもって）", "地域福祉課", 7),
        ],
    },
    "kamakura": {
        "label": "鎌倉市型（準備会から）",
        "steps": [
            ("支援関係機関へのヒアリング・意識醸成", "地域共生課", 0),
            ("市民団体・事業者向けワークショップ", "地域共生課・市民活動センター", 1),
            ("準備会参加団体の募集・声掛け", "地域共生課", 2),
            ("第1回準備会（機能と参加団体の検討）", "地域共生課", 3),
            ("準備会の公表（記者への投げ込み）", "広報", 3),
            ("準備会の継続開催と参加呼び掛け", "準備会参加団体", 8),
            ("第1回連携プラットフォーム本会", "地域共生課", 12),
        ],
    },
    "gifu": {
        "label": "岐阜県型（規約と幹事団体から）",
        "steps": [
            ("連携プラットフォーム素案の検討", "地域福祉課", 0),
            ("関係団体との意見交換会", "地域福祉課", 1),
            ("設立準備会（幹事団体の大枠に合意）", "地域福祉課", 2),
            ("規約・入会規則の作成と一般団体の募集", "事務局", 3),
            ("キックオフ会合で設立", "事務局", 4),
            ("周知（会合・マスコミ）", "事務局", 5),
        ],
    },
    "tokushima": {
        "label": "徳島県型（設立準備会と開所式）",
        "steps": [
            ("設立準備会", "県", 0),
            ("参加団体の募集", "県", 1),
            ("開所式で設立", "県", 3),
        ],
    },
}
