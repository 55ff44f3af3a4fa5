from __future__ import annotations

from django.test import SimpleTestCase
from django_scopes import scope

from consultations.crisis import NATIONAL_CRISIS_LINES, crisis_lines, crisis_words_in
from directory.services.national import do_import_national
from tsunagari.lib.testing import BaseTestCase


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


class CrisisLinesFromTheDirectoryTestCase(BaseTestCase):
    def test_it_answers_with_the_platforms_24_hour_lines_from_the_directory(self) -> None:
        with scope(platform=self.platform):
            do_import_national(self.platform, keys=["kodomo-sos-dial", "yorisoi-hotline", "inochi-no-denwa"])
            lines = crisis_lines(self.platform)
        # いのちの電話 is not 24 h; the children's line comes after the line for suicidal thoughts.
        self.assertEqual([line.name for line in lines], ["よりそいホットライン", "24時間子供SOSダイヤル"])
        self.assertEqual(lines[0].phone, "0120-279-338")

    def test_it_falls_back_to_the_shipped_list_when_the_directory_has_none(self) -> None:
        with scope(platform=self.other_platform):
            self.assertEqual(crisis_lines(self.other_platform), NATIONAL_CRISIS_LINES)
