from __future__ import annotations

from django_scopes import scope, scopes_disabled

from audit.models import AuditEntry
from consultations.crisis import recognise
from consultations.models import Conversation, CrisisWord
from consultations.services.conversations import do_receive
from consultations.tests.casework import make_conversation
from tsunagari.lib.testing import BaseTestCase

URL = "/p/alpha/staff/consultations/crisis-words/"


class CrisisWordsPageTestCase(BaseTestCase):
    def test_it_adds_a_word_with_an_audit_entry_and_applies_it_on_top_of_the_built_in_rules(self) -> None:
        self.login(self.users["secretariat_staff"])
        response = self.client.post(URL, {"form": "add", "word": "ｵｵﾊｼ大橋"})
        self.assertRedirects(response, URL)
        # Stored width-normalised (as the list shows it), compared folded.
        self.assertContains(self.client.get(URL), "オオハシ大橋")
        entry = AuditEntry.objects.get(action="consultation.crisis_word_added")
        self.assertEqual(entry.platform, self.platform)
        self.assertEqual(entry.data, {"word": "オオハシ大橋"})
        with scope(platform=self.platform):
            self.assertEqual(CrisisWord.objects.get().folded, "おおはし大橋")
            # Full-width katakana, with a blank: the same word.
            self.assertEqual(recognise("これから ｵｵﾊｼ 大橋 へ", self.platform).matched, ["オオハシ大橋"])
            # The built-in rules still apply beside it.
            self.assertTrue(recognise("消えてしまいたい", self.platform).crisis)

    def test_it_applies_the_word_to_a_line_or_web_chat_message(self) -> None:
        with scope(platform=self.platform):
            CrisisWord.objects.create(platform=self.platform, word="ブロン", folded="ぶろん")
            conversation = make_conversation(self.platform, "はじめまして")
            received = do_receive(conversation.consulter, text="ﾌﾞﾛﾝ 買ってきた")
            conversation = Conversation.objects.get(pk=conversation.pk)
        self.assertTrue(conversation.urgent)
        self.assertEqual(conversation.urgent_words, "ブロン")
        self.assertTrue(any(m.meta.get("auto") == "crisis" for m in received.auto_replies))
        # The counsellor sees the category and, decrypted, what matched.
        self.login(self.users["counsellor"])
        page = self.client.get(f"/p/alpha/staff/inbox/{conversation.uuid}/")
        self.assertContains(page, "希死念慮・自傷の表現（ブロン）")

    def test_it_names_a_word_already_there_in_another_width_or_kana(self) -> None:
        self.login(self.admin)
        self.client.post(URL, {"form": "add", "word": "ぶろん"})
        response = self.client.post(URL, {"form": "add", "word": "ﾌﾞﾛﾝ"})
        self.assertContains(response, "この語はもう登録されています", status_code=200)
        response = self.client.post(URL, {"form": "add", "word": "・・・"})
        self.assertContains(response, "文字か数字を含む語を入力してください", status_code=200)
        with scope(platform=self.platform):
            self.assertEqual(CrisisWord.objects.count(), 1)

    def test_it_removes_a_word_with_an_audit_entry(self) -> None:
        self.login(self.admin)
        self.client.post(URL, {"form": "add", "word": "ブロン"})
        with scope(platform=self.platform):
            word = CrisisWord.objects.get()
        delete = f"{URL}{word.uuid}/delete"
        self.assertEqual(self.client.get(delete).status_code, 405)
        self.assertRedirects(self.client.post(delete), URL)
        self.assertEqual(
            AuditEntry.objects.get(action="consultation.crisis_word_removed").data, {"word": "ブロン"}
        )
        with scope(platform=self.platform):
            self.assertFalse(CrisisWord.objects.exists())

    def test_it_tries_messages_without_storing_them(self) -> None:
        self.login(self.admin)
        entries = AuditEntry.objects.count()
        response = self.client.post(URL, {"form": "try", "messages": "画面が消えた\nもう消えてしまいたい\n"})
        self.assertContains(response, "<strong>緊急</strong>", count=1, html=False)
        self.assertContains(response, "消えてしまいたい")
        self.assertEqual(AuditEntry.objects.count(), entries)

    def test_it_is_for_the_secretariat(self) -> None:
        self.login(self.users["counsellor"])
        self.assertEqual(self.client.get(URL).status_code, 403)

    def test_it_answers_404_for_another_platforms_word(self) -> None:
        with scopes_disabled():
            word = CrisisWord.objects.create(platform=self.other_platform, word="ブロン", folded="ぶろん")
        self.login(self.admin)
        self.assertEqual(self.client.post(f"{URL}{word.uuid}/delete").status_code, 404)
        with scopes_disabled():
            self.assertTrue(CrisisWord.objects.filter(pk=word.pk).exists())
        self.login(self.outsider)
        self.assertEqual(self.client.get(URL).status_code, 404)
