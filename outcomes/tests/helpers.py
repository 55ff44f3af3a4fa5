"""Ise's SNS広告レポート (seed 003) as the agency's sheet: two header rows, a totals row."""

from __future__ import annotations

import io

from openpyxl import Workbook

ISE_ROWS = [
    ["Google (リスティング)", "23,032", "1,063", "4.64%", "¥94", "100,301"],
    ["Yahoo (リスティング)", "133,699", "1,719", "1.30%", "¥59", "100,749"],
    ["Google (ディスプレイ)", "693,024", "3,743", "0.62%", "¥39", "100,189"],
    ["Yahoo (ディスプレイ)", "2,070,907", "5,373", "0.26%", "¥19", "100,697"],
    ["LINE (AdsPlatform)", "960,602", "6,726", "3.79%", "¥16", "101,621"],
    ["Youtubeインストリーム広告", "63,478", "310", "1.28%", "¥292", "100,588"],
    ["twiier (プロツイート)", "210,365", "492", "0.24%", "¥214", "101,782"],
    ["Facebook", "132,054", "1,431", "1.07%", "¥78", "100,000"],
]
ISE_TOTAL = ["合計", "4,287,161", "20,857", "0.53%", "¥63", "805,927"]
HEADER = ["広告媒体", "表示回数", "クリック", "クリック率", "平均クリック単価", "費用"]
HEADER_EN = ["", "Impressions", "Click", "CTR", "CPC", "Cost"]


def ise_csv(rows: list[list[str]] | None = None) -> bytes:
    lines = [HEADER, HEADER_EN, *(rows if rows is not None else ISE_ROWS), ISE_TOTAL]
    return "\n".join(",".join(f'"{c}"' for c in line) for line in lines).encode("utf-8-sig")


def ise_xlsx() -> bytes:
    """As an agency's Excel: a merged title, numbers as numbers, CTR as fractions, an empty row."""
    book = Workbook()
    sheet = book.active
    sheet.append(["孤独・孤立対策官民連携プラットフォーム事業 SNS広告レポート"])
    sheet.merge_cells("A1:F1")
    sheet.append(HEADER)
    sheet.append(HEADER_EN)
    for index, row in enumerate(ISE_ROWS):
        if index == 4:
            sheet.append([])
        name, imp, clk, ctr, cpc, cost = row
        sheet.append(
            [
                name,
                int(imp.replace(",", "")),
                int(clk.replace(",", "")),
                float(ctr[:-1]) / 100,
                cpc,
                int(cost.replace(",", "")),
            ]
        )
    sheet.append(["合計", 4287161, 20857, 0.0053, "¥63", 805927])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
