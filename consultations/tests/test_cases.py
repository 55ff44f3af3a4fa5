"""Multi-agency case conferences: /p/<slug>/staff/cases/ (Kamakura's 見立て and 支援方針)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Role, User
from consultations.models import Case, CaseStatus, CaseTask, ClosedCaseRecord, ShareItem
from consultations.tests.casework import make_consent, make_conversation
from tsunagari.lib.testing import PASSWORD, BaseTestCase, make_member

ASSESSMENT = "母と長男の二人世帯。母の介護と長男のひきこもりが重なっている。"
PLAN = "社協が家計、地域包括が母の介護、NPOが長男の居場所を担当する。"


class CaseTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.secretariat = cls.users[Role.SECRETARIAT_STAFF]
        cls.npo_staff = cls.users[Role.MEMBER_STAFF]  # staff of cls.member_org
        cls.shakyo = make_member(cls.platform, "鎌倉市社会福祉協議会")
        cls.shakyo_staff = User.objects.create_user("shakyo@alpha.example.jp", PASSWORD)
        Role.objects.create(
            user=cls.shakyo_staff, platform=cls.platform, kind=Role.MEMBER_STAFF, organisation=cls.shakyo
        )
        cls.outside = make_member(cls.platform, "招待されていない団体")
        cls.outside_staff = User.objects.create_user("outside@alpha.example.jp", PASSWORD)
        Role.objects.create(
            user=cls.outside_staff, platform=cls.platform, kind=Role.MEMBER_STAFF, organisation=cls.outside
        )
        cls.conversation = make_conversation(cls.platform, "母の介護と息子のことで", label="CS01")

    def setUp(self) -> None:
        self.login(self.secretariat)

    def open_case(self, *organisations, **extra) -> Case:  # type: ignore[no-untyped-def]
        response = self.client.post(
            self.url("consultations:case_new", self.conversation.uuid),
            {"organisations": [o.pk for o in organisations], "assessment": ASSESSMENT, "plan": PLAN, **extra},
        )
        self.assertEqual(response.status_code, 302, response.content[:300])
        with scopes_disabled():
            return Case.objects.get(conversation=self.conversation)

    def as_user(self, user: User) -> None:
        self.client.logout()
        self.login(user)

    def test_it_needs_consent_and_invites_only_organisations_the_consent_names(self) -> None:
        url = self.url("consultations:case_new", self.conversation.uuid)
        self.assertContains(self.client.get(url), "本人の有効な同意がないため")
        make_consent(self.conversation, self.member_org, self.shakyo, items=(ShareItem.ASSESSMENT,))
        response = self.client.post(url, {"organisations": [self.outside.pk], "assessment": "a", "plan": "p"})
        self.assertEqual(response.status_code, 400)
        case = self.open_case(self.member_org, self.shakyo)
        self.assertEqual(case.reference, f"C-{timezone.localdate().year}-0001")
        self.assertEqual(case.assessment, ASSESSMENT)

    def test_it_shows_each_organisation_only_what_the_consent_covers(self) -> None:
        make_consent(self.conversation, self.member_org, self.shakyo, items=(ShareItem.ASSESSMENT,))
        case = self.open_case(self.member_org, self.shakyo)
        url = self.url("consultations:case", case.uuid)
        due = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
        self.client.post(
            url,
            {
                "action": "task",
                "t-organisation": self.shakyo.pk,
                "t-description": "家計相談の予約",
                "t-due_on": due,
            },
        )
        self.client.post(
            url,
            {
                "action": "entry",
                "e-kind": "meeting",
                "e-occurred_on": due,
                "e-body": "第1回会議: 役割分担を確認",
            },
        )
        self.as_user(self.npo_staff)
        page = self.client.get(url)
        self.assertContains(page, ASSESSMENT)
        self.assertContains(page, "家計相談の予約")  # the shared plan includes every organisation's tasks
        self.assertNotContains(page, "第1回会議")  # meeting notes were not consented
        self.assertContains(page, "本人の同意の範囲外のため表示しません。")

    def test_it_shows_an_organisation_only_its_own_tasks_without_consent_to_the_assessment(self) -> None:
        make_consent(self.conversation, self.member_org, self.shakyo, items=(ShareItem.MEETING_NOTES,))
        case = self.open_case(self.member_org, self.shakyo)
        url = self.url("consultations:case", case.uuid)
        due = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
        self.client.post(
            url,
            {
                "action": "task",
                "t-organisation": self.shakyo.pk,
                "t-description": "家計相談の予約",
                "t-due_on": due,
            },
        )
        self.client.post(
            url,
            {
                "action": "task",
                "t-organisation": self.member_org.pk,
                "t-description": "居場所の見学",
                "t-due_on": due,
            },
        )
        self.as_user(self.npo_staff)
        page = self.client.get(url)
        self.assertNotContains(page, ASSESSMENT)
        self.assertContains(page, "居場所の見学")
        self.assertNotContains(page, "家計相談の予約")
        # An organisation records what it did, closes its own task, and cannot touch another's.
        self.client.post(
            url, {"action": "entry", "e-kind": "action", "e-occurred_on": due, "e-body": "長男と面談した"}
        )
        meeting = self.client.post(
            url, {"action": "entry", "e-kind": "meeting", "e-occurred_on": due, "e-body": "x"}
        )
        self.assertEqual(meeting.status_code, 400)
        with scopes_disabled():
            own = CaseTask.objects.get(organisation=self.member_org)
            other = CaseTask.objects.get(organisation=self.shakyo)
        self.client.post(url, {"action": "task_done", "task": str(own.uuid)})
        self.assertEqual(
            self.client.post(url, {"action": "task_done", "task": str(other.uuid)}).status_code, 404
        )
        with scopes_disabled():
            self.assertIsNotNone(CaseTask.objects.get(pk=own.pk).done_at)
            self.assertIsNone(CaseTask.objects.get(pk=other.pk).done_at)
        self.assertContains(self.client.get(url), "長男と面談した")
        self.assertEqual(
            self.client.post(url, {"action": "plan", "p-assessment": "x", "p-plan": "y"}).status_code, 403
        )

    def test_it_answers_404_to_organisations_not_invited_and_to_other_platforms(self) -> None:
        make_consent(self.conversation, self.member_org, self.outside, items=(ShareItem.ASSESSMENT,))
        case = self.open_case(self.member_org)
        url = self.url("consultations:case", case.uuid)
        self.as_user(self.outside_staff)  # named in the consent, but not invited
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertNotContains(self.client.get(self.url("consultations:cases")), case.reference)
        self.as_user(self.users[Role.COUNSELLOR])
        self.assertEqual(self.client.get(url).status_code, 403)
        self.as_user(self.outsider)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_it_closes_access_when_consent_is_withdrawn(self) -> None:
        consent = make_consent(self.conversation, self.member_org, items=(ShareItem.ASSESSMENT,))
        case = self.open_case(self.member_org)
        url = self.url("consultations:case", case.uuid)
        self.as_user(self.npo_staff)
        self.assertContains(self.client.get(url), ASSESSMENT)
        with scopes_disabled():
            consent.withdrawn_at = timezone.now()
            consent.save()
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertNotContains(self.client.get(self.url("consultations:cases")), case.reference)

    def test_it_keeps_an_anonymous_record_when_the_case_closes(self) -> None:
        make_consent(self.conversation, self.member_org, self.shakyo, items=(ShareItem.ASSESSMENT,))
        self.client.post(
            self.url("consultations:conversation", self.conversation.uuid),
            {
                "action": "record",
                "rec-age_band": "50s",
                "rec-topics": ["care", "family"],
                "rec-risk_level": "low",
            },
        )
        case = self.open_case(self.member_org, self.shakyo)
        url = self.url("consultations:case", case.uuid)
        due = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
        self.client.post(
            url,
            {"action": "task", "t-organisation": self.shakyo.pk, "t-description": "訪問", "t-due_on": due},
        )
        self.client.post(
            url, {"action": "entry", "e-kind": "meeting", "e-occurred_on": due, "e-body": "会議"}
        )
        self.client.post(url, {"action": "close"})
        with scopes_disabled():
            self.assertEqual(Case.objects.get(pk=case.pk).status, CaseStatus.CLOSED)
            record = ClosedCaseRecord.objects.get(platform=self.platform)
        self.assertEqual(
            (record.organisations, record.tasks_total, record.tasks_done, record.meetings), (2, 1, 0, 1)
        )
        self.assertEqual((record.age_band, sorted(record.topics)), ("50s", ["care", "family"]))
        self.assertNotIn("uuid", [f.name for f in ClosedCaseRecord._meta.fields])
        self.as_user(self.shakyo_staff)
        self.assertEqual(self.client.get(url).status_code, 404)
