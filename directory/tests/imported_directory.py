"""An imported directory (HSDS CSV, as a city exports it) that assigns none of the eight categories."""

from __future__ import annotations

import csv
import uuid
from pathlib import Path

from directory.models import SupportListCategory, SupportListSettings
from directory.queries import default_terms

SERVICES = [
    (
        "こころの相談ダイヤル",
        "気持ちがつらいとき、保健師が電話でお話を聞きます。",
        "ひだまり保健センター",
        "0235-25-1111",
    ),
    (
        "ひきこもり家族会",
        "ひきこもりの方のご家族が集まり、情報を交換します。",
        "NPO法人つむぎ",
        "0235-25-2222",
    ),
    (
        "生活と仕事の相談",
        "家計や仕事探しの困りごとを一緒に考えます。",
        "くらしサポートセンター",
        "0235-25-3333",
    ),
    (
        "高齢者の見守り訪問",
        "一人暮らしの高齢者を定期的に訪問します。",
        "地域包括支援センター北",
        "0235-25-4444",
    ),
    (
        "子育てひろば",
        "親子で遊べる場所です。子育ての相談もできます。",
        "子育て支援センターなかよし",
        "0235-25-5555",
    ),
    ("居場所カフェ ほっと", "誰でも立ち寄れるカフェです。", "社会福祉法人 ささえ", "0235-25-6666"),
]


def write_directory(folder: Path) -> list[str]:
    """organizations.csv, services.csv and phones.csv of SERVICES; returns the service names."""
    ns = uuid.UUID("6f1d2c1e-8a43-4d0a-9d3a-1c2b3a4d5e6f")
    orgs, services, phones = [], [], []
    for name, description, org, number in SERVICES:
        org_id = str(uuid.uuid5(ns, org))
        service_id = str(uuid.uuid5(ns, name))
        orgs.append({"id": org_id, "name": org, "description": ""})
        services.append(
            {
                "id": service_id,
                "organization_id": org_id,
                "name": name,
                "description": description,
                "status": "active",
            }
        )
        phones.append(
            {"id": str(uuid.uuid5(ns, number)), "service_id": service_id, "number": number, "type": "voice"}
        )
    for file, rows in (("organizations.csv", orgs), ("services.csv", services), ("phones.csv", phones)):
        with (folder / file).open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return [name for name, *_rest in SERVICES]


def eight_categories(settings: SupportListSettings) -> None:
    """Stored settings print the eight categories, as the settings page saves them by default."""
    SupportListCategory.objects.bulk_create(
        SupportListCategory(platform=settings.platform, settings=settings, term=term, position=i)
        for i, term in enumerate(default_terms(), start=1)
    )
