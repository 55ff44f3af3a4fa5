"""Keyword grouping of free-text answers (SudachiPy, normalised forms)."""

from __future__ import annotations

from django.test import SimpleTestCase

from surveys.keywords import group_answers, keywords_of


class KeywordsTestCase(SimpleTestCase):
    def test_it_normalises_spelling_variants(self) -> None:
        self.assertIn("寂しい", keywords_of("近所に話せる人がいなくて淋しい"))
        self.assertIn("寂しい", keywords_of("毎日さびしいです"))

    def test_it_leaves_out_function_words(self) -> None:
        words = keywords_of("居場所があれば行きたいです。")
        self.assertIn("居場所", words)
        self.assertNotIn("です", words)
        self.assertNotIn("ある", words)

    def test_it_groups_answers_by_their_shared_keywords(self) -> None:
        groups, rest = group_answers(
            [
                "相談できる窓口を知りたい",
                "窓口の相談時間を長くしてほしい",
                "近所に話せる人がいなくて寂しい",
                "淋しいので誰かと話したい",
                "特になし",
                "",
            ]
        )
        by_word = {g.keyword: g.answers for g in groups}
        self.assertEqual(len(by_word["相談"]), 2)
        self.assertEqual(len(by_word["寂しい"]), 2)
        self.assertIn("特になし", rest)
        self.assertNotIn("", rest)
