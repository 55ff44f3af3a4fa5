"""The analysis step alone: what a query and a service text are reduced to."""

from django.test import SimpleTestCase

from directory.search import synonyms
from directory.search.analysis import analyse, analyse_query, normalise, similarity, trigrams


class AnalysisTestCase(SimpleTestCase):
    def test_it_folds_half_width_and_full_width_forms(self) -> None:
        self.assertEqual(normalise("ｿｳﾀﾞﾝ ＬＩＮＥ　１２３"), "ソウダン line 123")

    def test_it_reduces_spelling_variants_and_old_kanji_to_one_form(self) -> None:
        self.assertIn("引き籠もり", analyse("ひきこもり").words)
        self.assertIn("引き籠もり", analyse("引きこもり").words)
        self.assertIn("国民", analyse("國民健康保險").words)
        self.assertIn("保険", analyse("國民健康保險").words)
        self.assertIn("孤独", analyse("こどく").words)

    def test_it_reads_a_katakana_query_as_hiragana_too(self) -> None:
        self.assertIn("相談", analyse_query("ｿｳﾀﾞﾝ").words)
        self.assertNotIn("相談", analyse("ソウダン").words)

    def test_it_reads_kanji_in_katakana_and_romaji(self) -> None:
        analysis = analyse("相談窓口")
        self.assertIn("ソウダン", analysis.readings)
        self.assertIn("ソウダンマドグチ", analysis.readings)
        self.assertIn("soudan", analysis.romaji)

    def test_it_drops_particles_but_keeps_them_for_crisis_phrases(self) -> None:
        analysis = analyse("消えたい")
        self.assertNotIn("たい", analysis.words)
        self.assertTrue(analysis.crisis)

    def test_it_recognises_crisis_queries(self) -> None:
        for text in ("死にたい", "消えたい", "自殺", "生きるのがつらい", "もう楽になりたい", "ｼﾆﾀｲ"):
            with self.subTest(text=text):
                self.assertTrue(analyse_query(text).crisis, text)
        for text in ("相談", "お金がない", "死亡届", "子どもの居場所"):
            with self.subTest(text=text):
                self.assertFalse(analyse_query(text).crisis, text)

    def test_it_tags_both_words_of_a_synonym_group(self) -> None:
        self.assertIn("sxbullying", analyse("いじめ").synonyms)
        self.assertIn("sxbullying", analyse("嫌がらせを受けている").synonyms)
        self.assertIn("sxmoney", analyse("お金").synonyms)
        self.assertIn("sxmoney", analyse("生活費").synonyms)
        # SudachiDict's own group ids: 子育て and 育児 share one.
        shared = set(analyse("子育て").synonyms) & set(analyse("育児").synonyms)
        self.assertTrue(any(tag.startswith("sg") for tag in shared))

    def test_every_listed_synonym_is_a_normalised_form(self) -> None:
        # A word listed in another spelling than Sudachi's normalised form would never match.
        for tag, words in synonyms.GROUPS.items():
            for word in words:
                with self.subTest(tag=tag, word=word):
                    self.assertIn(f"sx{tag}", analyse(word).synonyms)

    def test_it_scores_a_typo_as_similar(self) -> None:
        kodoku = set(trigrams(("kodoku",)))
        self.assertGreater(similarity(analyse_query("こどこ"), kodoku), 0.6)
        self.assertLess(similarity(analyse_query("しごと"), kodoku), 0.2)
