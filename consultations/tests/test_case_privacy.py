"""Retention, erasure, export and audited reads reach cases that began outside a chat.

A household case opened from an agency's referral (no consultation at all), with three
members, a contact log, tasks, notes and the household's own consent: retention erases its
texts by its closing date, an erasure request (in the middle of the consent's period) withdraws
the consent, closes the case and erases everything a person could be recognised by, from the
page and from ``consult_erase --case``; what the statistics need stays.
"""

from __future__ import annotations

import datetime
import io
import json

import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from audit.models import AuditEntry
from consultations.models import (
    Case,
    CaseContact,
    CaseEntry,
    CaseOrigin,
    CaseParticipant,
    CaseStatus,
    CaseTask,
    ClosedCaseRecord,
    Consent,
    ConversationState,
    HouseholdMember,
    ShareItem,
)
from consultations.queries import CaseView
from consultations.services.cases import (
    MemberInput,
    do_add_entry,
    do_add_task,
    do_close_case,
    do_invite,
    do_log_contact,
    do_open_case,
    do_open_case_from_contact,
)
from consultations.services.channels import desk_settings
from consultations.services.privacy import do_apply_retention, do_erase_case, do_erase_person
from consultations.tests.casework import actor, make_consent, make_conversation
from tsunagari.lib.testing import BaseTestCase

TOKYO = datetime.timezone(datetime.timedelta(hours=9))
REASON = "世帯から窓口で消去の請求（受付 2026-031）"
# Texts that must not survive an erasure anywhere in the database row.
SECRETS = ("山田", "長男", "祖母", "孫", "ひきこもり", "通院", "家計", "見立て本文", "同意の文言")


class HouseholdCaseBase(BaseTestCase):
    def open_household(self, *, days: int = 90, organisations: tuple = ()) -> Case:
        """An agency's referral about a household of three, with contacts, tasks and notes."""
        system = actor(self.users[Role.SECRETARIAT_STAFF], self.platform)
        with scope(platform=self.platform):
            case = do_open_case_from_contact(
                self.platform,
                origin=CaseOrigin.AGENCY,
                referring_body="地域包括支援センター",
                referring_contact="担当 山田 0467-00-0000",
                watch_only=True,
                contact_on=timezone.localdate(),
                summary="長男が長くひきこもっている。祖母の通院に困っている。",
                members=[
                    MemberInput("祖母", "grandparent", "80s+", is_concern=True, consented=True),
                    MemberInput("長男", "self", "50s", is_main_carer=True, consented=True),
                    MemberInput("孫", "grandchild", "16-18", consented=False),
                ],
                items=[ShareItem.ASSESSMENT, ShareItem.MEETING_NOTES],
                organisations=list(organisations) or [self.member_org],
                city_divisions=False,
                valid_until=timezone.localdate() + datetime.timedelta(days=days),
                statement="同意の文言: 祖母と長男に説明し了承を得た",
                actor=system,
            )
            do_invite(case, self.member_org, actor=system)
            do_log_contact(
                case,
                occurred_on=timezone.localdate(),
                channel="home_visit",
                summary="訪問。長男と話した。家計が苦しい。",
                actor=system,
            )
            do_add_task(
                case,
                organisation=self.member_org,
                description="家計の見直しに同行",
                due_on=timezone.localdate(),
                actor=system,
            )
            do_add_entry(
                CaseView(case, None),
                kind=CaseEntry.MEETING,
                occurred_on=timezone.localdate(),
                body="第1回会議: 孫の通学も気になる",
                actor=system,
            )
            case.assessment = "見立て本文: 長男の孤立"
            case.plan = "家計と通院の支援"
            case.save()
        return case

    def assert_no_secret_left(self, case: Case) -> None:
        """Decrypted texts are empty and the raw rows name nobody."""
        with scopes_disabled():
            case = Case.objects.get(pk=case.pk)
            self.assertEqual((case.assessment, case.plan, case.referring_contact), ("", "", ""))
            self.assertEqual([m.label for m in HouseholdMember.objects.filter(case=case)], ["", "", ""])
            self.assertEqual({c.summary for c in CaseContact.objects.filter(case=case)}, {""})
            self.assertEqual({t.description for t in CaseTask.objects.filter(case=case)}, {""})
            self.assertEqual({e.body for e in CaseEntry.objects.filter(case=case)}, {""})
            self.assertEqual(Consent.objects.get(pk=case.consent_id).statement, "")
        tables = {
            "consultations_case": ("assessment", "plan", "referring_contact"),
            "consultations_householdmember": ("label",),
            "consultations_casecontact": ("summary",),
            "consultations_casetask": ("description",),
            "consultations_caseentry": ("body",),
            "consultations_consent": ("statement",),
        }
        with connection.cursor() as cursor:
            for table, columns in tables.items():
                key = "id" if table in ("consultations_case", "consultations_consent") else "case_id"
                value = case.consent_id if table == "consultations_consent" else case.pk
                cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE {key} = %s", [value])
                for row in cursor.fetchall():
                    self.assertEqual(set(row), {""}, table)


class CaseRetentionTests(HouseholdCaseBase):
    def test_it_erases_a_household_case_with_no_chat_past_the_retention_period_and_keeps_the_counts(
        self,
    ) -> None:
        with time_machine.travel(datetime.datetime(2025, 11, 3, 10, 0, tzinfo=TOKYO)):
            old = self.open_household()
            with scope(platform=self.platform):
                do_close_case(old, actor=actor(self.admin, self.platform))
            still_open = self.open_household()
        recent = self.open_household()
        with scope(platform=self.platform):
            do_close_case(recent, actor=actor(self.admin, self.platform))
            desk = desk_settings(self.platform)
            desk.retention_months = 12
            desk.save()
        # The daily run at night on 31 December (年末年始), more than 12 months after closing.
        with time_machine.travel(datetime.datetime(2026, 12, 31, 3, 0, tzinfo=TOKYO)):
            with scope(platform=self.platform):
                counts = do_apply_retention(self.platform)
                again = do_apply_retention(self.platform)
        self.assertEqual(counts["cases"], 1)
        # 1 case row, 3 members, 2 contacts, 1 task, 1 note, the household's consent wording.
        self.assertEqual(counts["casework"], 9)
        self.assertEqual((again["cases"], again["casework"]), (0, 0))
        self.assert_no_secret_left(old)
        with scopes_disabled():
            old = Case.objects.get(pk=old.pk)
            self.assertIsNotNone(old.content_deleted_at)
            self.assertIsNone(old.erased_at)
            # The rows and codes the statistics read stay.
            self.assertEqual(old.origin, CaseOrigin.AGENCY)
            self.assertEqual(old.referring_body, "地域包括支援センター")
            self.assertEqual(
                sorted(HouseholdMember.objects.filter(case=old).values_list("relationship", flat=True)),
                ["grandchild", "grandparent", "self"],
            )
            self.assertEqual(
                sorted(CaseContact.objects.filter(case=old).values_list("channel", flat=True)),
                ["agency", "home_visit"],
            )
            # The open case (however old) and the recently closed one keep everything.
            self.assertEqual(Case.objects.get(pk=still_open.pk).plan, "家計と通院の支援")
            self.assertIn("孫", [m.label for m in HouseholdMember.objects.filter(case=recent)])
            self.assertEqual(Consent.objects.get(pk=recent.consent_id).statement[:5], "同意の文言")

    def test_it_reaches_a_chat_case_closed_after_its_consultation_was_erased(self) -> None:
        with time_machine.travel(datetime.datetime(2025, 1, 6, 10, 0, tzinfo=TOKYO)):
            conversation = make_conversation(self.platform, "相談")
            consent = make_consent(conversation, self.member_org, items=(ShareItem.ASSESSMENT,), days=900)
            with scope(platform=self.platform):
                case = do_open_case(
                    conversation,
                    consent,
                    organisations=[self.member_org],
                    assessment="見立て本文",
                    plan="方針",
                    actor=actor(self.admin, self.platform),
                )
            conversation.state = ConversationState.CLOSED
            conversation.closed_at = timezone.now()
            conversation.save()
        with scope(platform=self.platform):
            desk = desk_settings(self.platform)
            desk.retention_months = 12
            desk.save()
        # The consultation is erased while the case is still open: the case keeps its texts.
        with time_machine.travel(datetime.datetime(2026, 3, 1, 9, 0, tzinfo=TOKYO)):
            with scope(platform=self.platform):
                self.assertEqual(do_apply_retention(self.platform)["consultations"], 1)
                self.assertEqual(Case.objects.get(pk=case.pk).assessment, "見立て本文")
                do_close_case(case, actor=actor(self.admin, self.platform))
        # A Sunday night more than 12 months after the case closed: retention reaches it.
        with time_machine.travel(datetime.datetime(2027, 3, 7, 23, 30, tzinfo=TOKYO)):
            with scope(platform=self.platform):
                counts = do_apply_retention(self.platform)
                self.assertEqual(counts["cases"], 1)
                self.assertEqual(Case.objects.get(pk=case.pk).assessment, "")


class CaseErasureTests(HouseholdCaseBase):
    def test_it_erases_a_household_case_in_the_middle_of_its_consent_period_from_the_page(self) -> None:
        case = self.open_household(days=180)
        # The invited organisation sees the case while the consent is in force.
        staff = self.users[Role.MEMBER_STAFF]
        self.login(staff)
        self.assertContains(self.client.get(self.url("consultations:case", case.uuid)), "見立て本文")
        self.client.logout()
        self.login(self.admin)
        url = self.url("consultations:case_erase", case.uuid)
        page = self.client.get(url)
        self.assertContains(page, "3人の呼び名")
        self.assertContains(page, "期限の途中でも撤回します")
        refused = self.client.post(url, {"reason": REASON})  # no confirmation ticked
        self.assertEqual(refused.status_code, 400)
        with scopes_disabled():
            self.assertEqual(Case.objects.get(pk=case.pk).status, CaseStatus.OPEN)
        response = self.client.post(url, {"reason": REASON, "confirm": "on"})
        self.assertRedirects(response, self.url("consultations:case", case.uuid))
        self.assert_no_secret_left(case)
        with scopes_disabled():
            case = Case.objects.get(pk=case.pk)
            consent = Consent.objects.get(pk=case.consent_id)
            self.assertEqual(case.status, CaseStatus.CLOSED)
            self.assertIsNotNone(case.erased_at)
            self.assertIsNotNone(consent.withdrawn_at)
            self.assertGreater(consent.valid_until, timezone.localdate())  # it was withdrawn early
            self.assertEqual(ClosedCaseRecord.objects.filter(platform=self.platform).count(), 1)
            self.assertEqual(CaseParticipant.objects.filter(case=case).count(), 1)
            entry = AuditEntry.objects.get(action="case.erased")
        self.assertEqual(entry.data["consents_withdrawn"], 3)  # the household's and two members'
        self.assertEqual(entry.data["cases_closed"], 1)
        dumped = json.dumps(entry.data, ensure_ascii=False)
        for secret in SECRETS:
            self.assertNotIn(secret, dumped)
        # Asking again erases nothing and says so.
        again = self.client.post(url, {"reason": REASON, "confirm": "on"}, follow=True)
        self.assertContains(again, "消去するものはありませんでした")
        # The organisation no longer sees anything.
        self.client.logout()
        self.login(staff)
        self.assertEqual(self.client.get(self.url("consultations:case", case.uuid)).status_code, 404)

    def test_it_refuses_a_case_opened_from_a_chat_and_points_to_the_persons_erasure(self) -> None:
        conversation = make_conversation(self.platform, "相談")
        consent = make_consent(conversation, self.member_org, items=(ShareItem.ASSESSMENT,))
        with scope(platform=self.platform):
            case = do_open_case(
                conversation,
                consent,
                organisations=[self.member_org],
                assessment="見立て本文",
                plan="",
                actor=actor(self.admin, self.platform),
            )
            with self.assertRaises(ValidationError):
                do_erase_case(case, actor=actor(self.admin, self.platform), reason=REASON)
        self.login(self.admin)
        page = self.client.get(self.url("consultations:case_erase", case.uuid))
        self.assertContains(page, "相談者の記録の消去へ")
        # The person's erasure takes the case with it.
        with scope(platform=self.platform):
            counts = do_erase_person(
                conversation.consulter, actor=actor(self.admin, self.platform), reason=REASON
            )
            case = Case.objects.get(pk=case.pk)
        self.assertEqual(counts["cases_closed"], 1)
        self.assertEqual(case.assessment, "")
        self.assertIsNotNone(case.content_deleted_at)

    def test_it_refuses_an_empty_reason_and_leaves_everything(self) -> None:
        case = self.open_household()
        with scope(platform=self.platform):
            with self.assertRaises(ValidationError):
                do_erase_case(case, actor=actor(self.admin, self.platform), reason=" \u3000 ")
            self.assertEqual(Case.objects.get(pk=case.pk).status, CaseStatus.OPEN)
            self.assertIsNone(Consent.objects.get(pk=case.consent_id).withdrawn_at)

    def test_it_answers_404_to_another_platform_and_403_to_other_roles(self) -> None:
        case = self.open_household()
        for name in ("consultations:case_erase", "consultations:case_export"):
            self.login(self.outsider)
            self.assertEqual(self.client.get(self.url(name, case.uuid)).status_code, 404)
            self.client.logout()
            self.login(self.users[Role.SECRETARIAT_STAFF])
            self.assertEqual(self.client.get(self.url(name, case.uuid)).status_code, 403)
            self.client.logout()

    def test_it_erases_a_case_with_the_command_and_refuses_without_a_terminal(self) -> None:
        case = self.open_household()
        with self.assertRaises(CommandError):
            call_command("consult_erase", "alpha", case=case.reference, reason=REASON, stdin=io.StringIO(""))
        with scopes_disabled():
            self.assertEqual(Case.objects.get(pk=case.pk).status, CaseStatus.OPEN)
        out = io.StringIO()
        call_command(
            "consult_erase", "alpha", case=case.reference.lower(), reason=REASON, yes=True, stdout=out
        )
        self.assertIn(f"Erased {case.reference}", out.getvalue())
        self.assert_no_secret_left(case)
        out = io.StringIO()
        call_command("consult_erase", "alpha", case=str(case.uuid), reason=REASON, yes=True, stdout=out)
        self.assertIn("Nothing was left to erase", out.getvalue())
        with self.assertRaises(CommandError):
            call_command("consult_erase", "beta", case=case.reference, reason=REASON, yes=True)


class CaseExportAndReadTests(HouseholdCaseBase):
    def test_it_exports_a_household_case_for_a_disclosure_request_and_audits_it(self) -> None:
        case = self.open_household()
        self.login(self.admin)
        response = self.client.get(self.url("consultations:case_export", case.uuid))
        self.assertIn("no-store", response["Cache-Control"])
        data = json.loads(b"".join(response.streaming_content) if response.streaming else response.content)
        self.assertEqual([m["label"] for m in data["household"]], ["祖母", "長男", "孫"])
        self.assertEqual(data["case"]["referring_contact"], "担当 山田 0467-00-0000")
        self.assertEqual(len(data["contacts"]), 2)
        out = io.StringIO()
        call_command("consult_export", "alpha", case=case.reference, stdout=out)
        self.assertEqual(json.loads(out.getvalue())["case"]["reference"], case.reference)
        with scopes_disabled():
            exports = AuditEntry.objects.filter(action=AuditEntry.EXPORT, object_id=str(case.uuid))
            self.assertEqual(exports.count(), 2)
            self.assertNotIn(
                "祖母", json.dumps(list(exports.values_list("data", flat=True)), ensure_ascii=False)
            )

    def test_it_audits_every_read_of_a_household_case_and_shows_an_organisation_only_its_consent(
        self,
    ) -> None:
        case = self.open_household()
        staff = self.users[Role.MEMBER_STAFF]
        self.login(staff)
        page = self.client.get(self.url("consultations:case", case.uuid))
        self.assertContains(page, "見立て本文")
        self.assertNotContains(page, "担当 山田")  # the referring contact is the secretariat's
        self.assertNotContains(page, "家計が苦しい")  # so is the contact log
        with scopes_disabled():
            reads = AuditEntry.objects.filter(action=AuditEntry.READ_SENSITIVE, object_id=str(case.uuid))
            self.assertEqual(list(reads.values_list("actor", flat=True)), [staff.pk])
            # The consent is withdrawn: the organisation sees nothing, reads stop.
            Consent.objects.filter(pk=case.consent_id).update(withdrawn_at=timezone.now())
        self.assertEqual(self.client.get(self.url("consultations:case", case.uuid)).status_code, 404)
        with scopes_disabled():
            self.assertEqual(reads.count(), 1)
