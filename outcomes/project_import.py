"""Reading a table of trial projects (the seeds' 試行事業一覧) from CSV or Excel, or refusing it whole.

The header row is found by its words (事業名称, 事業内容, 期待される効果, 実施時期, 発注先, 実施後の
反響, and optionally 金額 and 年度). Tokushima writes the payees and their amounts in one cell —
「丸井工文社 (70,000) 講師 (45,200)」, 「… (618,182) (追加発注：372,728)」 — which becomes one cost
line each; a separate 金額 column works too. A 年度 column may be in 和暦 (令和4年度, R4) or 西暦.
A totals row (計) must equal the sum of the amounts. Empty rows are skipped; anything unreadable
is refused with its cell named, so nothing is half imported.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from outcomes.importing import cell_name, find_header, header_columns, read_table
from outcomes.metrics import clean_number_text

COLUMNS = {
    "name": ("事業名称", "事業名"),
    "content": ("事業内容", "内容"),
    "effect": ("期待される効果", "期待する効果", "効果"),
    "period": ("実施時期", "時期", "実施期間"),
    "payee": ("発注先", "委託先", "支払先", "契約先"),
    "reactions": ("実施後の反響", "反響", "実績"),
    "amount": ("金額", "費用", "実費", "決算額"),
    "year": ("年度",),
}
TOTAL_NAMES = ("計", "合計", "総計")
PAIR = re.compile(r"([^()（）]*?)\s*[(（]([^()（）]+)[)）]")
MAX_ROWS = 300


@dataclass
class CostRow:
    payee: str
    amount: int
    note: str = ""


@dataclass
class ProjectRow:
    row: int
    name: str
    content: str
    expected_effect: str
    period: str
    contractor: str
    reactions: str
    fiscal_year: int
    costs: list[CostRow] = field(default_factory=list)


def _norm(value: object) -> str:
    return unicodedata.normalize("NFKC", "" if value is None else str(value)).strip()


def _header(cells: list[object]) -> dict[str, int] | None:
    # COLUMNS is ordered: 期待される効果 is matched before 効果 alone
    return header_columns(cells, COLUMNS, {"name", "payee"}, _norm)


def _yen(text: str, where: str) -> int:
    digits = clean_number_text(text)
    if not digits.isdigit():
        raise ValidationError(
            _("%(cell)s: 金額「%(value)s」が数値として読めません。") % {"cell": where, "value": text}
        )
    return int(digits)


def parse_year(value: object, where: str) -> int:
    """令和4年度 / R4 / 2022年度 / 2022 → 2022 (the year the fiscal year starts)."""
    text = _norm(value).replace(" ", "")
    era = re.match(r"^(令和|平成|R|H)(\d+|元)", text, re.IGNORECASE)
    if era:
        n = 1 if era.group(2) == "元" else int(era.group(2))
        return n + (2018 if era.group(1).upper() in ("令和", "R") else 1988)
    plain = re.match(r"^(\d{4})", text)
    if plain and 1990 <= int(plain.group(1)) <= 2100:
        return int(plain.group(1))
    raise ValidationError(
        _("%(cell)s: 年度「%(value)s」が読めません（例: 令和4年度、2022）。")
        % {"cell": where, "value": value}
    )


def parse_costs(text: str, where: str) -> list[CostRow]:
    """「丸井工文社 (70,000) 講師 (45,200)」 → two lines; 「(追加発注：372,728)」 is the payee before it."""
    lines: list[CostRow] = []
    for payee, inside in PAIR.findall(_norm(text)):
        payee = payee.strip(" 、,")
        note = ""
        if re.search(r"[:：]", inside):
            note, inside = re.split(r"[:：]", inside, maxsplit=1)
        if not payee:
            if not lines:
                raise ValidationError(
                    _("%(cell)s: 金額「%(value)s」の支払先がありません。") % {"cell": where, "value": inside}
                )
            payee = lines[-1].payee
        lines.append(CostRow(payee, _yen(inside, where), note.strip()))
    return lines


def parse_rows(table: list[list[object]], default_year: int | None) -> tuple[list[ProjectRow], int | None]:
    """The projects and the stated total (None if the sheet has no totals row)."""
    header_at, columns = find_header(table, _header, _("見出し行（事業名称・発注先）が見つかりません。"))
    projects: list[ProjectRow] = []
    stated_total: int | None = None
    seen: set[str] = set()
    width = max(columns.values()) + 1
    for number, raw in enumerate(table[header_at:], start=header_at + 1):
        if number - header_at > MAX_ROWS:
            raise ValidationError(_("行が多すぎます（%(max)s行まで）。") % {"max": MAX_ROWS})
        texts: list[str] = [_norm(c) for c in list(raw) + [None] * (width - len(raw))]
        if not any(texts):
            continue
        get = {key: texts[index] for key, index in columns.items()}
        if any(c in TOTAL_NAMES for c in texts) and not get["name"]:
            total_cell = next(
                (i for i, c in enumerate(texts) if PAIR.search(c) or clean_number_text(c).isdigit()), None
            )
            if total_cell is not None:
                where = cell_name(number, total_cell)
                inside = PAIR.search(texts[total_cell])
                stated_total = _yen(inside.group(2) if inside else texts[total_cell], where)
            continue
        where_name = cell_name(number, columns["name"])
        if not get["name"]:
            raise ValidationError(_("%(cell)s: 事業名称が空です。") % {"cell": where_name})
        if get["name"] in seen:
            raise ValidationError(
                _("%(cell)s: 事業「%(name)s」が二度あります。") % {"cell": where_name, "name": get["name"]}
            )
        seen.add(get["name"])
        where_payee = cell_name(number, columns["payee"])
        if "amount" in columns and get["amount"]:
            costs = [
                CostRow(
                    PAIR.sub("", get["payee"]).strip() or get["payee"],
                    _yen(get["amount"], cell_name(number, columns["amount"])),
                )
            ]
        else:
            costs = parse_costs(get["payee"], where_payee)
            if get["payee"] and get["payee"] not in ("-", "ー", "なし") and not costs:
                raise ValidationError(
                    _("%(cell)s: 発注先「%(value)s」に金額がありません（例: 丸井工文社 (70,000)）。")
                    % {"cell": where_payee, "value": get["payee"]}
                )
        year = (
            parse_year(get["year"], cell_name(number, columns["year"])) if get.get("year") else default_year
        )
        if year is None:
            raise ValidationError(
                _("%(cell)s: 年度がありません（年度の列を足すか、取り込み時に年度を指定してください）。")
                % {"cell": where_name}
            )
        contractor = "、".join(dict.fromkeys(c.payee for c in costs)) or get["payee"]
        projects.append(
            ProjectRow(
                number,
                get["name"],
                get.get("content", ""),
                get.get("effect", ""),
                get.get("period", ""),
                contractor[:200],
                "" if get.get("reactions", "") in ("-", "ー") else get.get("reactions", ""),
                year,
                costs,
            )
        )
    if not projects:
        raise ValidationError(_("事業の行がありません。"))
    if stated_total is not None:
        total = sum(c.amount for p in projects for c in p.costs)
        if total != stated_total:
            raise ValidationError(
                _("計の行の金額 %(stated)s 円が、各行の金額の和 %(sum)s 円と合いません。")
                % {"stated": f"{stated_total:,}", "sum": f"{total:,}"}
            )
    return projects, stated_total


def parse_file(
    content: bytes, filename: str, default_year: int | None
) -> tuple[list[ProjectRow], int | None]:
    return parse_rows(read_table(content, filename), default_year)
