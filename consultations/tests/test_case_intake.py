"""Household cases that begin outside the chat: /p/<slug>/staff/cases/new/ (Kamakura's hearings)."""

from __future__ import annotations

import datetime
from collections import Counter

import time_machine
from django.db import connection
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from audit.models import AuditEntry
from consultations import demo_households
from consultations.models import (
    Case,
    CaseConference,
    CaseContact,
    CaseGuest,
    CaseOrigin,
    CaseTask,
    ConferenceAttendee,
    HouseholdMember,
    ShareItem,
)
from consultations.queries import build_report
from partnership.models import OrgType
from tsunagari.lib.jpcalendar import is_business_day
from tsunagari.lib.testing import BaseTestCase, make_member

SUMMARY = "地域包括支援センターから。80代の母を50代の長男が介護、長男は長くひきこもっている。"


def household(*rows: dict[str, object]) -> dict[str, object]:
    data: dict[str, object] = {"m-TOTAL_FORMS": str(len(rows)), "m-INITIAL_FORMS": "0"}
    for number, row in enumerate(rows):
        for key, value in row.items():
            data[f"m-{number}-{key}"] = value
    return data


MOTHER = {"label": "母", "relationship": "parent", "age_band": "80s+", "is_concern": "on", "consented": "on"}
SON = {"label": "長男", "relationship": "self", "age_band": "50s", "is_main_carer": "on", "consented": "on"}


class IntakeBase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.secretariat = cls.users[Role.SECRETARIAT_STAFF]
        cls.shakyo = make_member(cls.platform, "鎌倉市社会福祉協議会")

    def setUp(self) -> None:
        self.login(self.secretariat)

    def form(self, **extra: object) -> dict[str, object]:
        data: dict[str, object] = {
            "origin": CaseOrigin.AGENCY,
            "referring_body": "鎌倉市地域包括支援センター",
            "referring_contact": "担当 山田 0467-00-0000",
            "watch_only": "on",
            "contact_on": timezone.localdate().isoformat(),
            "summary": SUMMARY,
            "items": [ShareItem.ASSESSMENT],
            "organisations": [self.shakyo.pk],
            "valid_until": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
            "statement": "母と長男に説明し、社協への共有に同意を得た。",
            **household(MOTHER, SON, {"label": "", "relationship": "self", "age_band": "20s"}),
        }
        data.update(extra)
        return data


class CaseIntakeTests(IntakeBase):
    def test_it_opens_an_encrypted_household_case_from_an_agency_referral(self) -> None:
        response = self.client.post(self.url("consultations:case_intake"), self.form())
        self.assertEqual(response.status_code, 302, response.content[:500])
        with scopes_disabled():
            case = Case.objects.get(platform=self.platform)
            members = list(HouseholdMember.objects.filter(case=case))
            contact = CaseContact.objects.get(case=case)
            self.assertIsNone(case.consent.conversation_id)
            self.assertEqual(list(case.consent.organisations.all()), [self.shakyo])
        self.assertEqual(case.origin, CaseOrigin.AGENCY)
        self.assertTrue(case.watch_only)
        self.assertIsNone(case.conversation_id)
        self.assertEqual([m.label for m in members], ["母", "長男"])
        self.assertEqual(contact.channel, "agency")
        with connection.cursor() as cursor:
            cursor.execute("SELECT summary FROM consultations_casecontact WHERE id = %s", [contact.pk])
            self.assertNotIn("ひきこもり", cursor.fetchone()[0])
            cursor.execute("SELECT label FROM consultations_householdmember WHERE id = %s", [members[1].pk])
            self.assertNotIn("長男", cursor.fetchone()[0])
            cursor.execute("SELECT referring_contact FROM consultations_case WHERE id = %s", [case.pk])
            self.assertNotIn("山田", cursor.fetchone()[0])
        page = self.client.get(self.url("consultations:case", case.uuid))
        self.assertContains(page, "見守るしかないケース")
        self.assertContains(page, "長男")
        self.assertContains(page, SUMMARY)
        with scopes_disabled():
            reads = AuditEntry.objects.filter(action=AuditEntry.READ_SENSITIVE, object_type__icontains="case")
            self.assertEqual(reads.count(), 1)
            self.assertTrue(AuditEntry.objects.filter(action="case.opened").exists())

    def test_it_refuses_a_member_added_twice_sharing_without_consent_and_an_agency_without_a_name(
        self,
    ) -> None:
        url = self.url("consultations:case_intake")
        twice = self.form(**household(MOTHER, {**MOTHER, "label": "母 ", "is_concern": ""}))
        self.assertContains(self.client.post(url, twice), "2 行目", status_code=400)
        nobody = self.form(**household({**MOTHER, "consented": ""}, {**SON, "consented": ""}))
        self.assertContains(self.client.post(url, nobody), "同意した世帯員がいない", status_code=400)
        self.assertContains(
            self.client.post(url, self.form(referring_body="")), "紹介元の機関を入力", status_code=400
        )
        with scopes_disabled():
            self.assertFalse(Case.objects.filter(platform=self.platform).exists())
            self.assertFalse(HouseholdMember.objects.exists())

    def test_it_logs_contacts_and_adds_members_but_refuses_the_same_member_again(self) -> None:
        self.client.post(self.url("consultations:case_intake"), self.form())
        with scopes_disabled():
            case = Case.objects.get(platform=self.platform)
        url = self.url("consultations:case", case.uuid)
        today = timezone.localdate().isoformat()
        response = self.client.post(
            url,
            {"action": "contact", "c-occurred_on": today, "c-channel": "phone", "c-summary": "長男から電話"},
        )
        self.assertEqual(response.status_code, 302)
        again = {"action": "member", "h-label": "長男", "h-relationship": "self", "h-age_band": "50s"}
        self.assertContains(self.client.post(url, again), "既に登録されています", status_code=400)
        daughter = {"action": "member", "h-label": "孫", "h-relationship": "grandchild", "h-age_band": "6-12"}
        self.assertEqual(self.client.post(url, daughter).status_code, 302)
        with scopes_disabled():
            self.assertEqual(CaseContact.objects.filter(case=case).count(), 2)
            self.assertEqual(HouseholdMember.objects.filter(case=case).count(), 3)

    def test_it_answers_404_to_another_platform_and_403_to_member_staff(self) -> None:
        self.client.post(self.url("consultations:case_intake"), self.form())
        with scopes_disabled():
            case = Case.objects.get(platform=self.platform)
        self.client.logout()
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url("consultations:case", case.uuid)).status_code, 404)
        self.assertEqual(
            self.client.get(
                self.url("consultations:case", case.uuid, platform=self.other_platform)
            ).status_code,
            404,
        )
        self.assertEqual(self.client.get(self.url("consultations:case_intake")).status_code, 404)
        self.client.logout()
        self.login(self.users[Role.MEMBER_STAFF])
        self.assertIn(self.client.get(self.url("consultations:case_intake")).status_code, (403, 404))


class KamakuraDemoTests(BaseTestCase):
    def test_it_loads_three_household_cases_from_agencies_and_a_conference_once(self) -> None:
        make_member(self.platform, "社協（テスト）", org_type=OrgType.SHAKYO)
        make_member(self.platform, "NPO（テスト）")
        created: Counter[str] = Counter()
        with scopes_disabled():
            demo_households.load(self.platform, "kamakura", created)
            demo_households.load(self.platform, "kamakura", created)
            cases = list(Case.objects.filter(platform=self.platform).order_by("reference"))
            conference = cases[0]
            self.assertEqual(conference.participants.count(), 2)
            self.assertEqual(conference.tasks.count(), 3)
            self.assertEqual(conference.contacts.count(), 2)
            for task in conference.tasks.all():
                self.assertTrue(is_business_day(task.due_on))
                self.assertIsNotNone(task.conference_id)  # decided by the conference
            # Two conferences with members and non-member agencies attending, and their outcome.
            held = CaseConference.objects.filter(case__platform=self.platform)
            self.assertEqual(held.count(), 2)
            self.assertEqual(CaseGuest.objects.filter(case__platform=self.platform).count(), 2)
            self.assertEqual(
                ConferenceAttendee.objects.filter(conference__in=held, guest__isnull=False).count(), 2
            )
            self.assertEqual(CaseTask.objects.filter(case__in=cases, guest__isnull=False).count(), 2)
        self.assertEqual(created["household_cases"], 3)
        self.assertEqual([case.origin for case in cases], ["agency", "agency", "counter"])
        self.assertEqual(sum(case.watch_only for case in cases), 2)
        self.login(self.users[Role.SECRETARIAT_STAFF])
        page = self.client.get(self.url("consultations:case", conference.uuid))
        self.assertContains(page, "第1回世帯支援会議")
        self.assertContains(page, "地域包括支援センター")
        self.assertContains(page, "高橋 地域福祉コーディネーター（架空）")  # the attendance list
        self.assertContains(page, "母のケアプランを見直し")  # the guest's task


class ReviewDateTests(BaseTestCase):
    @time_machine.travel(
        datetime.datetime(2026, 12, 25, 23, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=9)))
    )
    def test_it_counts_the_next_review_in_business_days_across_the_year_end(self) -> None:
        shakyo = make_member(self.platform, "社協（テスト）", org_type=OrgType.SHAKYO)
        make_member(self.platform, "NPO（テスト）")
        with scopes_disabled():
            demo_households.load(self.platform, "kamakura", Counter())
            case = Case.objects.filter(platform=self.platform).order_by("reference").first()
        assert case is not None
        self.login(self.users[Role.SECRETARIAT_STAFF])
        url = self.url("consultations:case", case.uuid)
        response = self.client.post(url, {"action": "review", "r-business_days": "2"})
        self.assertEqual(response.status_code, 302)
        case.refresh_from_db()
        # Fri 25 Dec 2026 + 2 business days: Mon 28 Dec, then 年末年始 to 3 Jan, Mon 4 Jan 2027.
        self.assertEqual(case.next_review_on, datetime.date(2027, 1, 4))
        bad = self.client.post(url, {"action": "review", "r-business_days": "0"})
        self.assertEqual(bad.status_code, 400)
        self.assertIsNotNone(shakyo)


class ReportTests(IntakeBase):
    def test_it_counts_case_contacts_by_channel_and_open_watch_only_cases_in_the_report(self) -> None:
        self.client.post(self.url("consultations:case_intake"), self.form())
        with scopes_disabled():
            case = Case.objects.get(platform=self.platform)
        today = timezone.localdate()
        self.client.post(
            self.url("consultations:case", case.uuid),
            {
                "action": "contact",
                "c-occurred_on": today.isoformat(),
                "c-channel": "phone",
                "c-summary": "電話",
            },
        )
        with scope(platform=self.platform):
            data = build_report(self.platform, today - datetime.timedelta(days=1), today)
        counts = {row["key"]: row["count"] for row in data["case_contacts_by_channel"]}
        self.assertEqual((counts["agency"], counts["phone"], counts["counter"]), (1, 1, 0))
        self.assertEqual(data["watch_only_cases"], 1)
        page = self.client.get(self.url("consultations:report"))
        self.assertContains(page, "世帯のケースの経路別接触件数")
