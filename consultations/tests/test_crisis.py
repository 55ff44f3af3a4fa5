from __future__ import annotations

from django.test import SimpleTestCase

from consultations.crisis import crisis_words_in


class CrisisWordsTestCase(SimpleTestCase):
    def test_it_finds_crisis_words_in_any_width_kana_or_spacing(self) -> None:
        for text in (
            "もう死にたい",
            "しにたい…",
            "ｼﾆﾀｲ",
            "シ ニ タ イ",
            "消えたいです",
            "自殺を考えてる",
            "ﾘｽｶしちゃった",
        ):
            with self.subTest(text=text):
                self.assertTrue(crisis_words_in(text))

    def test_it_leaves_ordinary_messages_alone(self) -> None:
        for text in ("仕事が忙しくて眠れない", "家族と話せていません", "死角になる場所", "電気を消した"):
            with self.subTest(text=text):
                self.assertEqual(crisis_words_in(text), [])
