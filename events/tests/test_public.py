"""Public event pages: list, page and form, the registrant's own link (confirm, cancel), feed."""

from __future__ import annotations

import datetime
import uuid

from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from events.models import Event, Feedback, Registration
from events.services.registration import do_cancel, do_check_in
from events.tests.helpers import make_event, register
from events.tokens import manage_token
from tsunagari.lib.smtp import body_of, smtp_server
from tsunagari.lib.testing import BaseTestCase


class PublicPagesTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.event = make_event(self.platform, capacity_venue=2, questions=["交流会で話したいテーマ"])

    def form(self, **extra: str) -> dict[str, str]:
        data = {"name": "大津 花子", "email": "hanako@example.jp", "mode": "venue", "region": "大津市"}
        data.update(extra)
        return data

    def manage_url(self, person: Registration, token: str | None = None) -> str:
        return reverse(
            "events:manage", args=["alpha", self.event.slug, person.uuid, token or manage_token(person)]
        )

    def test_it_lists_published_events_only(self) -> None:
        make_event(self.platform, "draft", title="下書きの会", status=Event.Status.DRAFT)
        response = self.client.get(reverse("events:list", args=["alpha"]))
        self.assertContains(response, "つながりフォーラム")
        self.assertNotContains(response, "下書きの会")

    def test_it_shows_an_empty_list_kindly(self) -> None:
        response = self.client.get(reverse("events:list", args=["beta"]))
        self.assertContains(response, "いま募集中のイベントはありません")

    def test_it_registers_from_the_form_and_mails_the_link(self) -> None:
        url = reverse("events:register", args=["alpha", "forum"])
        with smtp_server() as inbox, self.mail_sent():
            response = self.client.post(url, self.form(q0="居場所づくり", email="ＨＡＮＡＫＯ＠example.jp"))
        self.assertEqual(response.status_code, 302)
        with scopes_disabled():
            person = Registration.objects.get(event=self.event)
        self.assertEqual(person.email_key, "hanako@example.jp")
        self.assertEqual(person.answers, {"交流会で話したいテーマ": "居場所づくり"})
        self.assertTrue(response["Location"].startswith(self.manage_url(person)))
        page = self.client.get(response["Location"])
        self.assertContains(page, "参加確定")
        self.assertContains(page, "受付用のQRコード")
        self.assertIn(self.manage_url(person), body_of(inbox[0]))
        self.assertIn("参加確定", inbox[0]["Subject"])

    def test_it_shows_errors_for_bad_input_and_never_fails(self) -> None:
        url = reverse("events:register", args=["alpha", "forum"])
        cases = [
            ({"email": "taro@"}, "形式が正しくありません"),
            ({"name": ""}, "このフィールドは必須です"),
            ({"mode": "online"}, "正しく選択してください"),
            ({"name": "x" * 500}, "80"),
        ]
        for data, message in cases:
            response = self.client.post(url, self.form(**data))
            self.assertContains(response, message, status_code=400)
        self.assertEqual(self.client.post(url, {"name": "\x00", "email": "\x00"}).status_code, 400)

    def test_it_says_so_when_the_same_email_registers_twice(self) -> None:
        url = reverse("events:register", args=["alpha", "forum"])
        self.client.post(url, self.form())
        response = self.client.post(url, self.form(email="Hanako@Example.JP"))
        self.assertContains(response, "既に申し込まれています", status_code=400)

    def test_it_closes_the_form_after_the_deadline(self) -> None:
        self.event.deadline = timezone.now() - datetime.timedelta(minutes=1)
        with scopes_disabled():
            self.event.save()
        url = reverse("events:register", args=["alpha", "forum"])
        page = self.client.get(url)
        self.assertContains(page, "申込の受付は終了しました")
        self.assertNotContains(page, 'name="email"')
        self.client.post(url, self.form())
        with scopes_disabled():
            self.assertFalse(Registration.objects.exists())

    def test_it_tells_people_when_only_the_waiting_list_is_left(self) -> None:
        register(self.event, "a@example.jp")
        register(self.event, "b@example.jp")
        response = self.client.get(reverse("events:detail", args=["alpha", "forum"]))
        self.assertContains(response, "キャンセル待ちになります")

    def test_it_cancels_by_the_registrants_link_and_promotes_the_next(self) -> None:
        first = register(self.event, "a@example.jp")
        register(self.event, "b@example.jp")
        waiting = register(self.event, "c@example.jp")
        response = self.client.post(self.manage_url(first), {"action": "cancel", "confirm": "on"})
        self.assertEqual(response.status_code, 302)
        self.assertContains(self.client.get(self.manage_url(first)), "取消")
        page = self.client.get(self.manage_url(waiting))
        self.assertContains(page, "参加を確定する")
        self.client.post(self.manage_url(waiting), {"action": "confirm"})
        waiting.refresh_from_db()
        self.assertEqual(waiting.status, "confirmed")
        # A replayed cancel of the first registration changes nothing and says why.
        again = self.client.post(self.manage_url(first), {"action": "cancel", "confirm": "on"}, follow=True)
        self.assertContains(again, "既に取り消されています")

    def test_it_answers_404_to_forged_links(self) -> None:
        person = register(self.event, "a@example.jp")
        forged = self.manage_url(person, token="x" * 27)
        self.assertEqual(self.client.get(forged).status_code, 404)
        self.assertEqual(self.client.post(forged, {"action": "cancel", "confirm": "on"}).status_code, 404)
        made_up = reverse("events:manage", args=["alpha", "forum", uuid.uuid4(), manage_token(person)])
        self.assertEqual(self.client.get(made_up).status_code, 404)
        person.refresh_from_db()
        self.assertEqual(person.status, "confirmed")

    def test_it_answers_404_for_another_platforms_event(self) -> None:
        other = make_event(self.other_platform, "beta-only", title="ベータの会")
        self.assertEqual(
            self.client.get(reverse("events:detail", args=["alpha", "beta-only"])).status_code, 404
        )
        self.assertEqual(
            self.client.get(reverse("events:detail", args=["beta", "beta-only"])).status_code, 200
        )
        person = register(other, "a@example.jp")
        cross = reverse("events:manage", args=["alpha", "beta-only", person.uuid, manage_token(person)])
        self.assertEqual(self.client.get(cross).status_code, 404)
        self.assertEqual(self.client.get(reverse("events:detail", args=["gamma", "forum"])).status_code, 404)

    def test_it_serves_an_icalendar_feed(self) -> None:
        response = self.client.get(reverse("events:feed", args=["alpha"]))
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        text = response.content.decode()
        self.assertIn("BEGIN:VEVENT", text)
        self.assertIn("SUMMARY:つながりフォーラム", text)
        self.assertTrue(all(len(line.encode()) <= 75 for line in text.split("\r\n")))
        single = self.client.get(reverse("events:event_ics", args=["alpha", "forum"]))
        self.assertIn(f"UID:{self.event.uuid}@tsunagari", single.content.decode())

    def test_it_takes_one_feedback_answer_per_registrant(self) -> None:
        person = register(self.event, "a@example.jp")
        with scopes_disabled():
            do_check_in(person)
        url = reverse("events:feedback", args=["alpha", "forum", person.uuid, manage_token(person)])
        self.assertContains(
            self.client.post(url, {"satisfaction": "satisfied", "comment": "よかった"}), "ありがとう"
        )
        self.client.post(url, {"satisfaction": "dissatisfied"})
        with scopes_disabled():
            self.assertEqual(list(Feedback.objects.values_list("satisfaction", flat=True)), ["satisfied"])

    def test_it_shows_the_qr_only_to_the_link_holder(self) -> None:
        person = register(self.event, "a@example.jp")
        qr = reverse("events:manage_qr", args=["alpha", "forum", person.uuid, manage_token(person)])
        response = self.client.get(qr)
        self.assertEqual(response["Content-Type"], "image/svg+xml")
        self.assertEqual(self.client.get(qr.replace(manage_token(person), "forged")).status_code, 404)

    def test_it_keeps_the_cancelled_page_for_a_cancelled_event(self) -> None:
        person = register(self.event, "a@example.jp")
        with scopes_disabled():
            do_cancel(person)
        self.event.status = Event.Status.CANCELLED
        with scopes_disabled():
            self.event.save()
        page = self.client.get(reverse("events:detail", args=["alpha", "forum"]))
        self.assertContains(page, "中止になりました")


class HomePageTestCase(BaseTestCase):
    def test_it_lists_the_next_events_on_the_residents_home_page(self) -> None:
        make_event(self.platform, "forum", title="つながりフォーラム2030")
        make_event(self.platform, "draft", title="下書きの会", status=Event.Status.DRAFT)
        page = self.client.get(reverse("directory:home", args=["alpha"]))
        self.assertContains(page, "つながりフォーラム2030")
        self.assertContains(page, reverse("events:detail", args=["alpha", "forum"]))
        self.assertNotContains(page, "下書きの会")
