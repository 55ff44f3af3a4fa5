"""Mails by topic and area: each person chooses the topics and areas of the deadline reminders and
of new posts, and gets only those (a post without a topic or area is for everyone); an umbrella's
forwarded mail carries the post's files as signed links, one per recipient, that expire."""

from __future__ import annotations

import datetime
import re

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from network.models import GrantSubscription
from network.services import board, reminders
from network.tests.helpers import actor
from tsunagari.lib import mail
from tsunagari.lib.testing import BaseTestCase

DEADLINE = datetime.date(2027, 1, 5)
PDF = b"%PDF-1.7\n%\xe2\xe3\n"


def outbox(kind: str) -> list[tuple[str, str]]:
    with scopes_disabled():
        return sorted((m.to[0], m.subject) for m in mail.OutboxMail.objects.filter(kind=kind))


class TopicAreaMailTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.member_user = self.users[Role.MEMBER_STAFF]
        with scope(platform=self.platform):
            self.staff = actor(self.admin, self.platform)
            self.member = actor(self.member_user, self.platform)
            for topic, area in (("子ども", "徳島市"), ("高齢者", "阿南市")):  # the board's facets
                board.do_post_notice(
                    self.staff, kind="notice", title=f"{topic}{area}", body="…", topic=topic, area=area
                )

    def grant(self, title: str, topic: str = "", area: str = "") -> None:
        with scope(platform=self.platform):
            board.do_post_notice(
                self.staff,
                kind="grant",
                title=title,
                body="…",
                funder="徳島県",
                deadline=DEADLINE,
                topic=topic,
                area=area,
            )

    def test_a_member_chooses_topics_and_areas_on_the_board_and_gets_only_those_reminders(self) -> None:
        self.login(self.member_user)
        page = self.client.get(self.url("network:index"))
        self.assertContains(page, "メールでのお知らせ（分野・地域を選ぶ）")
        self.assertContains(page, 'name="topics" value="子ども"')
        self.client.post(
            self.url("network:grant_reminders"),
            {"settings": "1", "active": "1", "topics": ["子ども"], "areas": ["徳島市", "徳島市"]},
        )
        with scopes_disabled():
            chosen = GrantSubscription.objects.get(user=self.member_user)
        self.assertEqual(
            (chosen.active, chosen.topics, chosen.areas, chosen.new_posts),
            (True, ["子ども"], ["徳島市"], False),
        )
        with scope(platform=self.platform):
            reminders.do_subscribe_grants(self.staff, None, topics=["高齢者"], areas=[])
        self.grant("子ども食堂の助成", "子ども", "徳島市")
        self.grant("阿南の子ども支援", "子ども", "阿南市")
        self.grant("高齢者サロン補助", "高齢者", "阿南市")
        self.grant("県の共通補助")  # no topic, no area: for everyone
        with scope(platform=self.platform):
            reminders.do_send_grant_reminders(self.platform, datetime.date(2027, 1, 4))
        member, admin = self.member_user.email, self.admin.email
        self.assertEqual(
            outbox("network.grant_reminder"),
            sorted(
                [
                    (member, "【締切まで1日】子ども食堂の助成"),
                    (member, "【締切まで1日】県の共通補助"),
                    (admin, "【締切まで1日】高齢者サロン補助"),
                    (admin, "【締切まで1日】県の共通補助"),
                ]
            ),
        )

    def test_new_posts_reach_only_those_who_chose_their_topic_and_area(self) -> None:
        self.login(self.member_user)
        self.client.post(
            self.url("network:grant_reminders"),
            {"settings": "1", "active": "1", "new_posts": "1", "topics": ["子ども"]},
        )
        with scope(platform=self.platform):
            board.do_post_notice(self.staff, kind="notice", title="高齢者の集い", body="…", topic="高齢者")
            board.do_post_notice(
                self.staff,
                kind="notice",
                title="子ども食堂の研修",
                body="参加者募集",
                topic="子ども",
                area="鳴門市",
                uploads=[SimpleUploadedFile("要項.pdf", PDF)],
            )
            board.do_post_notice(self.staff, kind="notice", title="総会のご案内", body="…")
            # the member's own post is not mailed back to its staff
            board.do_post_notice(
                self.member,
                kind="activity",
                title="自団体の催し",
                body="…",
                topic="子ども",
                author=self.member_org,
            )
        self.assertEqual(
            outbox("network.new_post"),
            [
                (self.member_user.email, "【アルファ県PF 掲示板】子ども食堂の研修"),
                (self.member_user.email, "【アルファ県PF 掲示板】総会のご案内"),
            ],
        )
        with scopes_disabled():
            body = mail.OutboxMail.objects.get(subject__endswith="子ども食堂の研修").body
        self.assertIn("・要項.pdf", body)
        self.assertIn("/staff/network/notices/", body)
        # too many choices are refused, nothing changed
        response = self.client.post(
            self.url("network:grant_reminders"),
            {"settings": "1", "active": "1", "topics": [f"分野{i}" for i in range(21)]},
            follow=True,
        )
        self.assertContains(response, "分野は60字以内で20個まで選んでください。")
        with scopes_disabled():
            self.assertEqual(GrantSubscription.objects.get(user=self.member_user).topics, ["子ども"])


class ForwardedFilesTestCase(BaseTestCase):
    def setUp(self) -> None:
        with scope(platform=self.platform):
            self.staff = actor(self.admin, self.platform)
            self.umbrella = board.do_set_umbrella(self.staff, self.member_org, member_count=55)
            board.do_set_recipients(
                self.staff,
                self.umbrella,
                "子ども食堂01,shokudo01@example.jp\n子ども食堂02,shokudo02@example.jp",
            )
            self.notice = board.do_post_notice(
                self.staff,
                kind="notice",
                title="ノベルティグッズの配布",
                body="申込書を添付します。",
                uploads=[SimpleUploadedFile("申込書.pdf", PDF)],
            )

    def test_the_forwarded_mail_links_each_file_for_its_recipient_until_the_link_expires(self) -> None:
        with scope(platform=self.platform):
            board.do_forward(actor(self.users[Role.MEMBER_STAFF], self.platform), self.notice, self.umbrella)
        with scopes_disabled():
            mails = {m.to[0]: m.body for m in mail.OutboxMail.objects.filter(kind="network.forward")}
        body = mails["shokudo01@example.jp"]
        self.assertIn("・申込書.pdf", body)
        self.assertIn("30日間", body)
        self.assertIn("10〜25MB", body)  # why links, not attachments
        link = re.search(r"https?://\S+/network/forwarded/\S+", body).group(0)  # type: ignore[union-attr]
        path = "/" + link.split("://", 1)[1].split("/", 1)[1]
        other = re.search(r"https?://\S+/network/forwarded/\S+", mails["shokudo02@example.jp"]).group(0)  # type: ignore[union-attr]
        self.assertNotEqual(link, other)  # one link per recipient
        download = self.client.get(path)
        self.assertEqual(download.status_code, 200)
        self.assertEqual(download.content, PDF)
        self.assertTrue(download["Content-Disposition"].startswith("attachment;"))
        self.assertEqual(self.client.get(path[:-4] + "abc/").status_code, 404)  # forged
        # another recipient's id with this token
        parts = path.strip("/").split("/")
        theirs = "/" + "/".join(parts[:-2] + [other.rstrip("/").split("/")[-2], parts[-1]]) + "/"
        self.assertEqual(self.client.get(theirs).status_code, 404)
        with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
            self.assertEqual(self.client.get(path).status_code, 404)  # expired
        with scope(platform=self.platform):
            board.do_withdraw_notice(self.staff, self.notice, member=None)
        self.assertEqual(self.client.get(path).status_code, 404)  # the post was taken down
