"""Mail of the network over a real SMTP server (aiosmtpd): grant deadline reminders on business
days across 年末年始, once per stage, and an umbrella forwarding a notice to its own members with
one-click unsubscribe; with no SMTP server the forward is kept and its mail waits in the outbox."""

from __future__ import annotations

import datetime
import re

from django.core.management import call_command
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from network.models import Forward, GrantSubscription, UmbrellaRecipient
from network.services import board, reminders
from network.tests.helpers import actor
from partnership.models import MemberOrganisation
from tsunagari.lib import jpcalendar, mail
from tsunagari.lib.smtp import body_of, smtp_server
from tsunagari.lib.testing import BaseTestCase

DEADLINE = datetime.date(2027, 1, 5)  # a Tuesday after 年末年始 (12/29–1/3)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


class GrantReminderTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.member_user = self.users[Role.MEMBER_STAFF]
        with scope(platform=self.platform):
            self.staff = actor(self.admin, self.platform)
            self.grant = board.do_post_notice(
                self.staff,
                kind="grant",
                title="子どもの居場所づくり支援事業補助金",
                body="県内の非営利団体が対象です。",
                funder="徳島県",
                amount_yen=1000000,
                deadline=DEADLINE,
            )

    def send(self, today: str) -> int:
        with scope(platform=self.platform):
            return reminders.do_send_grant_reminders(self.platform, day(today))

    def test_it_counts_business_days_back_over_the_new_year(self) -> None:
        self.assertEqual(jpcalendar.business_days_before(DEADLINE, 1), day("2027-01-04"))
        self.assertEqual(jpcalendar.business_days_before(DEADLINE, 5), day("2026-12-23"))
        # a deadline after a national holiday: 2027-02-24 (Wed) follows 天皇誕生日 (Tue 2/23)
        self.assertEqual(jpcalendar.business_days_before(day("2027-02-24"), 1), day("2027-02-22"))
        self.assertIsNone(reminders.due_stage(DEADLINE, day("2026-12-30")))  # 年末年始: nothing is sent

    def test_it_mails_each_stage_once_on_business_days_and_stops_on_the_link(self) -> None:
        self.login(self.member_user)
        self.client.post(self.url("network:grant_reminders"), {"active": "1"})
        with smtp_server() as inbox:
            sent = []
            for today in ("2026-12-22", "2026-12-23", "2026-12-23", "2026-12-26", "2026-12-28"):
                with self.mail_sent():
                    sent.append(self.send(today))
            self.assertEqual(sent, [0, 1, 0, 0, 0])
            # the secretariat subscribes late: on 1/4 it gets the nearest stage only
            with scope(platform=self.platform):
                reminders.do_subscribe_grants(self.staff, None)
            with self.mail_sent():
                self.assertEqual(self.send("2027-01-04"), 2)
            with self.mail_sent():
                self.assertEqual([self.send("2027-01-05"), self.send("2027-01-06")], [0, 0])
        self.assertEqual(
            [(m["To"], m["Subject"].strip()) for m in inbox],
            [
                (self.member_user.email, "【締切まで13日】子どもの居場所づくり支援事業補助金"),
                (self.member_user.email, "【締切まで1日】子どもの居場所づくり支援事業補助金"),
                (self.admin.email, "【締切まで1日】子どもの居場所づくり支援事業補助金"),
            ],
        )
        self.assertIn("締切: 2027年1月5日（令和9年1月5日）", body_of(inbox[0]))
        link = re.search(r"<(.+)>", inbox[0]["List-Unsubscribe"]).group(1)  # type: ignore[union-attr]
        self.assertEqual(inbox[0]["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        path = link.split("://", 1)[1].split("/", 1)[1]
        self.client.logout()
        self.assertEqual(self.client.get(f"/{path[:-3]}xyz/").status_code, 404)  # a forged token
        response = self.client.post(f"/{path}", {"List-Unsubscribe": "One-Click"})
        self.assertContains(response, "配信を停止しました。")
        with scopes_disabled():
            self.assertFalse(GrantSubscription.objects.get(user=self.member_user).active)

    def test_it_sends_nothing_to_a_member_that_left_and_runs_from_the_scheduler_command(self) -> None:
        with scope(platform=self.platform):
            reminders.do_subscribe_grants(actor(self.member_user, self.platform), self.member_org)
        out = []
        for today in ("2026-12-23", "2026-12-23"):
            with self.captureOnCommitCallbacks(execute=True):
                call_command("grant_reminders", "alpha", "--today", today, stdout=(buffer := _Buffer()))
            out.append(buffer.text.strip().splitlines()[-1])
        self.assertEqual(out, ["queued 1", "queued 0"])
        with scopes_disabled():
            MemberOrganisation.objects.filter(pk=self.member_org.pk).update(status="withdrawn")
        self.assertEqual(self.send("2027-01-04"), 0)


class _Buffer:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


class UmbrellaMailTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.member_user = self.users[Role.MEMBER_STAFF]
        with scope(platform=self.platform):
            self.staff = actor(self.admin, self.platform)
            self.umbrella = board.do_set_umbrella(self.staff, self.member_org, member_count=55)
            self.notice = board.do_post_notice(
                self.staff, kind="notice", title="ノベルティグッズの配布", body="エプロンとバッグを配ります。"
            )

    def test_it_mails_a_forwarded_notice_to_each_listed_member_with_its_own_unsubscribe(self) -> None:
        self.login(self.member_user)
        url = self.url("network:umbrellas")
        response = self.client.post(
            url, {"text": "子ども食堂01,shokudo01@example.jp\n子ども食堂02 shokudo02"}
        )
        self.assertContains(response, "2行目: 「団体名,メールアドレス」の形で書いてください。")
        response = self.client.post(
            url,
            {
                "text": "子ども食堂01,shokudo01@example.jp\n子ども食堂02、ｓｈｏｋｕｄｏ02@example.jp\n子ども食堂03\tshokudo03@example"
            },
        )
        self.assertContains(response, "3行目: メールアドレス「shokudo03@example」の形式が正しくありません。")
        with scopes_disabled():
            self.assertFalse(UmbrellaRecipient.objects.exists())  # all or nothing
        self.client.post(
            url,
            {
                "text": "子ども食堂01,shokudo01@example.jp\n子ども食堂02、ｓｈｏｋｕｄｏ02@example.jp\n子ども食堂03,shokudo03@example.jp"
            },
        )
        with smtp_server() as inbox, self.mail_sent():
            response = self.client.post(self.url("network:forward", self.notice.uuid), follow=True)
        self.assertContains(response, "傘下の3団体へのメールの送信を予約しました。")
        self.assertEqual(sorted(m["To"] for m in inbox), [f"shokudo0{i}@example.jp" for i in (1, 2, 3)])
        first = next(m for m in inbox if m["To"] == "shokudo01@example.jp")
        self.assertEqual(first["Subject"].strip(), "【NPO法人アルファ支援ネットより】ノベルティグッズの配布")
        self.assertIn("エプロンとバッグを配ります。", body_of(first))
        self.assertEqual(first["Reply-To"], self.member_org.email)
        links = {m["To"]: m["List-Unsubscribe"] for m in inbox}
        self.assertEqual(len(set(links.values())), 3)
        path = "/" + links["shokudo02@example.jp"].strip("<>").split("://", 1)[1].split("/", 1)[1]
        self.client.logout()
        self.assertContains(self.client.get(path), "配信を停止する")
        self.client.post(path)
        self.assertContains(self.client.get(path), "配信を停止しました。")
        with scope(platform=self.platform):
            second = board.do_post_notice(self.staff, kind="notice", title="相談窓口一覧の更新", body="…")
        with smtp_server() as inbox, self.mail_sent():
            with scope(platform=self.platform):
                board.do_forward(actor(self.member_user, self.platform), second, self.umbrella)
        self.assertEqual(sorted(m["To"] for m in inbox), ["shokudo01@example.jp", "shokudo03@example.jp"])
        with scopes_disabled():
            self.assertEqual(sorted(Forward.objects.values_list("reach", flat=True)), [2, 3])
        self.login(self.admin)
        self.assertContains(self.client.get(self.url("network:umbrellas")), "NPO法人アルファ支援ネット")

    def test_it_keeps_the_forward_when_no_smtp_server_answers(self) -> None:
        with scope(platform=self.platform):
            board.do_set_recipients(self.staff, self.umbrella, "子ども食堂01,shokudo01@example.jp")
        nowhere = self.settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=9
        )  # nothing listens on port 9
        with nowhere, self.mail_sent():
            with scope(platform=self.platform):
                board.do_forward(self.staff, self.notice, self.umbrella)
        with scopes_disabled():
            self.assertEqual(Forward.objects.get().reach, 1)
            queued = mail.OutboxMail.objects.get(kind="network.forward")
        self.assertNotEqual(queued.state, mail.OutboxMail.State.SENT)
        self.assertTrue(queued.last_error)
