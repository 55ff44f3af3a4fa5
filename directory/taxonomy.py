"""The shared tsunagari taxonomy (``platform=None`` rows), seeded by migration 0002.

Two HSDS taxonomies with stable ids (uuid5 of their URI) so that every platform, every
export and the cross-platform ``/hsds/`` API use the same ids:

- サポートリストの分類: Ise's 8 categories of the 伊勢つながりサポートリスト (seed 003).
- 相談テーマ: the consultation topics of the seed reports (Yamagata's LINE consultation
  topics, seed 000, and the other platforms' survey items).
"""

from __future__ import annotations

import uuid

BASE_URI = "https://tsunagari.example.jp/hsds/taxonomy/"

CATEGORIES_URI = BASE_URI + "categories"
TOPICS_URI = BASE_URI + "topics"
CATEGORIES_ID = uuid.uuid5(uuid.NAMESPACE_URL, CATEGORIES_URI)
TOPICS_ID = uuid.uuid5(uuid.NAMESPACE_URL, TOPICS_URI)

CATEGORIES_NAME = "サポートリストの分類"
TOPICS_NAME = "相談テーマ"

# (code, name, description)
CATEGORIES: list[tuple[str, str, str]] = [
    ("cat-money", "お金・住まい", "経済的な困りごと、生活保護、多重債務、住まい"),
    ("cat-work", "仕事", "仕事探し、働きづらさ、就労支援"),
    ("cat-children", "子ども・子育て", "妊娠・出産、子育て、ひとり親、児童虐待"),
    ("cat-school", "学校・教育", "不登校、いじめ、学び直し"),
    ("cat-health", "健康", "こころとからだの健康、依存症、自殺予防"),
    ("cat-elderly", "高齢介護", "高齢者の暮らし、介護、認知症"),
    ("cat-disability", "障がい", "障がいのある人と家族の相談、就労、暮らし"),
    ("cat-relations", "人間関係・その他", "家族・友人・地域の人間関係、孤独・孤立、法律、その他"),
]

TOPICS: list[tuple[str, str, str]] = [
    ("topic-family", "家族関係", ""),
    ("topic-work", "仕事・就労", ""),
    ("topic-illness", "病気・障害", ""),
    ("topic-isolation", "孤独・孤立", ""),
    ("topic-hobby", "生きがい・趣味", ""),
    ("topic-parenting", "子育て・教育", ""),
    ("topic-public-services", "行政サービス", ""),
    ("topic-friends", "友人", ""),
    ("topic-romance", "恋愛", ""),
    ("topic-care", "介護", ""),
    ("topic-suicidal", "希死念慮・自傷", ""),
    ("topic-poverty", "生活困窮", ""),
    ("topic-law", "法律", ""),
    ("topic-divorce", "離婚", ""),
]


def term_id(code: str) -> uuid.UUID:
    """The stable HSDS id of a shared term."""
    return uuid.uuid5(uuid.NAMESPACE_URL, BASE_URI + "terms/" + code)


def seed(taxonomy_model, term_model) -> None:
    """Create or update the shared rows (used by the data migration; idempotent)."""
    for tax_id, uri, name, description, terms in [
        (CATEGORIES_ID, CATEGORIES_URI, CATEGORIES_NAME, "伊勢つながりサポートリストの8分類", CATEGORIES),
        (TOPICS_ID, TOPICS_URI, TOPICS_NAME, "相談の内容（複数選択）", TOPICS),
    ]:
        taxonomy_model.objects.update_or_create(
            platform=None,
            uuid=tax_id,
            defaults={"name": name, "description": description, "uri": uri, "version": "1"},
        )
        for order, (code, term_name, term_description) in enumerate(terms, start=1):
            term_model.objects.update_or_create(
                platform=None,
                uuid=term_id(code),
                defaults={
                    "code": code,
                    "name": term_name,
                    "description": term_description or term_name,
                    "taxonomy": name,
                    "taxonomy_ref": tax_id,
                    "language": "ja",
                    "term_uri": BASE_URI + "terms/" + code,
                    "order": order,
                },
            )
