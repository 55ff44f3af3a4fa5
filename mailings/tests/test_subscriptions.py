"""Double opt-in, forged and replayed links, one-click unsubscribe (RFC 8058), preferences."""

from __future__ import annotations

import datetime
import re
import uuid
from urllib.parse import urlsplit

import time_machine
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from mailings.models import MailingList, Subscriber
from mailings.services.subscriptions import confirm_token, do_subscribe, manage_token
from tsunagari.lib.smtp import body_of, smtp_server
from tsunagari.lib.testing import BaseTestCase


def make_list(platform, slug: str = "news", **extra) -> MailingList:  # type: ignore[no-untyped-def]
    with scopes_disabled():
        return MailingList.objects.create(platform=platform, slug=slug, name="つながり通信", **extra)


class SubscriptionTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.list = make_list(self.platform)

    def subscribe(self, email: str = "hanako@example.jp", **extra: str):  # type: ignore[no-untyped-def]
        data = {"email": email, "name": "徳島 花子", "consent": "on", **extra}
        return self.client.post(reverse("mailings:list", args=["alpha", "news"]), data)

    def test_it_subscribes_only_after_the_confirm_link_is_used(self) -> None:
        with smtp_server() as inbox, self.mail_sent():
            response = self.subscribe(email="ＨＡＮＡＫＯ@example.jp")
        self.assertContains(response, "確認のメールをお送りしました")
        with scopes_disabled():
            subscriber = Subscriber.objects.get()
        self.assertEqual((subscriber.status, subscriber.email_key), ("pending", "hanako@example.jp"))
        self.assertIn("つながり通信", subscriber.consent_text)
        link = re.search(r"http://\S+/mail/confirm/\S+/", body_of(inbox[0]))
        assert link is not None
        path = urlsplit(link.group(0)).path
        page = self.client.get(path)
        self.assertContains(page, "登録を完了する")  # a GET (a mail scanner) confirms nothing
        subscriber.refresh_from_db()
        self.assertEqual(subscriber.status, "pending")
        self.client.post(path)
        subscriber.refresh_from_db()
        self.assertEqual(subscriber.status, "confirmed")
        self.assertContains(self.client.post(path, follow=True), "登録が完了しました")  # replay: same answer

    def test_it_requires_consent_and_a_wellformed_address(self) -> None:
        response = self.subscribe(consent="")
        self.assertContains(response, "consent", status_code=400)
        response = self.subscribe(email="hanako@@example")
        self.assertContains(response, "形式が正しくありません", status_code=400)
        with scopes_disabled():
            self.assertFalse(Subscriber.objects.exists())

    def test_it_answers_404_to_forged_links_and_refuses_expired_ones(self) -> None:
        with self.mail_sent():
            self.subscribe()
        with scopes_disabled():
            subscriber = Subscriber.objects.get()
        self.assertEqual(
            self.client.get(
                reverse("mailings:confirm", args=["alpha", subscriber.uuid, "forged"])
            ).status_code,
            404,
        )
        self.assertEqual(
            self.client.post(
                reverse("mailings:unsubscribe", args=["alpha", subscriber.uuid, "forged"])
            ).status_code,
            404,
        )
        self.assertEqual(
            self.client.get(reverse("mailings:preferences", args=["alpha", uuid.uuid4(), "x"])).status_code,
            404,
        )
        token = confirm_token(subscriber)
        with time_machine.travel(datetime.timedelta(days=8)):
            page = self.client.post(reverse("mailings:confirm", args=["alpha", subscriber.uuid, token]))
        self.assertContains(page, "期限")
        subscriber.refresh_from_db()
        self.assertEqual(subscriber.status, "pending")

    def test_it_unsubscribes_with_one_click_post_without_csrf(self) -> None:
        with scopes_disabled():
            subscriber = do_subscribe(self.list, "a@example.jp", confirmed=True)
        url = reverse("mailings:unsubscribe", args=["alpha", subscriber.uuid, manage_token(subscriber)])
        client = Client(enforce_csrf_checks=True)
        self.assertContains(client.get(url), "配信を停止する")
        response = client.post(
            url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )
        self.assertEqual(response.status_code, 200)
        subscriber.refresh_from_db()
        self.assertEqual(subscriber.status, "unsubscribed")
        self.assertEqual(client.post(url, {"List-Unsubscribe": "One-Click"}).status_code, 200)  # replayed

    def test_it_keeps_a_confirmed_subscription_when_someone_asks_again(self) -> None:
        with scopes_disabled():
            do_subscribe(self.list, "a@example.jp", confirmed=True)
        with smtp_server() as inbox, self.mail_sent():
            self.subscribe(email="a@example.jp")
        self.assertEqual(inbox, [])
        with scopes_disabled():
            self.assertEqual(Subscriber.objects.get().status, "confirmed")

    def test_it_changes_preferences_for_every_public_list(self) -> None:
        other = make_list(self.platform, "events", archive_public=False)
        make_list(self.platform, "staff-only", is_public=False)
        with scopes_disabled():
            subscriber = do_subscribe(self.list, "a@example.jp", confirmed=True)
        url = reverse("mailings:preferences", args=["alpha", subscriber.uuid, manage_token(subscriber)])
        page = self.client.get(url)
        self.assertContains(page, "つながり通信")
        self.assertNotContains(page, "staff-only")
        self.client.post(url, {"lists": [str(other.pk)]})
        with scopes_disabled():
            states = dict(Subscriber.objects.values_list("mailing_list__slug", "status"))
        self.assertEqual(states, {"news": "unsubscribed", "events": "confirmed"})

    def test_it_answers_404_for_another_platforms_list_and_subscriber(self) -> None:
        make_list(self.other_platform, "beta-news")
        self.assertEqual(
            self.client.get(reverse("mailings:list", args=["alpha", "beta-news"])).status_code, 404
        )
        with scopes_disabled():
            other = do_subscribe(MailingList.objects.get(slug="beta-news"), "b@example.jp", confirmed=True)
        cross = reverse("mailings:unsubscribe", args=["alpha", other.uuid, manage_token(other)])
        self.assertEqual(self.client.post(cross, {"List-Unsubscribe": "One-Click"}).status_code, 404)
        other.refresh_from_db()
        self.assertEqual(other.status, "confirmed")
