"""Referral of a case that has no chat (a household case from an agency, a phone call or a visit):
the case's consent and its members' own consents gate it, and the loop closes on the case."""

from __future__ import annotations

import datetime
import io

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from consultations.models import (
    Case,
    CaseOrigin,
    Consent,
    HouseholdMember,
    Referral,
    ReferralEvent,
    ReferralStatus,
    ShareItem,
)
from consultations.services.cases import (
    MemberInput,
    do_open_case_from_contact,
    do_record_member_consent,
    erase_case_content,
)
from consultations.services.referrals import do_relay_answer
from consultations.tests.casework import actor
from tsunagari.lib.smtp import body_of, smtp_server
from tsunagari.lib.testing import BaseTestCase, make_member

SUMMARY = "80代の祖母を長男が一人で介護。夜間の見守りに困っている。"


class CaseReferralTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.secretariat = cls.users[Role.SECRETARIAT_STAFF]
        cls.receiver_staff = cls.users[Role.MEMBER_STAFF]  # staff of cls.member_org
        cls.other = make_member(cls.platform, "NPO法人ほかの団体")

    def setUp(self) -> None:
        self.system = actor(self.secretariat, self.platform)
        with scope(platform=self.platform):
            self.case = do_open_case_from_contact(
                self.platform,
                origin=CaseOrigin.AGENCY,
                referring_body="地域包括支援センター",
                referring_contact="担当 山田 0467-00-0000",
                watch_only=True,
                contact_on=timezone.localdate(),
                summary="包括から、介護者の負担が限界との連絡",
                members=[
                    MemberInput("祖母", "grandparent", "80s+", is_concern=True, consented=True),
                    MemberInput("長男", "self", "50s", is_main_carer=True, consented=True),
                    MemberInput("孫", "grandchild", "16-18", consented=False),
                ],
                items=[ShareItem.SUMMARY, ShareItem.PROFILE],
                organisations=[self.member_org, self.other],
                city_divisions=False,
                valid_until=timezone.localdate() + datetime.timedelta(days=90),
                statement="訪問時に説明",
                actor=self.system,
            )
            self.grandmother, self.son, self.grandchild = HouseholdMember.objects.filter(case=self.case)
        self.new_url = self.url("consultations:case_referral_new", self.case.uuid)

    def refer(self, **data: object):
        return self.client.post(self.new_url, {"summary": SUMMARY, **data})

    def referral(self) -> Referral:
        with scopes_disabled():
            return Referral.objects.select_related("case").get()

    def test_a_referral_comes_from_a_chat_or_a_case_never_neither(self) -> None:
        with scopes_disabled(), self.assertRaises(IntegrityError), transaction.atomic():
            Referral.objects.create(
                platform=self.platform,
                consent=self.case.consent,
                receiver_member=self.member_org,
                due_on=timezone.localdate(),
            )

    def test_it_closes_the_loop_of_a_household_case_referral(self) -> None:
        """case → referral → received → accepted → contact → outcome, answer read on the case."""
        self.login(self.secretariat)
        form = self.client.get(self.new_url)
        self.assertContains(form, self.case.reference)
        with smtp_server() as inbox, self.mail_sent():
            response = self.refer(receiver_member=self.member_org.pk)
        referral = self.referral()
        self.assertRedirects(response, self.url("consultations:referral", referral.uuid))
        self.assertEqual(referral.case, self.case)
        self.assertIsNone(referral.conversation_id)
        self.assertEqual(referral.status, ReferralStatus.REQUESTED)
        self.assertEqual([m["To"] for m in inbox], [self.receiver_staff.email])
        self.assertNotIn("祖母", body_of(inbox[0]))

        self.login(self.receiver_staff)
        url = self.url("consultations:referral", referral.uuid)
        page = self.client.get(url)
        self.assertContains(page, SUMMARY)
        self.assertContains(page, self.case.reference)
        self.assertContains(page, "地域包括支援センター")
        self.assertContains(page, "祖母")  # consented to the profile going to this body
        self.assertNotContains(page, "孫")  # did not consent
        self.assertNotContains(page, "0467-00-0000")  # the referring body's contact stays at the desk
        self.assertNotContains(page, "ケースを開く")
        self.assertEqual(self.referral().status, ReferralStatus.RECEIVED)
        self.client.post(url, {"action": "respond", "p-decision": "accept", "p-answer": "", "p-note": ""})
        contacted = timezone.localtime().replace(second=0, microsecond=0)
        self.client.post(
            url, {"action": "contact", "c-contacted_at": contacted.strftime("%Y-%m-%dT%H:%M"), "c-note": ""}
        )
        answer = "夜間の見守りに訪問介護を週3回入れる調整を始めました。"
        with smtp_server() as inbox, self.mail_sent():
            done = self.client.post(
                url, {"action": "complete", "o-outcome": "service_started", "o-answer": answer}
            )
        self.assertEqual(done.status_code, 302)
        referral = self.referral()
        self.assertEqual((referral.status, referral.outcome), (ReferralStatus.COMPLETED, "service_started"))
        # A case's referral is followed up by the secretariat, not the chat counsellors.
        recipients = {address.strip() for m in inbox for address in str(m["To"]).split(",")}
        self.assertIn(self.secretariat.email, recipients)
        self.assertNotIn(self.users[Role.COUNSELLOR].email, recipients)
        self.assertTrue(any("ケースの記録をご確認ください" in body_of(m) for m in inbox))

        self.login(self.secretariat)
        page = self.client.get(url)
        self.assertContains(page, "ケースを開く")
        self.assertNotContains(page, "相談者へ送信")  # no chat to relay the answer through
        self.assertEqual(self.client.post(url, {"action": "relay", "y-text": answer}).status_code, 403)
        case_page = self.client.get(self.url("consultations:case", self.case.uuid))
        self.assertContains(case_page, self.member_org.name)
        self.assertContains(case_page, answer)
        self.assertContains(case_page, "関係機関へ紹介する")
        with scope(platform=self.platform), self.assertRaises(ValidationError):
            do_relay_answer(referral, answer, actor=self.system)

    def test_it_refuses_a_receiver_a_member_at_the_centre_has_not_consented_to(self) -> None:
        with scope(platform=self.platform):
            do_record_member_consent(
                self.grandmother,
                items=[ShareItem.PROFILE],
                organisations=[self.other],
                city_divisions=False,
                valid_until=timezone.localdate() + datetime.timedelta(days=30),
                statement="祖母はほかの団体だけに",
                actor=self.system,
            )
        self.login(self.secretariat)
        response = self.refer(receiver_member=self.member_org.pk)
        self.assertContains(response, "支援の中心となる世帯員（祖母）の同意がありません", status_code=400)
        outside = make_member(self.platform, "NPO法人同意外")
        response = self.refer(receiver_member=outside.pk)
        self.assertEqual(response.status_code, 400)  # not a choice: the household's consent does not name it
        with scopes_disabled():
            self.assertFalse(Referral.objects.exists())
        self.assertEqual(self.refer(receiver_member=self.other.pk).status_code, 302)

    def test_the_receiver_loses_the_shared_content_when_the_household_withdraws(self) -> None:
        self.login(self.secretariat)
        self.refer(receiver_member=self.member_org.pk)
        referral = self.referral()
        with scope(platform=self.platform):
            do_record_member_consent(
                self.grandmother,
                items=[ShareItem.PROFILE],
                organisations=[self.other],
                city_divisions=False,
                valid_until=timezone.localdate() + datetime.timedelta(days=30),
                statement="",
                actor=self.system,
            )
        self.login(self.receiver_staff)
        page = self.client.get(self.url("consultations:referral", referral.uuid))
        self.assertNotContains(page, SUMMARY)
        self.assertNotContains(page, "祖母")

    def test_a_closed_case_or_a_withdrawn_consent_cannot_be_referred(self) -> None:
        with scopes_disabled():
            Consent.objects.filter(pk=self.case.consent_id).update(withdrawn_at=timezone.now())
        self.login(self.secretariat)
        page = self.client.get(self.new_url)
        self.assertContains(page, "本人の有効な同意がないため")
        self.assertEqual(self.refer(receiver_member=self.member_org.pk).status_code, 400)
        with scopes_disabled():
            self.assertFalse(Referral.objects.exists())

    def test_member_staff_cannot_open_the_referral_form(self) -> None:
        self.login(self.receiver_staff)
        self.assertIn(self.client.get(self.new_url).status_code, (403, 404))

    def test_overdue_case_referrals_are_chased_and_erased_with_the_case(self) -> None:
        self.login(self.secretariat)
        self.refer(receiver_member=self.member_org.pk)
        referral = self.referral()
        late = referral.due_on + datetime.timedelta(days=1)
        with smtp_server() as inbox, self.mail_sent():
            call_command("chase_referrals", "alpha", "--today", late.isoformat(), stdout=io.StringIO())
        overdue = [m for m in inbox if "応答期限" in str(m["Subject"])]
        self.assertEqual([m["To"] for m in overdue], [self.receiver_staff.email])
        listing = self.client.get(self.url("consultations:referrals"), {"show": "all"})
        self.assertContains(listing, self.member_org.name)
        with scopes_disabled():
            erased = erase_case_content([self.case.pk], timezone.now())
            self.assertGreater(erased, 0)
            self.assertEqual(Referral.objects.get().summary, "")
            self.assertFalse(ReferralEvent.objects.exclude(note="").exists())
            self.assertTrue(Case.objects.get().content_deleted_at)
