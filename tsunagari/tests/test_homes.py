"""Each role's home: what needs doing, urgent first, each a link with a count; queries pinned.

Lives at the top (tsunagari/tests) because the fixtures span every capability app.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from consultations.models import Direction, Message, Referral, ReferralStatus
from consultations.tests.casework import make_consent, make_conversation
from directory.models import Organization, Service, ServiceChange
from partnership.models import Application, ChangeRequest, OrgType
from surveys.models import Invitation
from surveys.services.questionnaire import do_create_survey, do_open_survey
from tsunagari.lib.outbox.models import OutboxMail
from tsunagari.lib.testing import BaseTestCase


def application(platform, name: str) -> Application:  # type: ignore[no-untyped-def]
    return Application.objects.create(
        platform=platform,
        name=name,
        name_kana="しんせい",
        org_type=OrgType.NPO,
        representative="代表 花子",
        postal_code="500-8570",
        address="岐阜県岐阜市薮田南2丁目1番1号",
        phone="058-272-1111",
        email="apply@example.jp",
        contact_person="担当",
        area="岐阜市",
        description="活動",
    )


def make_home_fixtures(cls) -> None:  # type: ignore[no-untyped-def]
    """Work for every home: applications, a change, conversations, referrals, a proposal, a survey, a failed mail."""
    now = timezone.now()
    today = timezone.localdate()
    with scopes_disabled():
        application(cls.platform, "NPO法人あおぞら")
        application(cls.platform, "NPO法人しおかぜ")
        application(cls.other_platform, "NPO法人よその申込")
        ChangeRequest.objects.create(
            platform=cls.platform, organisation=cls.member_org, changes={"area": "県内"}
        )
        cls.urgent = make_conversation(cls.platform, "もう無理です", label="URG1", urgent=True)
        cls.long_wait = make_conversation(
            cls.platform, "相談したいです", label="WAIT5", at=now - datetime.timedelta(hours=5)
        )
        cls.short_wait = make_conversation(
            cls.platform, "こんにちは", label="WAIT1", at=now - datetime.timedelta(minutes=30)
        )
        answered = make_conversation(
            cls.platform, "ありがとう", label="DONE", at=now - datetime.timedelta(hours=9)
        )
        Message.objects.create(
            platform=cls.platform,
            conversation=answered,
            direction=Direction.OUTBOUND,
            text="どういたしまして",
        )
        answered.last_message_at = now
        answered.save()
        consent = make_consent(cls.long_wait, cls.member_org)
        cls.overdue = Referral.objects.create(
            platform=cls.platform,
            conversation=cls.long_wait,
            consent=consent,
            receiver_member=cls.member_org,
            status=ReferralStatus.REQUESTED,
            sent_to_receiver_at=now - datetime.timedelta(days=5),
            due_on=today - datetime.timedelta(days=1),
        )
        cls.upcoming = Referral.objects.create(
            platform=cls.platform,
            conversation=cls.short_wait,
            consent=make_consent(cls.short_wait, cls.member_org),
            receiver_member=cls.member_org,
            status=ReferralStatus.RECEIVED,
            sent_to_receiver_at=now,
            due_on=today + datetime.timedelta(days=2),
        )
        org = Organization.objects.create(
            platform=cls.platform, name=cls.member_org.name, member=cls.member_org
        )
        cls.service = Service.objects.create(
            platform=cls.platform,
            organization=org,
            name="アルファ子ども食堂",
            member=cls.member_org,
            is_published=True,
        )
        ServiceChange.objects.create(
            platform=cls.platform, service=cls.service, changes={"name": "新しい名前"}
        )
        OutboxMail.objects.create(
            platform=cls.platform,
            key="home:failed",
            from_email="noreply@example.jp",
            to=["x@example.jp"],
            subject="届かなかったお知らせ",
            body="本文",
            state=OutboxMail.State.FAILED,
            last_error="550 rejected",
        )
    with scope(platform=cls.platform):
        survey = do_create_survey(
            cls.platform,
            slug="dantai",
            title="支援団体向け活動実態調査",
            template="organisation",
            audience="organisations",
        )
        do_open_survey(survey)
        Invitation.objects.create(platform=cls.platform, survey=survey, code="AAAA-BBBB", used_at=now)
        Invitation.objects.create(platform=cls.platform, survey=survey, code="CCCC-DDDD")


class HomeTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        make_home_fixtures(cls)

    def home(self, kind: str, queries: int):  # type: ignore[no-untyped-def]
        self.login(self.users[kind])
        url = self.url("platforms:dashboard")
        self.client.get(url)  # warm the session and caches the way a second visit finds them
        with self.assertNumQueries(queries):
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response

    def blocks(self, response) -> dict[str, object]:  # type: ignore[no-untyped-def]
        return {str(block.title): block for block in response.context["blocks"]}

    def test_it_gives_the_secretariat_a_dashboard_of_what_needs_doing(self) -> None:
        response = self.home(Role.SECRETARIAT_ADMIN, 14)
        self.assertContains(response, "事務局ホーム")
        blocks = self.blocks(response)
        self.assertEqual(blocks["審査待ちの入会申込"].count, 2)
        self.assertEqual(blocks["確認待ちの変更届・退会届"].count, 1)
        self.assertEqual(blocks["確認待ちの窓口情報の変更申請"].count, 1)
        self.assertEqual(blocks["期限を過ぎた紹介"].count, 1)
        self.assertEqual(blocks["緊急の相談"].count, 1)
        self.assertEqual(blocks["送信に失敗したメール"].count, 1)
        surveys = blocks["回答受付中の調査と回収率"]
        self.assertEqual(
            [(line.text, line.note) for line in surveys.lines],
            [("支援団体向け活動実態調査", "回答 1 / 招待 2（50.0%）")],
        )
        titles = list(blocks)
        self.assertEqual(
            titles[:3], ["緊急の相談", "期限を過ぎた紹介", "送信に失敗したメール"]
        )  # urgent work first
        self.assertContains(response, 'href="/p/alpha/staff/applications/"')
        self.assertContains(response, 'href="/p/alpha/staff/audit/mail/?state=failed"')

    def test_it_gives_the_counsellor_the_inbox_urgent_first_then_longest_waiting(self) -> None:
        response = self.home(Role.COUNSELLOR, 11)
        self.assertContains(response, "相談員ホーム")
        blocks = self.blocks(response)
        inbox = blocks["相談受付箱（緊急・待ち時間の長い順）"]
        self.assertEqual([line.text for line in inbox.lines], ["相談者 URG1", "相談者 WAIT5", "相談者 WAIT1"])
        self.assertEqual(inbox.lines[1].note, "5時間待ち")
        referrals = blocks["応答待ち・期限超過の紹介"]
        self.assertEqual([line.urgent for line in referrals.lines], [True, False])
        self.assertIn("期限超過", referrals.lines[0].note)
        hours = str(blocks["今日の対応時間"].note)
        self.assertTrue(hours, "the block says when the desk opens today, or that it does not")
        self.assertNotIn("今日の対応時間", hours)  # the block's title, not said twice
        self.assertNotContains(response, "もう無理です")  # never what the person wrote
        self.assertNotIn("審査待ちの入会申込", blocks)

    def test_it_gives_member_staff_their_referrals_services_and_record(self) -> None:
        response = self.home(Role.MEMBER_STAFF, 9)
        self.assertContains(response, "会員団体ホーム")
        blocks = self.blocks(response)
        referrals = blocks["届いた紹介（応答期限順）"]
        self.assertEqual(referrals.count, 2)
        self.assertTrue(referrals.lines[0].urgent)
        services = blocks["自団体の支援・相談窓口と変更申請"]
        self.assertEqual(
            [(line.text, line.note) for line in services.lines], [("アルファ子ども食堂", "変更申請を確認中")]
        )
        record = blocks["自団体の登録情報"]
        self.assertEqual(record.lines[0].text, self.member_org.name)
        self.assertIn("変更届を事務局が確認中です", [str(line.text) for line in record.lines])
        self.assertNotIn("緊急の相談", blocks)

    def test_it_gives_the_viewer_read_only_figures(self) -> None:
        response = self.home(Role.VIEWER, 9)
        self.assertContains(response, "閲覧者ホーム")
        blocks = self.blocks(response)
        self.assertEqual(blocks["会員団体"].count, 1)
        self.assertEqual(blocks["今月の相談件数"].count, 4)
        self.assertEqual(blocks["掲載中の支援・相談窓口"].count, 1)
        self.assertNotIn("送信に失敗したメール", blocks)

    def test_it_keeps_the_query_count_when_there_is_more_work(self) -> None:
        with scopes_disabled():
            for i in range(5):
                application(self.platform, f"NPO法人追加{i}")
                make_conversation(self.platform, "相談です", label=f"MORE{i}", urgent=bool(i % 2))
        self.home(Role.SECRETARIAT_ADMIN, 14)
        self.home(Role.COUNSELLOR, 11)

    def test_it_answers_404_to_another_platforms_staff(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url("platforms:dashboard")).status_code, 404)
