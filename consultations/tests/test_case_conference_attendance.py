"""Issue 20, conferences: the attendance list, the invitation mail to non-member agencies (only
what the household agreed to), a member's withdrawal cancelling the case's referrals made on
their consent, and case referral pages that do not speak of a chat."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from audit.models import AuditEntry
from consultations.models import (
    CaseConference,
    CaseOrigin,
    ConferenceAttendee,
    Consent,
    HouseholdMember,
    MemberConsent,
    Referral,
    ReferralEvent,
    ReferralStatus,
    ShareItem,
)
from consultations.services.cases import (
    MemberInput,
    do_invite,
    do_invite_guest,
    do_mail_conference_invitation,
    do_open_case_from_contact,
    do_record_conference,
)
from consultations.tests.casework import actor
from tsunagari.lib.outbox.models import OutboxMail
from tsunagari.lib.smtp import body_of, smtp_server
from tsunagari.lib.testing import BaseTestCase, make_member

OUTCOME = "長男の負担軽減のため、ショートステイの利用を検討する。"
ASSESSMENT = "長男が夜間の介護で眠れていない。"


def main_of(html: bytes) -> str:
    text = html.decode()
    return text[text.index("<main") : text.index("</main>")]


class CaseSetup(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.secretariat = cls.users[Role.SECRETARIAT_STAFF]
        cls.receiver_staff = cls.users[Role.MEMBER_STAFF]  # staff of cls.member_org
        cls.other = make_member(cls.platform, "NPO法人ほかの団体")

    def open_case(self, *, invite: bool = True):
        self.system = actor(self.secretariat, self.platform)
        with scope(platform=self.platform):
            case = do_open_case_from_contact(
                self.platform,
                origin=CaseOrigin.AGENCY,
                referring_body="地域包括支援センター",
                referring_contact="",
                watch_only=False,
                contact_on=timezone.localdate(),
                summary="包括から連絡",
                members=[
                    MemberInput("祖母", "grandparent", "80s+", is_concern=True, consented=True),
                    MemberInput("長男", "self", "50s", is_main_carer=True, consented=True),
                ],
                items=[ShareItem.SUMMARY, ShareItem.PROFILE, ShareItem.ASSESSMENT, ShareItem.MEETING_NOTES],
                organisations=[self.member_org, self.other],
                city_divisions=False,
                valid_until=timezone.localdate() + datetime.timedelta(days=90),
                statement="訪問時に説明",
                actor=self.system,
            )
            case.assessment = ASSESSMENT
            case.save(update_fields=["assessment"])
            if invite:
                do_invite(case, self.member_org, actor=self.system)
        return case


class AttendanceTests(CaseSetup):
    def setUp(self) -> None:
        self.case = self.open_case()
        self.case_url = self.url("consultations:case", self.case.uuid)
        with scope(platform=self.platform):
            self.school = do_invite_guest(
                self.case,
                organisation_name="市立第一中学校",
                name="佐藤 教頭",
                email="sato@school.example.jp",
                household_agreed=True,
                actor=self.system,
            )
            self.clinic = do_invite_guest(
                self.case,
                organisation_name="みどり診療所",
                name="田中 看護師",
                household_agreed=True,
                actor=self.system,
            )

    def test_the_conference_records_who_attended_from_which_organisation(self) -> None:
        self.login(self.secretariat)
        form = self.client.get(self.case_url)
        self.assertContains(form, f"「{self.member_org.name}」の出席者名")
        done = self.client.post(
            self.case_url,
            {
                "action": "conference",
                "k-held_on": timezone.localdate().isoformat(),
                "k-outcome": OUTCOME,
                f"k-member_{self.member_org.pk}": "鈴木 相談員",
                "k-guests": [str(self.school.uuid)],
            },
        )
        self.assertEqual(done.status_code, 302)
        with scopes_disabled():
            rows = {(a.organisation_label, a.name) for a in ConferenceAttendee.objects.all()}
            entry = AuditEntry.objects.get(action="case.conference_recorded")
        self.assertEqual(rows, {(self.member_org.name, "鈴木 相談員"), ("市立第一中学校", "佐藤 教頭")})
        self.assertEqual((entry.data["members"], entry.data["guests"]), (1, 1))
        page = self.client.get(self.case_url)
        self.assertContains(page, "の出席者</caption>")
        self.assertContains(page, "鈴木 相談員")
        self.assertNotContains(page, "田中 看護師</td>")  # the clinic did not come
        # The member organisation sees the list with the notes its consent covers.
        self.login(self.receiver_staff)
        self.assertContains(self.client.get(self.case_url), "佐藤 教頭</td>")

    def test_an_attendee_from_outside_the_case_is_refused_and_nothing_is_written(self) -> None:
        other_case = self.open_case(invite=False)
        with scope(platform=self.platform):
            stranger = do_invite_guest(
                other_case,
                organisation_name="別ケースの機関",
                name="山本",
                household_agreed=True,
                actor=self.system,
            )
            with self.assertRaises(ValidationError) as refused:
                do_record_conference(
                    self.case,
                    held_on=timezone.localdate(),
                    outcome=OUTCOME,
                    members=[(self.other, "高橋"), (self.member_org, " ")],
                    guests=[stranger, self.school, self.school],
                    actor=self.system,
                )
            self.assertFalse(CaseConference.objects.exists())
            self.assertFalse(ConferenceAttendee.objects.exists())
        messages = " ".join(refused.exception.messages)
        self.assertIn(f"「{self.other.name}」はこのケースに参加していません", messages)
        self.assertIn(f"「{self.member_org.name}」の出席者名を入力してください", messages)
        self.assertIn("「別ケースの機関」はこのケースに招待された機関ではありません", messages)
        self.assertIn("同じ団体・機関が出席者に2回含まれています", messages)

    def test_guests_are_invited_by_mail_with_nothing_the_household_did_not_agree_to(self) -> None:
        self.login(self.secretariat)
        meets_on = timezone.localdate() + datetime.timedelta(days=7)
        data = {
            "action": "guest_mail",
            "gm-guests": [str(self.school.uuid)],
            "gm-meets_on": meets_on.isoformat(),
            "gm-time": "14時〜15時",
            "gm-place": "市役所 第3会議室",
        }
        no_mail = self.client.post(self.case_url, {**data, "gm-guests": [str(self.clinic.uuid)]})
        self.assertContains(
            no_mail, "「みどり診療所 田中 看護師」はメールアドレスが登録されていません", status_code=400
        )
        past = self.client.post(self.case_url, {**data, "gm-meets_on": "2020-01-01"})
        self.assertContains(past, "開催日に過去の日付は入力できません", status_code=400)
        with scopes_disabled():
            self.assertFalse(OutboxMail.objects.filter(kind="case.conference_invitation").exists())
        with smtp_server() as inbox:
            with self.mail_sent():
                sent = self.client.post(self.case_url, data)
            self.assertEqual(sent.status_code, 302)
            self.assertEqual([m["To"] for m in inbox], ["sato@school.example.jp"])
            body = body_of(inbox[0])
        self.assertIn(self.case.reference, inbox[0]["Subject"])
        self.assertIn("市役所 第3会議室", body)
        self.assertIn(meets_on.strftime("%Y-%m-%d"), body)
        for private in ("祖母", "長男", ASSESSMENT, "包括から連絡"):
            self.assertNotIn(private, body)
        with scopes_disabled():
            self.assertEqual(AuditEntry.objects.filter(action="case.conference_invitation_mailed").count(), 1)
            Consent.objects.filter(pk=self.case.consent_id).update(withdrawn_at=timezone.now())
        self.case.consent.refresh_from_db()
        with scope(platform=self.platform), self.assertRaises(ValidationError):
            do_mail_conference_invitation(
                self.case, guests=[self.school], meets_on=meets_on, time="", place="市役所", actor=self.system
            )


class ParticipantsLineTests(CaseSetup):
    def test_the_participants_line_is_shown_only_when_a_member_takes_part(self) -> None:
        self.login(self.secretariat)
        case = self.open_case(invite=False)
        url = self.url("consultations:case", case.uuid)
        self.assertNotContains(self.client.get(url), "参加団体:")
        with scope(platform=self.platform):
            do_invite(case, self.member_org, actor=self.system)
        self.assertContains(self.client.get(url), f"参加団体: {self.member_org.name}")


class WithdrawalTests(CaseSetup):
    def setUp(self) -> None:
        self.case = self.open_case()
        with scope(platform=self.platform):
            self.grandmother, self.son = HouseholdMember.objects.filter(case=self.case)
        self.login(self.secretariat)
        with self.mail_sent():
            self.client.post(
                self.url("consultations:case_referral_new", self.case.uuid),
                {"summary": "夜間の見守りに困っている。", "receiver_member": self.member_org.pk},
            )
        with scopes_disabled():
            self.referral = Referral.objects.get()

    def withdraw(self, member: HouseholdMember):
        with scopes_disabled():
            consent = MemberConsent.objects.get(member=member, withdrawn_at__isnull=True)
        return self.client.post(
            self.url("consultations:case", self.case.uuid),
            {"action": "member_consent_withdraw", "consent": str(consent.uuid)},
            follow=True,
        )

    def test_a_central_members_withdrawal_cancels_their_referrals_and_tells_the_receiver(self) -> None:
        self.withdraw(self.son)  # not at the centre of the case: the referral stands
        with scopes_disabled():
            self.assertEqual(Referral.objects.get().status, ReferralStatus.REQUESTED)
        with smtp_server() as inbox:
            with self.mail_sent():
                page = self.withdraw(self.grandmother)
            self.assertContains(page, "紹介1件を取り消し、紹介先に知らせました")
            self.assertEqual([m["To"] for m in inbox], [self.receiver_staff.email])
            self.assertIn("紹介が取り消されました", inbox[0]["Subject"])
            body = body_of(inbox[0])
        self.assertIn("同意を撤回したため", body)
        self.assertNotIn("祖母", body)
        with scopes_disabled():
            referral = Referral.objects.get()
            self.assertEqual(referral.status, ReferralStatus.CANCELLED)
            step = ReferralEvent.objects.get(referral=referral, kind="member_withdrawn")
            self.assertTrue(step.in_thread)
            self.assertTrue(AuditEntry.objects.filter(action="referral.member_withdrawn").exists())
            entry = AuditEntry.objects.filter(action="case.member_consent_withdrawn").latest("id")
            self.assertEqual(entry.data["referrals_cancelled"], 1)
        self.login(self.receiver_staff)
        receiver_page = self.client.get(self.url("consultations:referral", referral.uuid))
        self.assertContains(receiver_page, "世帯員の同意の撤回により取消")
        self.assertContains(receiver_page, "この紹介は取り消されました")
        self.assertNotContains(receiver_page, "夜間の見守りに困っている。")

    def test_case_referral_pages_do_not_speak_of_a_chat(self) -> None:
        url = self.url("consultations:referral", self.referral.uuid)
        desk = main_of(self.client.get(url).content)
        self.login(self.receiver_staff)
        receiver = main_of(self.client.get(url).content)
        self.assertIn("事務局への回答（ケースの記録に残り、事務局が世帯に伝えます）", receiver)
        self.assertIn("事務局が紹介を作成", receiver)
        for page in (desk, receiver):
            for word in ("相談者", "相談員", "チャット"):
                self.assertNotIn(word, re.sub(r"<[^>]+>", "", page), word)
