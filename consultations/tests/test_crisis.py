from __future__ import annotations

import importlib
import io
import json
from pathlib import Path
from unittest import mock

from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import SimpleTestCase
from django_scopes import scope, scopes_disabled

from consultations import crisis_rules
from consultations.crisis import (
    NATIONAL_CRISIS_LINES,
    crisis_lines,
    crisis_words_in,
    evaluate,
    read_corpus,
    recognise,
)
from consultations.crisis_rules import parse_rule
from consultations.models import Conversation, CrisisWord
from consultations.tests.casework import make_conversation
from directory.search import analysis
from directory.services.national import do_import_national
from surveys import keywords
from tsunagari.lib import japanese
from tsunagari.lib.testing import BaseTestCase

CORPUS = Path(__file__).parent / "data" / "crisis_corpus.tsv"


class CrisisCorpusTestCase(SimpleTestCase):
    """The labelled corpora: crisis messages and ordinary ones that share their words."""

    def assert_recall_and_false_alarms(self, rows: list[tuple[str, str]]) -> None:
        result = evaluate(rows)
        self.assertGreaterEqual(result.recall, 0.95, f"missed: {result.misses}")
        self.assertLessEqual(result.false_alarm_rate, 0.1, f"false alarms: {result.false_alarms}")

    def test_it_recognises_95_percent_with_at_most_1_false_alarm_in_10_ordinary_messages(self) -> None:
        rows = read_corpus(CORPUS.read_text(encoding="utf-8"))
        self.assertGreaterEqual(len(rows), 150)
        self.assertGreaterEqual(sum(label == "crisis" for label, _text in rows), 75)
        self.assertGreaterEqual(sum(label == "ordinary" for label, _text in rows), 75)
        self.assert_recall_and_false_alarms(rows)

    def test_it_holds_on_every_corpus_together_including_the_sets_written_later(self) -> None:
        files = sorted(CORPUS.parent.glob("crisis_*.tsv"))
        self.assertGreaterEqual(len(files), 5)
        rows = [row for path in files for row in read_corpus(path.read_text(encoding="utf-8"))]
        self.assertGreaterEqual(len(rows), 450)
        self.assert_recall_and_false_alarms(rows)

    def test_it_refuses_a_corpus_line_without_a_label(self) -> None:
        with self.assertRaisesMessage(ValueError, "line 2"):
            read_corpus("crisis\t死にたい\n死にたい\n")


class CrisisRecognitionTestCase(SimpleTestCase):
    def test_it_finds_conjugated_colloquial_kana_width_and_indirect_forms(self) -> None:
        for text, matched in (
            ("もう消えてしまいたいと思うこともあります", "消えてしまいたい"),
            ("夜になると死にたくなる", "死にたく"),
            ("死ねたらいいのに", "死ねたらいい"),
            ("今日こそ死のうと思います", "死のう"),
            ("まじで死にてえ", "死にてえ"),
            ("ｼﾆﾀｲ", "しにたい"),
            ("シ ニ タ イ", "しにたい"),
            ("死🥺に🥺た🥺い", "死にたい"),
            ("遺書を書きました", "遺書"),
            ("ＯＤしちゃった", "od"),
            ("生まれてこなければよかった", "生まれてこなければよかった"),
            ("いっそ全部終わりにして楽になりたい", "いっそ全部終わりにして楽になりたい"),
        ):
            with self.subTest(text=text):
                self.assertIn(matched, crisis_words_in(text))

    def test_it_leaves_ordinary_messages_that_share_the_words_alone(self) -> None:
        for text in (
            "画面が消えた",
            "少し楽になりました",
            "死ぬほど笑った",
            "電気を消したい",
            "薬を飲み忘れた",
            "薬を全部飲み忘れてしまった",
            "死にたくないから健康診断に行く",
            "腰の痛みが楽になりたい",
            "自殺予防の講演会に行きました",
            "しにせの和菓子屋さん",
            "",
            "   ",
        ):
            with self.subTest(text=text):
                self.assertEqual(crisis_words_in(text), [])

    def test_it_reads_a_rule_with_wide_steps_conjugation_and_negation(self) -> None:
        rule = parse_rule("suicidal", "^死ぬ@意志推量形 …思う !ない")
        self.assertTrue(rule.opens_sentence)
        self.assertEqual(rule.steps[0].conjugation, "意志推量形")
        self.assertTrue(rule.steps[1].wide)
        self.assertEqual(rule.not_followed_by, frozenset({"ない"}))

    def test_it_survives_a_huge_message_with_control_characters(self) -> None:
        text = ("\x00\x1b相談です" * 3000) + "。消えたい"
        self.assertEqual(crisis_words_in(text), ["消えたい"])


class PlatformCrisisWordsTestCase(BaseTestCase):
    def test_it_applies_a_platforms_own_words_in_any_width_kana_or_inflection_on_that_platform_only(
        self,
    ) -> None:
        with scope(platform=self.platform):
            CrisisWord.objects.create(platform=self.platform, word="飛び込む", folded="飛び込む")
            CrisisWord.objects.create(platform=self.platform, word="ブロン", folded="ぶろん")
            self.assertEqual(recognise("橋から飛び込みたい", self.platform).matched, ["飛び込む"])
            self.assertEqual(recognise("ﾌﾞﾛﾝを買った", self.platform).matched, ["ブロン"])
            self.assertEqual(recognise("ぶろん ためてる", self.platform).matched, ["ブロン"])
            # Whole words only: not inside ブロンド or ブロンズ.
            self.assertFalse(recognise("ブロンドの髪とブロンズ像", self.platform).crisis)
        with scope(platform=self.other_platform):
            self.assertFalse(recognise("橋から飛び込みたい", self.other_platform).crisis)


class CrisisCheckCommandTestCase(BaseTestCase):
    def run_check(self, text: str, *args: str) -> str:
        out = io.StringIO()
        command_stdin = io.StringIO(text)
        from consultations.management.commands.crisis_check import Command

        command = Command(stdout=out)
        command.stdin = command_stdin  # type: ignore[attr-defined]
        call_command(command, *args)
        return out.getvalue()

    def test_it_prints_a_json_list_in_input_order(self) -> None:
        with scope(platform=self.platform):
            CrisisWord.objects.create(platform=self.platform, word="〇〇大橋", folded="〇〇大橋")
        output = self.run_check(
            "画面が消えた\nもう消えてしまいたいと思うこともあります\n\n〇〇大橋に行く\n", "alpha", "--json"
        )
        self.assertEqual(
            json.loads(output),
            [
                {"text": "画面が消えた", "crisis": False, "matched": []},
                {
                    "text": "もう消えてしまいたいと思うこともあります",
                    "crisis": True,
                    "matched": ["消えてしまいたい"],
                },
                {"text": "", "crisis": False, "matched": []},
                {"text": "〇〇大橋に行く", "crisis": True, "matched": ["〇〇大橋"]},
            ],
        )

    def test_it_prints_one_line_per_message(self) -> None:
        output = self.run_check("ｼﾆﾀｲ\n画面が消えた\n", "beta")
        self.assertEqual(output.splitlines(), ["緊急\tしにたい\tｼﾆﾀｲ", "-\t\t画面が消えた"])

    def test_it_names_an_unknown_platform(self) -> None:
        with self.assertRaisesMessage(CommandError, "unknown platform: 'nowhere' (platforms: alpha, beta)"):
            self.run_check("死にたい\n", "nowhere")


class CrisisEvalCommandTestCase(SimpleTestCase):
    def test_it_prints_recall_and_false_alarms(self) -> None:
        out = io.StringIO()
        call_command("crisis_eval", stdout=out)
        lines = out.getvalue().splitlines()
        self.assertRegex(lines[0], r"^crisis_corpus.tsv: \d+ messages \(crisis \d+, ordinary \d+\); recall ")
        self.assertTrue(lines[-1].startswith("all: "))
        self.assertRegex(lines[-1], r"recall (0\.9[5-9]\d|1\.000) .*false alarms \d+/\d+")


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


class CrisisWordsMigrationTestCase(BaseTestCase):
    def test_it_moves_words_stored_in_clear_into_the_encrypted_field(self) -> None:
        migration = importlib.import_module("consultations.migrations.0005_crisis_words")
        conversation = make_conversation(self.platform, "old")
        with scopes_disabled():
            Conversation.objects.filter(pk=conversation.pk).update(
                urgent=True, urgent_reason="希死念慮・自傷の語: 消えたい"
            )
        migration.encrypt_matched_words(django_apps, None)
        with scope(platform=self.platform):
            conversation.refresh_from_db()
        self.assertEqual(conversation.urgent_reason, "希死念慮・自傷の表現")
        self.assertEqual(conversation.urgent_words, "消えたい")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT urgent_reason, urgent_words FROM consultations_conversation WHERE id = %s",
                [conversation.pk],
            )
            reason, words = cursor.fetchone()
        self.assertNotIn("消えたい", reason + words)


class OneDictionaryTestCase(SimpleTestCase):
    def test_it_reads_with_the_same_tokenizer_as_search_and_surveys(self) -> None:
        self.assertIs(crisis_rules.tokenizer, japanese.tokenizer)
        self.assertIs(analysis._tokenizer, japanese.tokenizer)
        self.assertIs(keywords.tokenizer, japanese.tokenizer)
        recognise("消えたい", words=[])
        analysis.analyse("相談")
        self.assertEqual(japanese.dictionary.cache_info().currsize, 1)


class CrisisRecognitionFailureTestCase(SimpleTestCase):
    def test_it_still_recognises_plain_crisis_words_when_the_recogniser_fails(self) -> None:
        def broken(*args: object) -> list[object]:
            raise RuntimeError("tokenizer gone")

        with (
            mock.patch("consultations.crisis.recognise_text", broken),
            self.assertLogs("consultations.crisis", "ERROR"),
        ):
            self.assertEqual(recognise("ｼﾆﾀｲ…", words=[]).matched, ["しにたい"])
            self.assertFalse(recognise("画面が消えた", words=[]).crisis)
