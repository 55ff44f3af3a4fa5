"""Each household member's own consent (who consented to what, with which body), enforced by the
consent gate of the case page and of invitations, and shown on the case page."""

from __future__ import annotations

import datetime
import json

from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Role, User
from audit.models import AuditEntry
from consultations.models import Case, CaseOrigin, HouseholdMember, MemberConsent, ShareItem
from consultations.services.cases import MemberInput, do_add_task, do_invite, do_open_case_from_contact
from consultations.tests.casework import actor
from tsunagari.lib.testing import PASSWORD, BaseTestCase, make_member


class MemberConsentTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.shakyo = make_member(cls.platform, "社会福祉法人テスト市社会福祉協議会")
        cls.shakyo_staff = User.objects.create_user("shakyo@alpha.example.jp", PASSWORD, name="社協職員")
        Role.objects.create(
            user=cls.shakyo_staff, platform=cls.platform, kind=Role.MEMBER_STAFF, organisation=cls.shakyo
        )

    def setUp(self) -> None:
        system = actor(self.users[Role.SECRETARIAT_STAFF], self.platform)
        with scope(platform=self.platform):
            self.case = do_open_case_from_contact(
                self.platform,
                origin=CaseOrigin.PHONE,
                referring_body="",
                referring_contact="",
                watch_only=False,
                contact_on=timezone.localdate(),
                summary="祖母の介護について長男から電話",
                members=[
                    MemberInput("祖母", "grandparent", "80s+", is_concern=True, consented=True),
                    MemberInput(
                        "長男", "self", "50s", is_main_carer=True, consented=True, contact="090-1111-2222"
                    ),
                    MemberInput("孫", "grandchild", "16-18", consented=False),
                ],
                items=[ShareItem.ASSESSMENT, ShareItem.PROFILE, ShareItem.CONTACT, ShareItem.MEETING_NOTES],
                organisations=[self.member_org, self.shakyo],
                city_divisions=False,
                valid_until=timezone.localdate() + datetime.timedelta(days=120),
                statement="電話で説明",
                actor=system,
            )
            self.case.assessment = "見立て: 長男の負担が大きい"
            self.case.save()
            self.grandmother, self.son, self.grandchild = HouseholdMember.objects.filter(case=self.case)
        self.url_case = self.url("consultations:case", self.case.uuid)

    def record(self, member: HouseholdMember, *orgs: object, items: tuple[str, ...], **extra: object):
        data = {
            "action": "member_consent",
            "mc-member": str(member.uuid),
            "mc-items": list(items),
            "mc-organisations": [org.pk for org in orgs],  # type: ignore[attr-defined]
            "mc-valid_until": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
            "mc-statement": "本人に説明した",
            **extra,
        }
        return self.client.post(self.url_case, data)

    def test_it_records_who_consented_to_what_and_shows_it_on_the_case_page(self) -> None:
        self.login(self.users[Role.SECRETARIAT_STAFF])
        page = self.client.get(self.url_case)
        until = (timezone.localdate() + datetime.timedelta(days=120)).isoformat()
        self.assertContains(page, f"{until}まで", count=2)  # the intake copied the household's
        self.assertContains(page, "未同意")  # 孫
        response = self.record(self.grandmother, self.member_org, items=(ShareItem.ASSESSMENT,))
        self.assertEqual(response.status_code, 302, response.content[:400])
        with scopes_disabled():
            consents = MemberConsent.objects.filter(member=self.grandmother)
            self.assertEqual(consents.count(), 2)  # the intake's, replaced, and the new one
            current = consents.get(withdrawn_at__isnull=True)
            self.assertEqual(current.items, [ShareItem.ASSESSMENT])
            self.assertEqual(list(current.organisations.all()), [self.member_org])
            entry = AuditEntry.objects.get(action="case.member_consent_recorded")
        self.assertNotIn("祖母", json.dumps(entry.data, ensure_ascii=False))
        self.assertEqual(entry.data["replaced"], 1)
        page = self.client.get(self.url_case)
        self.assertContains(page, f"{until}まで", count=1)  # 長男's; 祖母's is the new one
        new_until = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
        self.assertContains(page, f"{new_until}まで", count=1)

    def test_it_refuses_a_member_consent_beyond_the_households(self) -> None:
        outside = make_member(self.platform, "NPO法人同意外")
        self.login(self.users[Role.SECRETARIAT_STAFF])
        response = self.record(self.son, outside, items=(ShareItem.PROFILE,))
        self.assertEqual(response.status_code, 400)  # not a choice: only the household's bodies
        response = self.record(self.son, self.shakyo, items=(ShareItem.TRANSCRIPT,))
        self.assertEqual(response.status_code, 400)
        response = self.record(self.son, items=(ShareItem.PROFILE,))
        self.assertContains(response, "共有してよい団体か市役所内の関係課を選んでください", status_code=400)
        other = {"mc-member": "00000000-0000-0000-0000-000000000000"}
        self.assertEqual(
            self.record(self.son, self.shakyo, items=(ShareItem.PROFILE,), **other).status_code, 400
        )
        with scopes_disabled():
            self.assertEqual(MemberConsent.objects.filter(member=self.son).count(), 1)

    def test_it_shows_an_organisation_only_what_each_member_consented_to(self) -> None:
        system = actor(self.users[Role.SECRETARIAT_STAFF], self.platform)
        with scope(platform=self.platform):
            for org in (self.member_org, self.shakyo):
                do_invite(self.case, org, actor=system)
            do_add_task(
                self.case,
                organisation=self.shakyo,
                description="通院の送迎",
                due_on=timezone.localdate(),
                actor=system,
            )
        self.login(self.users[Role.SECRETARIAT_STAFF])
        # 祖母 (the centre of the case) now consents to the NPO only; 長男 narrows to his profile.
        self.record(self.grandmother, self.member_org, items=(ShareItem.ASSESSMENT, ShareItem.PROFILE))
        self.record(self.son, self.member_org, self.shakyo, items=(ShareItem.PROFILE,))
        self.client.logout()
        self.login(self.users[Role.MEMBER_STAFF])  # the NPO
        page = self.client.get(self.url_case)
        self.assertContains(page, "見立て: 長男の負担が大きい")
        self.assertContains(page, "祖母")
        self.assertContains(page, "長男")
        self.assertNotContains(page, "孫</th>")  # never consented
        self.assertNotContains(page, "090-1111-2222")  # 長男 did not consent to his contact
        self.client.logout()
        self.login(self.shakyo_staff)
        page = self.client.get(self.url_case)
        self.assertNotContains(page, "長男の負担")  # 祖母 did not consent to 社協
        self.assertContains(page, "本人の同意の範囲外のため表示しません")
        self.assertContains(page, "通院の送迎")  # its own task, always
        self.assertNotContains(page, "祖母</th>")
        self.client.logout()
        # 長男 allows his contact to 社協; 祖母 withdraws her consent.
        self.login(self.users[Role.SECRETARIAT_STAFF])
        self.record(self.son, self.shakyo, items=(ShareItem.PROFILE, ShareItem.CONTACT))
        with scopes_disabled():
            grandmothers = MemberConsent.objects.get(member=self.grandmother, withdrawn_at__isnull=True)
        response = self.client.post(
            self.url_case, {"action": "member_consent_withdraw", "consent": str(grandmothers.uuid)}
        )
        self.assertEqual(response.status_code, 302)
        self.client.logout()
        self.login(self.shakyo_staff)
        self.assertContains(self.client.get(self.url_case), "090-1111-2222")
        self.client.logout()
        self.login(self.users[Role.MEMBER_STAFF])
        page = self.client.get(self.url_case)
        self.assertNotContains(page, "長男の負担")  # withdrawn: the NPO stops seeing the 見立て at once
        with scopes_disabled():
            self.assertFalse(HouseholdMember.objects.get(pk=self.grandmother.pk).consented)
            self.assertTrue(AuditEntry.objects.filter(action="case.member_consent_withdrawn").exists())

    def test_it_refuses_to_invite_an_organisation_the_centre_of_the_case_did_not_consent_to(self) -> None:
        self.login(self.users[Role.SECRETARIAT_STAFF])
        self.record(self.grandmother, self.member_org, items=(ShareItem.ASSESSMENT,))
        response = self.client.post(self.url_case, {"action": "invite", "i-organisation": self.shakyo.pk})
        self.assertContains(response, "支援の中心となる世帯員（祖母）の同意がありません", status_code=400)
        response = self.client.post(self.url_case, {"action": "invite", "i-organisation": self.member_org.pk})
        self.assertEqual(response.status_code, 302)
        with scopes_disabled():
            case = Case.objects.get(pk=self.case.pk)
            self.assertEqual(
                list(case.participants.values_list("organisation_id", flat=True)), [self.member_org.pk]
            )

    def test_it_answers_404_to_another_platform_for_a_consent_withdrawal(self) -> None:
        with scopes_disabled():
            consent = MemberConsent.objects.filter(member=self.son).first()
        assert consent is not None
        self.login(self.outsider)
        response = self.client.post(
            self.url_case, {"action": "member_consent_withdraw", "consent": str(consent.uuid)}
        )
        self.assertEqual(response.status_code, 404)
        with scopes_disabled():
            self.assertIsNone(MemberConsent.objects.get(pk=consent.pk).withdrawn_at)
