"""The table of bylaw cases: one meeting each, the rule set, and what the verdict must say.

Read by tests/test_rules.py (every case is a subTest) and printed as a table by
``python -m governance.tests.bylaw_cases``. ``expect`` holds dotted paths into the verdict
(``quorum.met``, ``items.A.passed``, ``deemed_resolution.required``, ``refused`` = the list of
articles of every refusal, in order).
"""

from __future__ import annotations

from typing import Any


def ms(n: int) -> list[str]:
    return [f"m{i}" for i in range(1, n + 1)]


A = {"code": "A", "notified": True}
B = {"code": "B", "notified": False}
P3 = "第13条第3項"  # proxies
E4 = "第13条第4項"  # e-mail votes
C2 = "第13条第2項、第11条第2項"  # chair
D1 = "第13条第1項"  # decision
W5 = "第13条第5項"  # deemed resolution
M = "第5条、第9条"  # membership


def case(
    ident: str, what: str, template: str, meeting: dict[str, Any], expect: dict[str, Any]
) -> dict[str, Any]:
    return {"id": ident, "what": what, "template": template, "meeting": meeting, "expect": expect}


CASES: list[dict[str, Any]] = [
    # --- Quorum (第12条): two thirds of the 12 幹事団体 is 8 ----------------------------------
    case(
        "q1",
        "12人中8人出席: 定足数ちょうど",
        "gifu",
        {"members": ms(12), "items": [A], "attendees": ms(8)},
        {"quorum.met": True, "quorum.present": 8, "quorum.required": 8, "quorum.missing": 0},
    ),
    case(
        "q2",
        "12人中7人出席: 1人足りない",
        "gifu",
        {"members": ms(12), "items": [A], "attendees": ms(7)},
        {"quorum.met": False, "quorum.present": 7, "quorum.missing": 1, "items.A.passed": False},
    ),
    case(
        "q3",
        "6人出席+2人委任: 委任者は出席に数える(第12条2)",
        "gifu",
        {
            "members": ms(12),
            "items": [A],
            "attendees": ms(6),
            "proxies": [
                {"from": "m7", "to": "m1", "items": ["A"]},
                {"from": "m8", "to": "m2", "items": ["A"]},
            ],
        },
        {"quorum.met": True, "quorum.present": 8, "quorum.by_proxy": 2},
    ),
    case(
        "q4",
        "6人出席+1人委任+1人メール表決: 出席8(第13条4)",
        "gifu",
        {
            "members": ms(12),
            "items": [A],
            "attendees": ms(6),
            "proxies": [{"from": "m7", "to": "m1", "items": ["A"]}],
            "email_votes": {"m8": {"A": "yes"}},
        },
        {"quorum.met": True, "quorum.present": 8, "quorum.by_email": 1},
    ),
    case(
        "q5",
        "7人出席+事前通知のない議案だけの委任: 委任は無効で不成立",
        "gifu",
        {
            "members": ms(12),
            "items": [A, B],
            "attendees": ms(7),
            "proxies": [{"from": "m8", "to": "m1", "items": ["B"]}],
        },
        {"quorum.met": False, "quorum.present": 7, "refused": [P3]},
    ),
    case(
        "q6",
        "7人中5人出席: 3分の2は4.67なので5人で成立",
        "gifu",
        {"members": ms(7), "items": [A], "attendees": ms(5)},
        {"quorum.met": True, "quorum.required": 5},
    ),
    case(
        "q7",
        "7人中4人出席: 不成立",
        "gifu",
        {"members": ms(7), "items": [A], "attendees": ms(4)},
        {"quorum.met": False, "quorum.required": 5},
    ),
    case(
        "q8",
        "9人中6人: ちょうど3分の2で成立",
        "gifu",
        {"members": ms(9), "items": [A], "attendees": ms(6)},
        {"quorum.met": True, "quorum.required": 6},
    ),
    case(
        "q9",
        "構成員でない者の出席は数えない",
        "gifu",
        {"members": ms(12), "items": [A], "attendees": [*ms(7), "x1"]},
        {"quorum.met": False, "quorum.present": 7, "refused": [M]},
    ),
    case(
        "q10",
        "標準: 10人の過半数は6",
        "majority",
        {"members": ms(10), "items": [A], "attendees": ms(5)},
        {"quorum.met": False, "quorum.required": 6},
    ),
    case(
        "q11",
        "標準: 11人の過半数は6",
        "majority",
        {"members": ms(11), "items": [A], "attendees": ms(6)},
        {"quorum.met": True, "quorum.required": 6},
    ),
    case(
        "q12",
        "協議の場: 定足数なし",
        "advisory",
        {"members": ms(15), "items": [A], "attendees": ms(2)},
        {"quorum.met": True, "quorum.required": 0},
    ),
    # --- Proxies (第13条3) --------------------------------------------------------------------
    case(
        "p1",
        "欠席者への委任は無効",
        "gifu",
        {
            "members": ms(12),
            "items": [A],
            "attendees": ms(7),
            "proxies": [{"from": "m9", "to": "m8", "items": ["A"]}],
        },
        {"quorum.present": 7, "refused": [P3]},
    ),
    case(
        "p2",
        "構成員でない者への委任は無効",
        "gifu",
        {
            "members": ms(12),
            "items": [A],
            "attendees": ms(7),
            "proxies": [{"from": "m9", "to": "x1", "items": ["A"]}],
        },
        {"quorum.present": 7, "refused": [P3]},
    ),
    case(
        "p3",
        "出席者からの委任は数えない",
        "gifu",
        {
            "members": ms(12),
            "items": [A],
            "attendees": ms(8),
            "proxies": [{"from": "m2", "to": "m1", "items": ["A"]}],
        },
        {"quorum.present": 8, "refused": [P3]},
    ),
    case(
        "p4",
        "同じ団体の二つ目の委任状は数えない",
        "gifu",
        {
            "members": ms(12),
            "items": [A],
            "attendees": ms(7),
            "proxies": [
                {"from": "m9", "to": "m1", "items": ["A"]},
                {"from": "m9", "to": "m2", "items": ["A"]},
            ],
        },
        {"quorum.present": 8, "refused": [P3]},
    ),
    case(
        "p5",
        "事前通知のない議案Bへの委任は拒否、議案Aは有効",
        "gifu",
        {
            "members": ms(12),
            "items": [A, B],
            "attendees": ms(8),
            "proxies": [{"from": "m9", "to": "m1", "items": ["A", "B"]}],
            "votes": {"A": {"yes": [*ms(7)[1:], "m9"]}, "B": {"yes": ["m2", "m3", "m4", "m5", "m6", "m9"]}},
        },
        {"items.A.voters": 9, "items.A.yes": 7, "items.B.voters": 8, "items.B.yes": 5, "refused": [P3, D1]},
    ),
    case(
        "p6",
        "委任先が代理で表決: 委任者の票を数える",
        "gifu",
        {
            "members": ms(12),
            "items": [A],
            "attendees": ms(7),
            "proxies": [{"from": "m8", "to": "m1", "items": ["A"]}],
            "votes": {"A": {"yes": ["m2", "m3", "m4", "m5", "m8"], "no": ["m6", "m7"]}},
            "chair": "m1",
        },
        {"items.A.voters": 7, "items.A.yes": 5, "items.A.required": 5, "items.A.passed": True},
    ),
    case(
        "p7",
        "協議の場: 委任は認めない",
        "advisory",
        {
            "members": ms(5),
            "items": [A],
            "attendees": ms(3),
            "proxies": [{"from": "m4", "to": "m1", "items": ["A"]}],
        },
        {"quorum.present": 3, "refused": ["設置要綱"]},
    ),
    case(
        "p8",
        "この会議にない議案への委任は拒否",
        "gifu",
        {
            "members": ms(12),
            "items": [A],
            "attendees": ms(8),
            "proxies": [{"from": "m9", "to": "m1", "items": ["Z"]}],
        },
        {"quorum.present": 8, "refused": [P3]},
    ),
    case(
        "p9",
        "メールで表決した議案への委任は数えない(二重の表決)",
        "gifu",
        {
            "members": ms(12),
            "items": [A],
            "attendees": ms(7),
            "proxies": [{"from": "m9", "to": "m1", "items": ["A"]}],
            "email_votes": {"m9": {"A": "no"}},
        },
        {"quorum.present": 8, "items.A.no": 1, "refused": [P3]},
    ),
    case(
        "p10",
        "議案を書かない委任状は事前通知した議案すべて",
        "gifu",
        {"members": ms(12), "items": [A, B], "attendees": ms(8), "proxies": [{"from": "m9", "to": "m1"}]},
        {"quorum.present": 9, "items.A.eligible": 9, "items.B.eligible": 8, "refused": []},
    ),
    # --- Decisions (第13条1): two thirds of the attending members who may vote ---------------
    case(
        "d1",
        "出席9(議長含む)→表決8人の3分の2は6: 賛成6で可決",
        "gifu",
        {
            "members": ms(12),
            "chair": "m1",
            "items": [A],
            "attendees": ms(9),
            "votes": {"A": {"yes": ms(7)[1:], "no": ["m8", "m9"]}},
        },
        {"items.A.voters": 8, "items.A.required": 6, "items.A.yes": 6, "items.A.passed": True},
    ),
    case(
        "d2",
        "表決8人で賛成5: 否決(あと1)",
        "gifu",
        {
            "members": ms(12),
            "chair": "m1",
            "items": [A],
            "attendees": ms(9),
            "votes": {"A": {"yes": ms(6)[1:], "no": ["m7", "m8", "m9"]}},
        },
        {"items.A.passed": False, "items.A.missing": 1},
    ),
    case(
        "d3",
        "表決7人の3分の2は5: 賛成5で可決",
        "gifu",
        {
            "members": ms(7),
            "items": [A],
            "attendees": ms(7),
            "votes": {"A": {"yes": ms(5), "no": ["m6", "m7"]}},
        },
        {"items.A.required": 5, "items.A.passed": True},
    ),
    case(
        "d4",
        "表決7人で賛成4: 否決",
        "gifu",
        {
            "members": ms(7),
            "items": [A],
            "attendees": ms(7),
            "votes": {"A": {"yes": ms(4), "no": ["m5", "m6", "m7"]}},
        },
        {"items.A.required": 5, "items.A.passed": False},
    ),
    case(
        "d5",
        "表決6人で賛成4: ちょうど3分の2で可決",
        "gifu",
        {
            "members": ms(6),
            "items": [A],
            "attendees": ms(6),
            "votes": {"A": {"yes": ms(4), "no": ["m5", "m6"]}},
        },
        {"items.A.required": 4, "items.A.passed": True},
    ),
    case(
        "d6",
        "棄権は賛成ではない: 表決8人で賛成5・棄権3は否決",
        "gifu",
        {
            "members": ms(12),
            "items": [A],
            "attendees": ms(8),
            "votes": {"A": {"yes": ms(5), "abstain": ["m6", "m7", "m8"]}},
        },
        {"items.A.voters": 8, "items.A.abstain": 3, "items.A.passed": False},
    ),
    case(
        "d7",
        "表決しなかった出席者も母数に入る",
        "gifu",
        {"members": ms(12), "items": [A], "attendees": ms(9), "votes": {"A": {"yes": ms(6)}}},
        {"items.A.voters": 9, "items.A.required": 6, "items.A.passed": True},
    ),
    case(
        "d8",
        "定足数不足なら全員賛成でも議決できない",
        "gifu",
        {"members": ms(12), "items": [A], "attendees": ms(7), "votes": {"A": {"yes": ms(7)}}},
        {"items.A.yes": 7, "items.A.passed": False},
    ),
    case(
        "d9",
        "出席していない者の会場表決は数えない",
        "gifu",
        {"members": ms(12), "items": [A], "attendees": ms(8), "votes": {"A": {"yes": [*ms(5), "m10"]}}},
        {"items.A.yes": 5, "refused": [D1]},
    ),
    case(
        "d10",
        "賛成と反対の両方に名前がある: どちらも数えない",
        "gifu",
        {"members": ms(12), "items": [A], "attendees": ms(8), "votes": {"A": {"yes": ms(6), "no": ["m6"]}}},
        {"items.A.yes": 5, "items.A.no": 0, "refused": [D1]},
    ),
    case(
        "d11",
        "構成員でない者の表決は数えない",
        "gifu",
        {"members": ms(12), "items": [A], "attendees": ms(8), "votes": {"A": {"yes": [*ms(5), "x1"]}}},
        {"items.A.yes": 5, "refused": [M]},
    ),
    case(
        "d12",
        "この会議にない議案の表決は数えない",
        "gifu",
        {"members": ms(12), "items": [A], "attendees": ms(8), "votes": {"Z": {"yes": ms(8)}}},
        {"refused": [D1]},
    ),
    case(
        "d13",
        "挙手の票数: 表決できる8人中6で可決",
        "gifu",
        {
            "members": ms(12),
            "items": [A],
            "attendees": ms(8),
            "votes": {"A": {"yes": 6, "no": 2, "abstain": 0}},
        },
        {"items.A.yes": 6, "items.A.passed": True},
    ),
    case(
        "d14",
        "挙手の票数が表決できる人数を超える: 数えない",
        "gifu",
        {
            "members": ms(12),
            "items": [A],
            "attendees": ms(8),
            "votes": {"A": {"yes": 9, "no": 0, "abstain": 0}},
        },
        {"items.A.yes": 0, "items.A.passed": False, "refused": [D1]},
    ),
    case(
        "d15",
        "標準: 投票数の過半数、棄権は母数外(賛3反2棄5で可決)",
        "majority",
        {
            "members": ms(10),
            "items": [A],
            "attendees": ms(10),
            "votes": {"A": {"yes": ms(3), "no": ["m4", "m5"], "abstain": ["m6", "m7", "m8", "m9", "m10"]}},
        },
        {"items.A.voters": 5, "items.A.required": 3, "items.A.passed": True},
    ),
    case(
        "d16",
        "標準: 賛否同数(3対3)は否決",
        "majority",
        {
            "members": ms(10),
            "items": [A],
            "attendees": ms(6),
            "votes": {"A": {"yes": ms(3), "no": ["m4", "m5", "m6"]}},
        },
        {"items.A.required": 4, "items.A.passed": False},
    ),
    # --- Chair (第13条2) ---------------------------------------------------------------------
    case(
        "c1",
        "議長の表決は数えない",
        "gifu",
        {"members": ms(12), "chair": "m1", "items": [A], "attendees": ms(8), "votes": {"A": {"yes": ms(6)}}},
        {
            "items.A.yes": 5,
            "items.A.voters": 7,
            "items.A.required": 5,
            "items.A.passed": True,
            "refused": [C2],
        },
    ),
    case(
        "c2",
        "構成員でない議長(事務局): 全員が表決に加わる",
        "gifu",
        {"members": ms(12), "chair": "sec", "items": [A], "attendees": ms(8), "votes": {"A": {"yes": ms(6)}}},
        {"items.A.voters": 8, "items.A.passed": True},
    ),
    case(
        "c3",
        "標準: 可否同数のとき議長が決する(賛成)",
        "majority",
        {
            "members": ms(10),
            "chair": "m1",
            "items": [A],
            "attendees": ms(7),
            "votes": {"A": {"yes": ["m1", "m2", "m3", "m4"], "no": ["m5", "m6", "m7"]}},
        },
        {"items.A.yes": 3, "items.A.no": 3, "items.A.passed": True, "items.A.casting_vote": "yes"},
    ),
    case(
        "c4",
        "標準: 可否同数でなければ議長の表決は数えない",
        "majority",
        {
            "members": ms(10),
            "chair": "m1",
            "items": [A],
            "attendees": ms(8),
            "votes": {"A": {"yes": ["m1", "m2", "m3", "m4", "m5"], "no": ["m6", "m7", "m8"]}},
        },
        {"items.A.yes": 4, "items.A.passed": True, "refused": ["議長"]},
    ),
    case(
        "c5",
        "協議の場: 議長も表決する",
        "advisory",
        {
            "members": ms(5),
            "chair": "m1",
            "items": [A],
            "attendees": ms(4),
            "votes": {"A": {"yes": ["m1", "m2", "m3"]}},
        },
        {"items.A.yes": 3, "items.A.voters": 4, "items.A.passed": True},
    ),
    # --- E-mail votes (第13条4) --------------------------------------------------------------
    case(
        "e1",
        "メール表決者は出席に数え、その議案の母数に入る",
        "gifu",
        {
            "members": ms(12),
            "items": [A, B],
            "attendees": ms(7),
            "email_votes": {"m8": {"A": "yes"}},
            "votes": {"A": {"yes": ms(5)}, "B": {"yes": ms(5)}},
        },
        {
            "quorum.present": 8,
            "items.A.voters": 8,
            "items.A.yes": 6,
            "items.A.passed": True,
            "items.B.voters": 7,
            "items.B.passed": True,
        },
    ),
    case(
        "e2",
        "出席者のメール表決は数えない(二重の表決)",
        "gifu",
        {
            "members": ms(12),
            "items": [A],
            "attendees": ms(8),
            "email_votes": {"m1": {"A": "no"}},
            "votes": {"A": {"yes": ms(6)}},
        },
        {"items.A.no": 0, "items.A.yes": 6, "refused": [E4]},
    ),
    case(
        "e3",
        "メール表決者が会場でも表決: 会場の表決は数えない",
        "gifu",
        {
            "members": ms(12),
            "items": [A],
            "attendees": ms(7),
            "email_votes": {"m8": {"A": "no"}},
            "proxies": [{"from": "m8", "to": "m1", "items": ["A"]}],
            "votes": {"A": {"yes": ["m8", *ms(6)]}},
        },
        {"items.A.yes": 6, "items.A.no": 1, "refused": [P3, D1]},
    ),
    case(
        "e4",
        "メール表決: 会議にない議案と賛否でない値は数えない",
        "gifu",
        {
            "members": ms(12),
            "items": [A],
            "attendees": ms(7),
            "email_votes": {"m8": {"Z": "yes", "A": "maybe"}},
        },
        {"quorum.present": 7, "refused": [E4, E4]},
    ),
    case(
        "e5",
        "標準: メール表決は認めない",
        "majority",
        {"members": ms(10), "items": [A], "attendees": ms(6), "email_votes": {"m8": {"A": "yes"}}},
        {"quorum.present": 6, "refused": ["規約"]},
    ),
    case(
        "e6",
        "構成員でない者のメール表決は数えない",
        "gifu",
        {"members": ms(12), "items": [A], "attendees": ms(8), "email_votes": {"x9": {"A": "yes"}}},
        {"quorum.present": 8, "items.A.yes": 0, "refused": [M]},
    ),
    # --- Deemed resolution (第13条5): two thirds of all 幹事団体 ------------------------------
    case(
        "w1",
        "12団体中8団体が書面で賛成: みなし決議成立",
        "gifu",
        {"members": ms(12), "written_resolution": {"approve": ms(8), "reject": ["m9"]}},
        {"deemed_resolution.resolved": True, "deemed_resolution.required": 8, "deemed_resolution.approve": 8},
    ),
    case(
        "w2",
        "12団体中7団体: 不成立(あと1)",
        "gifu",
        {"members": ms(12), "written_resolution": {"approve": ms(7), "reject": []}},
        {"deemed_resolution.resolved": False, "deemed_resolution.missing": 1},
    ),
    case(
        "w3",
        "7団体中5団体: 成立(3分の2は4.67)",
        "gifu",
        {"members": ms(7), "written_resolution": {"approve": ms(5)}},
        {"deemed_resolution.resolved": True, "deemed_resolution.required": 5},
    ),
    case(
        "w4",
        "7団体中4団体: 不成立",
        "gifu",
        {"members": ms(7), "written_resolution": {"approve": ms(4)}},
        {"deemed_resolution.resolved": False},
    ),
    case(
        "w5",
        "構成員でない者・二重の賛成・賛否両方は数えない",
        "gifu",
        {"members": ms(12), "written_resolution": {"approve": [*ms(7), "x1", "m1", "m9"], "reject": ["m9"]}},
        {"deemed_resolution.approve": 7, "deemed_resolution.resolved": False, "refused": [W5, W5, W5]},
    ),
    case(
        "w6",
        "標準: みなし決議は認めない",
        "majority",
        {"members": ms(10), "written_resolution": {"approve": ms(10)}},
        {"deemed_resolution": None, "refused": ["規約"]},
    ),
    case(
        "w7",
        "出席者の数に関係なく全幹事団体が母数",
        "gifu",
        {"members": ms(12), "items": [A], "attendees": ms(12), "written_resolution": {"approve": ms(8)}},
        {"deemed_resolution.required": 8, "deemed_resolution.resolved": True},
    ),
]


def lookup(verdict: dict[str, Any], path: str) -> Any:
    if path == "refused":
        return [row["article"] for row in verdict["refused"]]
    value: Any = verdict
    for part in path.split("."):
        value = value[part]
    return value


def table() -> str:
    rows = ["| id | template | case | expected |", "| --- | --- | --- | --- |"]
    for c in CASES:
        expect = "; ".join(f"{k}={v}" for k, v in c["expect"].items())
        rows.append(f"| {c['id']} | {c['template']} | {c['what']} | {expect} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(table())
