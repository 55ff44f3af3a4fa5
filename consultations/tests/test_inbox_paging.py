"""The counsellor inbox beyond 200 conversations: 50 a page, every one reachable, counts of all."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Role
from consultations.models import Consulter, Conversation, ConversationState
from consultations.tests.casework import channel_of, make_conversation
from tsunagari.lib.testing import BaseTestCase

TOTAL = 450


class InboxPagingTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        now = timezone.now()
        with scopes_disabled():
            channel = channel_of(cls.platform)
            consulters = Consulter.objects.bulk_create(
                Consulter(
                    platform=cls.platform, channel=channel, identity_hash=f"{n:064x}", label=f"P{n:03d}"
                )
                for n in range(TOTAL - 2)
            )
            Conversation.objects.bulk_create(
                Conversation(
                    platform=cls.platform,
                    consulter=consulter,
                    channel=channel,
                    urgent=n % 50 == 0,  # 9 urgent ones, spread over the whole list
                    opened_at=now - datetime.timedelta(minutes=n + 10),
                    last_inbound_at=now - datetime.timedelta(minutes=n + 10),
                )
                for n, consulter in enumerate(consulters)
            )
        # two with a message each (unread for everyone), the oldest of all, and a closed one left out
        cls.oldest = make_conversation(
            cls.platform, "ずっと待っています", label="OLD1", at=now - datetime.timedelta(days=3)
        )
        cls.other = make_conversation(
            cls.platform, "もうひとつ", label="OLD2", at=now - datetime.timedelta(days=2)
        )
        make_conversation(cls.platform, "ありがとう", label="CLSD", state=ConversationState.CLOSED)

    def setUp(self) -> None:
        self.login(self.users[Role.COUNSELLOR])

    def labels(self, response) -> list[str]:  # type: ignore[no-untyped-def]
        return [c.consulter.label for c in response.context["conversations"]]

    def test_it_pages_through_all_450_with_urgent_first_and_counts_them_all(self) -> None:
        url = self.url("consultations:inbox")
        first = self.client.get(url)
        self.assertContains(first, f"{TOTAL}件の相談（1〜50件目）")
        self.assertContains(first, "1 / 9（全450件）")
        self.assertEqual(len(first.context["conversations"]), 50)
        self.assertTrue(all(c.urgent for c in first.context["conversations"][:9]))
        self.assertFalse(first.context["conversations"][9].urgent)
        seen: list[str] = []
        for number in range(1, 10):
            response = self.client.get(url, {"page": number})
            seen += self.labels(response)
        self.assertEqual(len(seen), TOTAL)
        self.assertEqual(len(set(seen)), TOTAL)  # none twice, none lost between pages
        self.assertEqual(seen[-2:], ["OLD2", "OLD1"])  # the longest-waiting are reachable, last
        self.assertNotIn("CLSD", seen)
        last = self.client.get(url, {"page": 9})
        self.assertContains(last, "（401〜450件目）")
        self.assertContains(last, "9 / 9（全450件）")
        self.assertContains(first, "未読 2件")  # the live badge counts every conversation, not a page
        self.assertContains(first, "緊急 9件")

    def test_it_keeps_the_filters_on_every_page_and_in_the_live_refresh(self) -> None:
        url = self.url("consultations:inbox")
        response = self.client.get(url, {"assigned": "none", "page": 2})
        self.assertContains(response, "（51〜100件目）")
        links = re.findall(r'href="(\?[^"]*page=[0-9]+[^"]*)"', response.content.decode())
        self.assertTrue(links)
        self.assertTrue(all("assigned=none" in link for link in links), links)
        self.assertContains(response, 'hx-get="/p/alpha/staff/inbox/?assigned=none&amp;page=2"')
        partial = self.client.get(url, {"assigned": "none", "page": 3}, headers={"HX-Request": "true"})
        self.assertContains(partial, "（101〜150件目）")
        self.assertContains(partial, "3 / 9（全450件）")
        urgent = self.client.get(url, {"urgent": "on"})
        self.assertContains(urgent, "9件の相談")
        self.assertNotContains(urgent, "pagination")
        beyond = self.client.get(url, {"page": 99})  # a stale link after conversations closed
        self.assertContains(beyond, "（401〜450件目）")
