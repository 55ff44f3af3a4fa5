"""Consent-gated referrals with a closed loop: /p/<slug>/staff/referrals/ and the desk's forms."""

from __future__ import annotations

import datetime
import io

from django.core.management import call_command
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Role, User
from consultations.models import (
    CaseworkSettings,
    Consent,
    ConversationState,
    Direction,
    Message,
    Referral,
    ReferralStatus,
    ShareItem,
)
from consultations.tests.casework import make_consent, make_conversation
from directory.models import Organization, Service
from tsunagari.lib.jpcalendar import add_business_days
from tsunagari.lib.smtp import body_of, smtp_server
from tsunagari.lib.testing import PASSWORD, BaseTestCase, make_member

SUMMARY = "40代女性。仕事を失い家賃の支払いに困っている。"


class ReferralTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.counsellor = cls.users[Role.COUNSELLOR]
        cls.receiver_staff = cls.users[Role.MEMBER_STAFF]  # staff of cls.member_org
        cls.bystander = make_member(cls.platform, "NPO法人よそ見")
        cls.bystander_staff = User.objects.create_user("bystander@alpha.example.jp", PASSWORD)
        Role.objects.create(
            user=cls.bystander_staff,
            platform=cls.platform,
            kind=Role.MEMBER_STAFF,
            organisation=cls.bystander,
        )
        cls.conversation = make_conversation(cls.platform, "家賃が払えなくて困っています", label="RF01")
        with scopes_disabled():
            city = Organization.objects.create(platform=cls.platform, name=cls.platform.owner_name)
            cls.window = Service.objects.create(
                platform=cls.platform, organization=city, name="障がい福祉課 相談窓口", is_published=True
            )
            Service.objects.create(
                platform=cls.platform,
                organization=city,
                name="よそ見の窓口",
                is_published=True,
                member=cls.bystander,
            )

    def setUp(self) -> None:
        self.login(self.counsellor)

    def refer(self, **data: object):  # type: ignore[no-untyped-def]
        return self.client.post(self.url("consultations:referral_new", self.conversation.uuid), data)

    def referral(self) -> Referral:
        with scopes_disabled():
            return Referral.objects.select_related("consent").get(conversation=self.conversation)

    def as_user(self, user: User):  # type: ignore[no-untyped-def]
        self.client.logout()
        return self.login(user)

    def test_it_refuses_a_referral_without_recorded_consent(self) -> None:
        page = self.client.get(self.url("consultations:referral_new", self.conversation.uuid))
        self.assertContains(page, "本人の有効な同意がないため、紹介できません。")
        response = self.refer(receiver_member=self.member_org.pk, summary=SUMMARY)
        self.assertEqual(response.status_code, 400)
        with scopes_disabled():
            self.assertFalse(Referral.objects.exists())

    def test_it_records_consent_with_items_organisations_and_expiry(self) -> None:
        url = self.url("consultations:consent_new", self.conversation.uuid)
        bad = self.client.post(url, {"items": ["summary"], "valid_until": "2020-01-01", "statement": "x"})
        self.assertContains(bad, "共有してよい団体か市役所内の関係課を選んでください。")
        past = self.client.post(
            url,
            {
                "items": ["summary"],
                "organisations": [self.member_org.pk],
                "valid_until": "2020-01-01",
                "statement": "x",
            },
        )
        self.assertContains(past, "今日以降の日付")
        until = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
        ok = self.client.post(
            url,
            {
                "items": ["summary", "profile"],
                "organisations": [self.member_org.pk],
                "valid_until": until,
                "statement": "同意あり",
            },
        )
        self.assertRedirects(ok, self.url("consultations:conversation", self.conversation.uuid))
        with scopes_disabled():
            consent = Consent.objects.get(conversation=self.conversation)
            self.assertEqual(consent.items, ["summary", "profile"])
            self.assertEqual(list(consent.organisations.all()), [self.member_org])
            self.assertEqual(consent.statement, "同意あり")

    def test_it_refuses_a_receiver_the_consent_does_not_name(self) -> None:
        make_consent(self.conversation, self.member_org)
        response = self.refer(receiver_member=self.bystander.pk, summary=SUMMARY)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "正しく選択してください", status_code=400)
        division = self.refer(receiver_service=self.window.pk, summary=SUMMARY)
        self.assertEqual(
            division.status_code, 400
        )  # the field is not even offered without consent for divisions
        with scopes_disabled():
            self.assertFalse(Referral.objects.exists())

    def test_it_closes_the_loop_from_referral_to_the_answer_sent_to_the_person(self) -> None:
        """conversation → consent → referral → received → accepted → contact → outcome → answer relayed."""
        make_consent(self.conversation, self.member_org)
        with smtp_server() as inbox, self.mail_sent():
            response = self.refer(receiver_member=self.member_org.pk, summary=SUMMARY)
        referral = self.referral()
        self.assertRedirects(response, self.url("consultations:referral", referral.uuid))
        self.assertEqual(referral.status, ReferralStatus.REQUESTED)
        self.assertEqual(referral.due_on, add_business_days(timezone.localdate(), 2))
        self.assertEqual([m["To"] for m in inbox], [self.receiver_staff.email])
        self.assertNotIn("家賃", body_of(inbox[0]))  # mail says there is a referral, never what it is about
        with scopes_disabled():
            self.assertEqual(
                self.conversation.__class__.objects.get(pk=self.conversation.pk).state,
                ConversationState.REFERRED,
            )

        # The receiving organisation opens it (received), reads the summary, accepts.
        self.as_user(self.receiver_staff)
        url = self.url("consultations:referral", referral.uuid)
        page = self.client.get(url)
        self.assertContains(page, SUMMARY)
        self.assertNotContains(page, "家賃が払えなくて困っています")  # the transcript was not consented
        self.assertEqual(self.referral().status, ReferralStatus.RECEIVED)
        self.client.post(url, {"action": "respond", "p-decision": "accept", "p-answer": "", "p-note": ""})
        self.assertEqual(self.referral().status, ReferralStatus.ACCEPTED)
        contacted = timezone.localtime().replace(second=0, microsecond=0)
        self.client.post(
            url, {"action": "contact", "c-contacted_at": contacted.strftime("%Y-%m-%dT%H:%M"), "c-note": ""}
        )
        self.assertEqual(self.referral().status, ReferralStatus.IN_PROGRESS)
        no_outcome = self.client.post(url, {"action": "complete", "o-outcome": "", "o-answer": "x"})
        self.assertContains(no_outcome, "このフィールドは必須です", status_code=400)
        no_answer = self.client.post(
            url, {"action": "complete", "o-outcome": "service_started", "o-answer": ""}
        )
        self.assertContains(no_answer, "相談員が本人へ伝える回答", status_code=400)
        answer = "社協の家計相談で、来週水曜日14時に面談できます。"
        with smtp_server() as inbox, self.mail_sent():
            self.client.post(url, {"action": "complete", "o-outcome": "service_started", "o-answer": answer})
        referral = self.referral()
        self.assertEqual((referral.status, referral.outcome), (ReferralStatus.COMPLETED, "service_started"))
        # The acceptance's mail, queued while no server ran, is delivered now with the answer's.
        self.assertEqual([m["To"] for m in inbox], [self.counsellor.email] * 2)

        # Back at the desk: the counsellor sees the whole path and relays the answer.
        self.as_user(self.counsellor)
        page = self.client.get(url)
        for step in (
            "相談員が紹介を作成",
            "紹介先が受付",
            "紹介先が受諾",
            "紹介先が本人と連絡",
            "紹介先が結果を記録",
        ):
            self.assertContains(page, step)
        self.assertContains(page, answer)
        self.client.post(url, {"action": "relay", "y-text": answer})
        self.assertIsNotNone(self.referral().answer_relayed_at)
        with scopes_disabled():
            sent = Message.objects.filter(conversation=self.conversation, direction=Direction.OUTBOUND).get()
        self.assertEqual(sent.text, answer)
        self.assertEqual(sent.sent_by, self.counsellor)

    def test_it_lets_the_receiver_decline_with_a_reason_or_wait_list(self) -> None:
        make_consent(self.conversation, self.member_org)
        self.refer(receiver_member=self.member_org.pk, summary=SUMMARY)
        url = self.url("consultations:referral", self.referral().uuid)
        self.as_user(self.receiver_staff)
        hold = self.client.post(url, {"action": "respond", "p-decision": "hold"})
        self.assertEqual(hold.status_code, 302)
        self.assertEqual(self.referral().status, ReferralStatus.ON_HOLD)
        reasonless = self.client.post(url, {"action": "respond", "p-decision": "decline"})
        self.assertContains(reasonless, "辞退の理由を選んでください。", status_code=400)
        self.client.post(
            url,
            {
                "action": "respond",
                "p-decision": "decline",
                "p-decline_reason": "no_capacity",
                "p-answer": "今月は満員です",
            },
        )
        referral = self.referral()
        self.assertEqual((referral.status, referral.decline_reason), (ReferralStatus.REJECTED, "no_capacity"))
        self.assertEqual(referral.answer, "今月は満員です")

    def test_it_routes_referrals_through_the_secretariat_when_the_platform_requires_it(self) -> None:
        """Yamagata: every referral goes to 生活福祉課, which passes it on."""
        with scopes_disabled():
            CaseworkSettings.objects.create(
                platform=self.platform, referrals_via_secretariat=True, secretariat_label="生活福祉課"
            )
        make_consent(self.conversation, self.member_org, city_divisions=True)
        page = self.client.get(self.url("consultations:referral_new", self.conversation.uuid))
        self.assertContains(page, "生活福祉課を経由します")
        self.refer(summary=SUMMARY)  # the secretariat chooses the receiver
        referral = self.referral()
        self.assertTrue(referral.at_secretariat)
        url = self.url("consultations:referral", referral.uuid)
        self.as_user(self.receiver_staff)
        self.assertEqual(self.client.get(url).status_code, 404)  # not sent to them yet
        self.as_user(self.users[Role.SECRETARIAT_STAFF])
        response = self.client.post(
            url, {"action": "forward", "f-receiver_member": self.member_org.pk, "f-note": "至急"}
        )
        self.assertEqual(response.status_code, 302)
        referral = self.referral()
        self.assertFalse(referral.at_secretariat)
        self.assertEqual(referral.receiver_member, self.member_org)
        self.as_user(self.receiver_staff)
        self.assertContains(self.client.get(url), SUMMARY)

    def test_it_carries_the_secretariats_note_and_the_thread_to_the_receiver_page_and_mail(self) -> None:
        with scopes_disabled():
            CaseworkSettings.objects.create(
                platform=self.platform, referrals_via_secretariat=True, secretariat_label="生活福祉課"
            )
        consent = make_consent(self.conversation, self.member_org)
        self.refer(summary=SUMMARY)
        url = self.url("consultations:referral", self.referral().uuid)
        note = "ご本人は平日の午後なら電話に出られます。折り返しは女性の担当者を希望されています。"
        self.as_user(self.users[Role.SECRETARIAT_STAFF])
        with smtp_server() as inbox, self.mail_sent():
            self.client.post(
                url, {"action": "forward", "f-receiver_member": self.member_org.pk, "f-note": note}
            )
        to_receiver = [m for m in inbox if m["To"] == self.receiver_staff.email]
        self.assertEqual(len(to_receiver), 1)
        self.assertIn(note, body_of(to_receiver[0]))
        self.assertIn("事務局からのメモ", body_of(to_receiver[0]))
        self.assertNotIn("家賃", body_of(to_receiver[0]))  # the summary stays behind the login
        self.as_user(self.receiver_staff)
        page = self.client.get(url)
        self.assertContains(page, "事務局・紹介先のメモ")
        self.assertContains(page, note)
        # A later message of the thread: the receiver's note to the counsellor, in the desk's mail.
        reply = "明日14時に電話します。"
        with smtp_server() as inbox, self.mail_sent():
            self.client.post(url, {"action": "respond", "p-decision": "accept", "p-note": reply})
        self.assertContains(self.client.get(url), reply)
        self.assertTrue(any(reply in body_of(m) for m in inbox if m["To"] == self.counsellor.email))
        # Consent still decides: once withdrawn, the receiver no longer reads the notes.
        with scopes_disabled():
            consent.withdrawn_at = timezone.now()
            consent.save()
        page = self.client.get(url)
        self.assertNotContains(page, note)
        self.assertContains(page, "本人の同意が有効でないため表示できません")
        self.as_user(self.users[Role.SECRETARIAT_STAFF])
        self.assertContains(self.client.get(url), note)

    def test_it_pages_the_referral_list_50_at_a_time_keeping_the_filter(self) -> None:
        consent = make_consent(self.conversation, self.member_org)
        today = timezone.localdate()
        with scopes_disabled():
            Referral.objects.bulk_create(
                Referral(
                    platform=self.platform,
                    conversation=self.conversation,
                    consent=consent,
                    receiver_member=self.member_org,
                    status=ReferralStatus.REQUESTED,
                    sent_to_receiver_at=timezone.now(),
                    due_on=today - datetime.timedelta(days=1 + i % 3),
                )
                for i in range(120)
            )
        first = self.client.get(self.url("consultations:referrals"), {"show": "overdue"})
        self.assertEqual(len(first.context["referrals"]), 50)
        self.assertContains(first, "1 / 3")
        self.assertContains(first, "?show=overdue&amp;page=2")
        last = self.client.get(self.url("consultations:referrals"), {"show": "overdue", "page": 3})
        self.assertEqual(len(last.context["referrals"]), 20)

    def test_it_lets_the_secretariat_answer_for_a_city_division(self) -> None:
        make_consent(self.conversation, city_divisions=True)
        page = self.client.get(self.url("consultations:referral_new", self.conversation.uuid))
        self.assertContains(page, "障がい福祉課 相談窓口")
        self.assertNotContains(page, "よそ見の窓口")  # a member's service goes to the member, not here
        self.refer(receiver_service=self.window.pk, summary=SUMMARY)
        referral = self.referral()
        self.assertEqual(referral.receiver_label, "障がい福祉課 相談窓口")
        url = self.url("consultations:referral", referral.uuid)
        self.as_user(self.users[Role.SECRETARIAT_ADMIN])
        self.client.post(url, {"action": "respond", "p-decision": "accept"})
        self.assertEqual(self.referral().status, ReferralStatus.ACCEPTED)
        self.as_user(self.counsellor)
        response = self.client.post(url, {"action": "respond", "p-decision": "accept"})
        self.assertEqual(response.status_code, 403)

    def test_it_shows_another_organisation_nothing(self) -> None:
        make_consent(self.conversation, self.member_org)
        self.refer(receiver_member=self.member_org.pk, summary=SUMMARY)
        url = self.url("consultations:referral", self.referral().uuid)
        self.as_user(self.bystander_staff)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(
            self.client.post(url, {"action": "respond", "p-decision": "accept"}).status_code, 404
        )
        self.assertNotContains(
            self.client.get(self.url("consultations:referrals")), "NPO法人アルファ支援ネット"
        )
        self.as_user(self.outsider)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_it_stops_sharing_when_the_person_withdraws_consent(self) -> None:
        consent = make_consent(self.conversation, self.member_org)
        self.refer(receiver_member=self.member_org.pk, summary=SUMMARY)
        referral_url = self.url("consultations:referral", self.referral().uuid)
        self.as_user(self.receiver_staff)
        self.assertContains(self.client.get(referral_url), SUMMARY)
        self.as_user(self.counsellor)
        response = self.client.post(
            self.url("consultations:conversation", self.conversation.uuid),
            {"action": "withdraw_consent", "consent": str(consent.uuid)},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.referral().status, ReferralStatus.CANCELLED)
        self.as_user(self.receiver_staff)
        page = self.client.get(referral_url)
        self.assertNotContains(page, SUMMARY)
        self.assertContains(page, "本人が同意を撤回した")
        self.as_user(self.counsellor)
        again = self.refer(receiver_member=self.member_org.pk, summary=SUMMARY)
        self.assertContains(again, "本人の有効な同意がないため", status_code=400)

    def test_it_refuses_a_summary_the_person_did_not_allow(self) -> None:
        make_consent(self.conversation, self.member_org, items=(ShareItem.PROFILE,))
        self.refer(receiver_member=self.member_org.pk, summary=SUMMARY)  # the field is not offered: ignored
        self.assertEqual(self.referral().summary, "")

    def test_it_chases_overdue_referrals_by_mail_once_a_day(self) -> None:
        make_consent(self.conversation, self.member_org)
        self.refer(receiver_member=self.member_org.pk, summary=SUMMARY)
        referral = self.referral()
        late = referral.due_on + datetime.timedelta(days=1)
        out = io.StringIO()
        with smtp_server() as inbox, self.mail_sent():
            call_command("chase_referrals", "alpha", "--today", referral.due_on.isoformat(), stdout=out)
            self.assertEqual(inbox, [])
            call_command("chase_referrals", "alpha", "--today", late.isoformat(), stdout=out)
            call_command("chase_referrals", "alpha", "--today", late.isoformat(), stdout=out)
        # The referral's own mail (queued before the server ran) and one reminder, not two.
        overdue = [m for m in inbox if "応答期限" in str(m["Subject"])]
        self.assertEqual(len(inbox), 2)
        self.assertEqual(len(overdue), 1)
        self.assertEqual(overdue[0]["To"], self.receiver_staff.email)
        referral = self.referral()
        self.assertIsNotNone(referral.overdue_flagged_at)
        self.assertEqual(referral.reminders_sent, 1)
        self.as_user(self.counsellor)
        listing = self.client.get(self.url("consultations:referrals"), {"show": "all"})
        self.assertContains(listing, "期限超過")

    def test_it_counts_business_days_past_weekends_and_holidays(self) -> None:
        friday = datetime.date(2026, 4, 24)
        self.assertEqual(add_business_days(friday, 2), datetime.date(2026, 4, 28))  # skips the weekend
        self.assertEqual(
            add_business_days(datetime.date(2026, 4, 28), 2), datetime.date(2026, 5, 1)
        )  # 4/29 昭和の日
        self.assertEqual(
            add_business_days(datetime.date(2026, 12, 28), 1), datetime.date(2027, 1, 4)
        )  # 年末年始
