"""The whole path over LINE: a person writes → inbox → consent → referral through the secretariat
→ the member organisation answers → the counsellor relays the answer → LINE delivers it.

LINE is the real fake LINE server (consultations/line_fake.py) driven through the signed
webhook, and deliveries run in the real django-tasks worker.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Role
from consultations.line_fake import make_event
from consultations.models import CaseworkSettings, Conversation, Direction, Message, Referral, ReferralStatus
from consultations.tests.helpers import LineTestCase, run_worker
from tsunagari.lib.smtp import smtp_server

USER = "U" + "c2" * 16
ANSWER = "社会福祉協議会の家計相談で、来週水曜日14時に面談できます。ご都合はいかがですか。"


class ReferralPathTestCase(LineTestCase):
    def as_user(self, kind: str) -> None:
        self.client.logout()
        self.login(self.users[kind])

    def test_it_takes_a_line_consultation_through_a_referral_and_back_to_the_person(self) -> None:
        with scopes_disabled():
            CaseworkSettings.objects.create(
                platform=self.platform, referrals_via_secretariat=True, secretariat_label="生活福祉課"
            )
        # 1. The person writes on LINE; the webhook stores it and the worker files it.
        token = self.fake.state.issue_reply_token(USER)
        text = "仕事を失って家賃が払えません。どこに相談したらいいですか。"
        self.assertEqual(
            self.post_events(make_event("text", USER, text=text, reply_token=token)).status_code, 200
        )
        run_worker()
        with scopes_disabled():
            conversation = Conversation.objects.get(platform=self.platform)

        # 2. The counsellor finds it in the inbox, reads it, records the topics and the consent.
        self.as_user(Role.COUNSELLOR)
        inbox = self.client.get(self.url("consultations:inbox"))
        self.assertContains(inbox, str(conversation.consulter))
        page = self.url("consultations:conversation", conversation.uuid)
        self.assertContains(self.client.get(page), text)
        self.client.post(
            page,
            {
                "action": "record",
                "rec-age_band": "40s",
                "rec-topics": ["work", "poverty"],
                "rec-risk_level": "low",
            },
        )
        until = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
        self.client.post(
            self.url("consultations:consent_new", conversation.uuid),
            {
                "items": ["summary", "profile"],
                "organisations": [self.member_org.pk],
                "city_divisions": "on",
                "valid_until": until,
                "statement": "「市と社協に伝えてよい」とLINEで返信あり",
            },
        )
        # 3. The referral goes to the secretariat (Yamagata's 生活福祉課), which forwards it.
        with smtp_server() as mail, self.mail_sent():
            self.client.post(
                self.url("consultations:referral_new", conversation.uuid),
                {"summary": "失職し家賃滞納の恐れ。40代。"},
            )
        with scopes_disabled():
            referral = Referral.objects.get(conversation=conversation)
        self.assertTrue(referral.at_secretariat)
        recipients = sorted(address.strip() for m in mail for address in str(m["To"]).split(","))
        secretariat = sorted(
            [self.users[Role.SECRETARIAT_ADMIN].email, self.users[Role.SECRETARIAT_STAFF].email]
        )
        self.assertEqual(recipients, secretariat)
        url = self.url("consultations:referral", referral.uuid)
        self.as_user(Role.SECRETARIAT_STAFF)
        self.client.post(url, {"action": "forward", "f-receiver_member": self.member_org.pk})

        # 4. The member organisation accepts, contacts the person, records outcome and answer.
        self.as_user(Role.MEMBER_STAFF)
        self.assertContains(self.client.get(url), "失職し家賃滞納の恐れ。40代。")
        self.assertNotContains(self.client.get(url), text)  # the transcript was not consented
        self.client.post(url, {"action": "respond", "p-decision": "accept"})
        now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        self.client.post(url, {"action": "contact", "c-contacted_at": now})
        self.client.post(url, {"action": "complete", "o-outcome": "service_started", "o-answer": ANSWER})

        # 5. The counsellor sees the whole path and relays the answer; LINE delivers it.
        self.as_user(Role.COUNSELLOR)
        detail = self.client.get(url)
        for step in (
            "相談員が紹介を作成",
            "事務局が紹介先へ送付",
            "紹介先が受付",
            "紹介先が受諾",
            "紹介先が本人と連絡",
            "紹介先が結果を記録",
        ):
            self.assertContains(detail, step)
        self.client.post(url, {"action": "relay", "y-text": ANSWER})
        run_worker()
        self.assertIn(ANSWER, [sent for sent, _how in self.fake.state.sent_to(USER)])
        with scopes_disabled():
            referral.refresh_from_db()
            self.assertEqual(referral.status, ReferralStatus.COMPLETED)
            self.assertIsNotNone(referral.answer_relayed_at)
            relayed = Message.objects.filter(conversation=conversation, direction=Direction.OUTBOUND).last()
        assert relayed is not None
        self.assertEqual(relayed.text, ANSWER)
