from __future__ import annotations

import datetime
import re

import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django_scopes import scope

from accounts.models import Role
from consultations.models import BusinessHours, Consulter, Conversation, CrisisWord, Direction, Message
from consultations.services.channels import desk_settings
from consultations.services.conversations import do_close
from consultations.tests.casework import actor
from tsunagari.lib.testing import BaseTestCase

CODE = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")


class WebChatTestCase(BaseTestCase):
    def start(self, text: str = "家族のことで悩んでいます", client: Client | None = None):  # type: ignore[no-untyped-def]
        return (client or self.client).post("/p/alpha/chat/", {"text": text})

    def code_from(self, response) -> str:  # type: ignore[no-untyped-def]
        match = CODE.search(response.content.decode())
        assert match is not None
        return match.group(0)

    def test_it_shows_the_hours_and_what_happens_outside_them(self) -> None:
        with scope(platform=self.platform):
            for weekday in range(5):
                BusinessHours.objects.create(
                    platform=self.platform, weekday=weekday, start=datetime.time(18), end=datetime.time(21)
                )
        response = self.client.get("/p/alpha/chat/")
        self.assertContains(response, "月〜金 18:00〜21:00")
        self.assertContains(response, "メッセージは24時間受け付けています")
        self.assertContains(response, "0120-279-338")
        self.assertContains(response, 'name="csrfmiddlewaretoken"')

    def test_it_starts_a_consultation_and_shows_the_code_once_never_in_the_url(self) -> None:
        response = self.start()
        self.assertRedirects(response, "/p/alpha/chat/room/", fetch_redirect_response=False)
        self.assertNotIn("-", response["Location"].replace("/p/alpha/chat/room/", ""))
        page = self.client.get("/p/alpha/chat/room/")
        code = self.code_from(page)
        self.assertContains(page, "家族のことで悩んでいます")
        self.assertContains(page, "自動応答")
        self.assertNotContains(self.client.get("/p/alpha/chat/room/"), code)
        with scope(platform=self.platform):
            consulter = Consulter.objects.get()
            self.assertNotIn(code, consulter.identity_hash)
            self.assertEqual(Message.objects.filter(direction=Direction.INBOUND).count(), 1)

    def test_it_resumes_on_another_device_with_the_code_in_any_width_or_case(self) -> None:
        self.start()
        code = self.code_from(self.client.get("/p/alpha/chat/room/"))
        other = Client()
        typed = code.lower().replace("-", " ")
        typed = typed[:4] + typed[4:].translate(
            str.maketrans(
                "abcdefghjklmnpqrstuvwxyz23456789",
                "ａｂｃｄｅｆｇｈｊｋｌｍｎｐｑｒｓｔｕｖｗｘｙｚ２３４５６７８９",
            )
        )
        response = other.post("/p/alpha/chat/resume/", {"code": typed})
        self.assertRedirects(response, "/p/alpha/chat/room/")
        other.post("/p/alpha/chat/room/", {"text": "続きです"})
        page = other.get("/p/alpha/chat/room/")
        self.assertContains(page, "家族のことで悩んでいます")
        self.assertContains(page, "続きです")
        with scope(platform=self.platform):
            self.assertEqual(Conversation.objects.count(), 1)

    def test_it_says_clearly_when_a_code_is_wrong(self) -> None:
        response = Client().post("/p/alpha/chat/resume/", {"code": "AAAA-BBBB-CCCC-DDDD"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "このコードの相談は見つかりませんでした", status_code=400)

    def test_it_refuses_a_20000_character_message_with_a_clear_message_and_keeps_the_text(self) -> None:
        text = "あ" * 20_000
        response = self.start(text)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "5000文字以内")
        self.assertContains(response, text)  # still in the text area, nothing lost on screen
        with scope(platform=self.platform):
            self.assertFalse(Consulter.objects.exists())

    def test_it_refuses_an_empty_message(self) -> None:
        response = self.start("   ")
        self.assertContains(response, "メッセージを入力してください")
        with scope(platform=self.platform):
            self.assertFalse(Message.objects.exists())

    def test_it_requires_the_csrf_token(self) -> None:
        client = Client(enforce_csrf_checks=True)
        self.assertEqual(self.start(client=client).status_code, 403)

    def test_it_answers_404_for_an_unknown_platform(self) -> None:
        self.assertEqual(self.client.get("/p/nowhere/chat/").status_code, 404)

    def test_it_ends_the_consultation_on_this_device_with_the_button(self) -> None:
        self.start()
        room = self.client.get("/p/alpha/chat/room/")
        self.assertContains(room, "相談を終える")
        self.assertContains(room, 'action="/p/alpha/chat/leave/"')
        ended = self.client.post("/p/alpha/chat/leave/", follow=True)
        self.assertContains(ended, "相談を終えました")
        self.assertFalse([key for key in self.client.session.keys() if key.startswith("webchat")])
        self.assertRedirects(self.client.get("/p/alpha/chat/room/"), "/p/alpha/chat/")

    def test_it_ends_the_chat_session_when_the_browser_closes(self) -> None:
        self.start()
        cookie = self.client.cookies[settings.SESSION_COOKIE_NAME]
        self.assertTrue(cookie.value)
        self.assertEqual(cookie["max-age"], "")  # a browser-session cookie: gone when it closes
        self.assertEqual(cookie["expires"], "")
        self.assertTrue(self.client.session.get_expire_at_browser_close())

    def test_it_leaves_a_signed_in_staff_members_session_expiry_alone(self) -> None:
        self.login(self.users[Role.SECRETARIAT_ADMIN])
        self.start()
        self.assertFalse(self.client.session.get_expire_at_browser_close())
        self.assertNotEqual(self.client.cookies[settings.SESSION_COOKIE_NAME]["max-age"], "")

    def test_it_forgets_the_chat_after_30_minutes_idle(self) -> None:
        start = datetime.datetime(2026, 12, 6, 23, 40, tzinfo=datetime.UTC)  # late at night
        with time_machine.travel(start, tick=False):
            self.start()
        with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
            self.assertContains(self.client.get("/p/alpha/chat/room/"), "家族のことで悩んでいます")
        # 29 minutes after the last visit it is still there: the clock restarts on every visit.
        with time_machine.travel(start + datetime.timedelta(minutes=58), tick=False):
            self.assertEqual(self.client.get("/p/alpha/chat/room/").status_code, 200)
        with time_machine.travel(start + datetime.timedelta(minutes=89), tick=False):
            self.assertRedirects(
                self.client.get("/p/alpha/chat/room/"), "/p/alpha/chat/", fetch_redirect_response=False
            )
            self.assertNotIn("webchat:alpha", self.client.session)
            page = self.client.get("/p/alpha/chat/")
            self.assertNotContains(page, "家族のことで悩んでいます")

    def test_it_keeps_platforms_apart(self) -> None:
        self.start()
        self.assertRedirects(self.client.get("/p/beta/chat/room/"), "/p/beta/chat/")

    def test_it_shows_no_form_when_web_chat_is_off(self) -> None:
        with scope(platform=self.platform):
            desk = desk_settings(self.platform)
            desk.web_chat_enabled = False
            desk.save()
        self.assertContains(self.client.get("/p/alpha/chat/"), "受け付けていません")
        self.start()
        with scope(platform=self.platform):
            self.assertFalse(Message.objects.exists())

    def test_it_opens_a_new_consultation_after_the_counsellor_closed_the_last(self) -> None:
        self.start()
        with scope(platform=self.platform):
            do_close(Conversation.objects.get(), actor=actor(self.users["counsellor"], self.platform))
        self.client.post("/p/alpha/chat/room/", {"text": "また話したい"})
        with scope(platform=self.platform):
            self.assertEqual(Conversation.objects.count(), 2)

    def test_it_answers_a_conjugated_crisis_message_at_once_and_flags_it_urgent(self) -> None:
        # Issue 19: this message got no crisis reply and no 緊急 flag from the substring list.
        self.start("もう消えてしまいたいと思うこともあります")
        page = self.client.get("/p/alpha/chat/room/")
        self.assertContains(page, "24時間つながります")
        self.assertContains(page, "0120-279-338")
        with scope(platform=self.platform):
            conversation = Conversation.objects.get()
            self.assertTrue(conversation.urgent)
            self.assertEqual(conversation.urgent_reason, "希死念慮・自傷の表現")
            self.assertEqual(conversation.urgent_words, "消えてしまいたい")
            # Issue 16: the matched words are stored encrypted, not in clear beside the content.
            raw = (
                Conversation.objects.filter(pk=conversation.pk).values_list("urgent_reason", flat=True).get()
            )
            self.assertNotIn("消え", raw)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT urgent_words FROM consultations_conversation WHERE id = %s", [conversation.pk]
                )
                stored = cursor.fetchone()[0]
            self.assertNotIn("消え", stored)
            self.assertTrue(stored.startswith("gAAAA"))  # a Fernet token

    def test_it_answers_a_crisis_word_the_secretariat_added(self) -> None:
        with scope(platform=self.platform):
            CrisisWord.objects.create(platform=self.platform, word="〇〇大橋", folded="〇〇大橋")
        self.start("今から〇〇大橋に行きます")
        self.assertContains(self.client.get("/p/alpha/chat/room/"), "0120-279-338")


class WebChatRateLimitTestCase(BaseTestCase):
    """Issue 16: 40 of 40 new chats in 2.5 s flooded the inbox; now 429 with Retry-After."""

    def test_it_answers_429_after_five_new_chats_from_one_client_and_keeps_the_crisis_lines(self) -> None:
        for n in range(5):
            response = Client().post("/p/alpha/chat/", {"text": f"相談{n}"})
            self.assertRedirects(response, "/p/alpha/chat/room/", fetch_redirect_response=False)
        response = Client().post("/p/alpha/chat/", {"text": "六件目"})
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "しばらくしてからお試しください", status_code=429)
        self.assertContains(response, "0120-279-338", status_code=429)  # the 24-hour lines stay
        self.assertTrue(1 <= int(response["Retry-After"]) <= 600)
        self.assertIn("no-store", response["Cache-Control"])
        with scope(platform=self.platform):
            self.assertEqual(Consulter.objects.count(), 5)
        self.assertEqual(
            Client(REMOTE_ADDR="192.0.2.9").post("/p/alpha/chat/", {"text": "別の端末"}).status_code, 302
        )

    def test_it_answers_429_after_thirty_messages_in_five_minutes(self) -> None:
        self.client.post("/p/alpha/chat/", {"text": "最初"})
        for n in range(30):
            self.assertEqual(self.client.post("/p/alpha/chat/room/", {"text": f"続き{n}"}).status_code, 302)
        response = self.client.post("/p/alpha/chat/room/", {"text": "三十一通目"})
        self.assertEqual(response.status_code, 429)
        self.assertTrue(1 <= int(response["Retry-After"]) <= 300)
        with scope(platform=self.platform):
            self.assertEqual(Message.objects.filter(direction=Direction.INBOUND).count(), 31)
        self.assertEqual(self.client.get("/p/alpha/chat/room/").status_code, 200)  # reading still works

    def test_it_answers_429_after_twenty_code_tries_from_one_client_even_with_fresh_cookies(self) -> None:
        for _n in range(20):
            response = Client().post("/p/alpha/chat/resume/", {"code": "AAAA-BBBB-CCCC-DDDD"})
            self.assertEqual(response.status_code, 400)
        response = Client().post("/p/alpha/chat/resume/", {"code": "AAAA-BBBB-CCCC-DDDD"})
        self.assertEqual(response.status_code, 429)
        self.assertTrue(1 <= int(response["Retry-After"]) <= 3600)
