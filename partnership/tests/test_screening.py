"""The secretariat's screening: /p/<slug>/staff/applications/ and each application."""

from __future__ import annotations

import datetime
from typing import Any

from django_scopes import scopes_disabled

from accounts.models import Role
from audit.models import AuditEntry
from partnership.dates import today_in_tokyo
from partnership.models import ActivityField, Application, MemberOrganisation, MemberTier, OrgType
from platforms.models import Platform
from tsunagari.lib.smtp import body_of, smtp_server
from tsunagari.lib.testing import BaseTestCase, make_member


def make_application(platform: Platform, name: str, **extra: Any) -> Application:
    with scopes_disabled():
        fields = extra.pop("fields", ["elderly", "other"])
        defaults: dict[str, Any] = dict(
            name_kana="ひだまりのかい",
            org_type=OrgType.NPO,
            representative="理事長 山田 太郎",
            postal_code="500-8570",
            address="岐阜県岐阜市薮田南2丁目1番1号",
            phone="058-272-9999",
            email=f"apply{Application.objects.count()}@hidamari.example.jp",
            contact_person="佐藤 花子",
            website="https://hidamari.example.jp/",
            other_field="フードバンク",
            area="岐阜市全域",
            description="居場所づくりと電話相談",
            published_fields=["name", "area"],
            consent_bylaws=True,
            consent_not_antisocial=True,
            consent_expulsion=True,
            consent_share_with_members=True,
        )
        defaults.update(extra)
        application = Application.objects.create(platform=platform, name=name, **defaults)
        application.fields.set(ActivityField.objects.filter(code__in=fields))
        return application


def tier(platform: Platform, name: str) -> MemberTier:
    with scopes_disabled():
        return MemberTier.objects.get(platform=platform, name=name)


class ScreeningTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.application = make_application(
            cls.platform, "NPO法人ひだまりの会", email="info@hidamari.example.jp"
        )
        cls.beta_application = make_application(cls.other_platform, "NPO法人ベータの申込")
        cls.core = make_member(cls.platform, "社会福祉法人かなめ", tier=tier(cls.platform, "幹事団体"))

    def setUp(self) -> None:
        self.login(self.users[Role.SECRETARIAT_STAFF])

    def detail_url(self, application: Application | None = None) -> str:
        return self.url("partnership:application", (application or self.application).uuid)

    def reload(self, application: Application | None = None) -> Application:
        with scopes_disabled():
            return Application.objects.get(pk=(application or self.application).pk)

    def post(self, action: str, **data: Any):  # type: ignore[no-untyped-def]
        return self.client.post(self.detail_url(), {"action": action, **data})

    def members_named(self, name: str) -> list[MemberOrganisation]:
        with scopes_disabled():
            return list(MemberOrganisation.objects.filter(name=name))

    # --- access ---------------------------------------------------------------------------------

    def test_it_is_for_the_secretariat_only(self) -> None:
        for kind in (Role.MEMBER_STAFF, Role.COUNSELLOR, Role.VIEWER):
            with self.subTest(kind=kind):
                self.login(self.users[kind])
                self.assertEqual(self.client.get(self.url("partnership:applications")).status_code, 403)
                self.assertEqual(self.client.get(self.detail_url()).status_code, 403)
                self.assertEqual(self.post("reject", reason="権限のない操作です").status_code, 403)
        self.assertEqual(self.reload().status, Application.Status.PENDING)
        self.login(self.admin)
        self.assertEqual(self.client.get(self.url("partnership:applications")).status_code, 200)

    def test_it_answers_404_to_another_platforms_staff(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url("partnership:applications")).status_code, 404)
        self.assertEqual(self.client.get(self.detail_url()).status_code, 404)
        self.assertEqual(self.post("reject", reason="他のプラットフォームから").status_code, 404)
        self.assertEqual(self.reload().status, Application.Status.PENDING)

    def test_it_answers_404_for_another_platforms_application_in_this_platforms_url(self) -> None:
        self.login(self.admin)
        url = self.detail_url(self.beta_application)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(
            self.client.post(url, {"action": "reject", "reason": "越境した操作"}).status_code, 404
        )
        self.assertEqual(self.reload(self.beta_application).status, Application.Status.PENDING)

    def test_it_sends_anonymous_visitors_to_login(self) -> None:
        self.client.logout()
        response = self.client.get(self.url("partnership:applications"))
        self.assertTrue(response["Location"].startswith("/accounts/login/"))

    # --- list -----------------------------------------------------------------------------------

    def test_it_lists_pending_applications_first_with_counts_per_status(self) -> None:
        old = make_application(self.platform, "旧い承認済み団体", status=Application.Status.APPROVED)
        make_application(self.platform, "不承認の団体", status=Application.Status.REJECTED)
        with scopes_disabled():
            # A newer decided application still comes after the pending one.
            Application.objects.filter(pk=old.pk).update(
                submitted_at=self.application.submitted_at + datetime.timedelta(days=1)
            )
        response = self.client.get(self.url("partnership:applications"))
        html = response.content.decode()
        self.assertLess(html.index("NPO法人ひだまりの会"), html.index("旧い承認済み団体"))
        self.assertContains(response, 'すべて</strong> <span class="badge">3件</span>')
        self.assertContains(response, '審査中 <span class="badge pending">1件</span>')
        self.assertContains(response, '不承認 <span class="badge rejected">1件</span>')
        self.assertNotContains(response, "NPO法人ベータの申込")

    def test_it_filters_by_status(self) -> None:
        make_application(self.platform, "不承認の団体", status=Application.Status.REJECTED)
        response = self.client.get(self.url("partnership:applications") + "?status=rejected")
        self.assertContains(response, "不承認の団体")
        self.assertNotContains(response, "NPO法人ひだまりの会")
        response = self.client.get(self.url("partnership:applications") + "?status=approved")
        self.assertContains(response, "該当する入会申込はありません。")

    # --- detail ---------------------------------------------------------------------------------

    def test_it_shows_every_field_consent_and_flag(self) -> None:
        previous = make_member(
            self.platform,
            "NPO法人旧ひだまり",
            status=MemberOrganisation.Status.WITHDRAWN,
            left_on=datetime.date(2023, 3, 31),
        )
        make_member(self.platform, "電話が同じ団体", phone="058-272-9999")
        with scopes_disabled():
            Application.objects.filter(pk=self.application.pk).update(
                previous_member=previous, rejoin_reason="活動を再開しました。"
            )
        response = self.client.get(self.detail_url())
        self.assertEqual(response.status_code, 200)
        for text in (
            "NPO法人ひだまりの会",
            "ひだまりのかい",
            "NPO・市民活動団体",
            "理事長 山田 太郎",
            "〒500-8570",
            "岐阜県岐阜市薮田南2丁目1番1号",
            "058-272-9999",
            "info@hidamari.example.jp",
            "佐藤 花子",
            "https://hidamari.example.jp/",
            "高齢者支援、その他",
            "フードバンク",
            "岐阜市全域",
            "居場所づくりと電話相談",
            "以前の会員記録があります（退会）",
            "2023年3月31日",
            "活動を再開しました。",
            "推薦なし",
            "電話が同じ団体",
            "団体名: <strong>公開</strong>",
            "代表者: 非公開",
        ):
            self.assertContains(response, text)
        self.assertEqual(response.content.decode().count("同意する"), 4)
        self.assertContains(response, 'value="approve"')

    def test_it_preselects_the_default_tier_and_lists_only_eligible_recommenders(self) -> None:
        municipality = make_member(self.platform, "岐阜市", org_type=OrgType.MUNICIPALITY)
        response = self.client.get(self.detail_url())
        default = tier(self.platform, "一般団体")
        self.assertRegex(
            response.content.decode(), rf'<input type="radio" name="tier" value="{default.pk}"[^>]* checked>'
        )
        self.assertContains(response, f'value="{self.core.uuid}"')
        self.assertContains(response, f'value="{municipality.uuid}"')
        self.assertNotContains(response, f'value="{self.member_org.uuid}"')

    # --- recommendation -------------------------------------------------------------------------

    def test_it_records_a_recommendation_by_an_eligible_member(self) -> None:
        response = self.post("recommend", recommended_by=self.core.uuid, note="地域での実績があります。")
        self.assertRedirects(response, self.detail_url())
        application = self.reload()
        self.assertEqual(application.recommended_by_id, self.core.pk)
        self.assertEqual(application.recommendation_note, "地域での実績があります。")
        self.assertIsNotNone(application.recommended_at)
        self.assertEqual(application.status, Application.Status.PENDING)
        entry = AuditEntry.objects.get(action="application.recommended")
        self.assertEqual(entry.actor, self.users[Role.SECRETARIAT_STAFF])
        self.assertEqual(entry.data["recommended_by"], str(self.core.uuid))

    def test_it_refuses_a_recommender_that_may_not_recommend(self) -> None:
        response = self.post("recommend", recommended_by=self.member_org.uuid)
        self.assertContains(response, "正しく選択してください")
        response = self.post("recommend", recommended_by="")
        self.assertContains(response, "推薦団体を選んでください。")
        self.assertIsNone(self.reload().recommended_by_id)
        self.assertFalse(AuditEntry.objects.filter(action="application.recommended").exists())

    # --- approval -------------------------------------------------------------------------------

    def test_it_approves_creates_the_member_and_mails_the_applicant(self) -> None:
        core_tier = tier(self.platform, "幹事団体")
        with smtp_server() as inbox:
            with self.mail_sent():
                response = self.post("approve", tier=core_tier.pk)
        self.assertRedirects(response, self.detail_url())
        application = self.reload()
        self.assertEqual(application.status, Application.Status.APPROVED)
        self.assertEqual(application.decided_by, self.users[Role.SECRETARIAT_STAFF])
        [member] = self.members_named("NPO法人ひだまりの会")
        self.assertEqual(application.organisation_id, member.pk)
        with scopes_disabled():
            self.assertEqual(member.platform, self.platform)
            self.assertEqual(member.tier, core_tier)
            self.assertEqual(sorted(f.code for f in member.fields.all()), ["elderly", "other"])
        self.assertEqual(member.status, MemberOrganisation.Status.ACTIVE)
        self.assertEqual(member.joined_on, today_in_tokyo())
        for field in (
            "name_kana",
            "org_type",
            "representative",
            "postal_code",
            "address",
            "phone",
            "email",
            "contact_person",
            "website",
            "other_field",
            "area",
            "description",
            "published_fields",
        ):
            self.assertEqual(getattr(member, field), getattr(application, field), field)
        self.assertTrue(member.name_published)
        entry = AuditEntry.objects.get(action="application.approved")
        self.assertEqual(entry.data["organisation"], str(member.uuid))
        self.assertEqual(entry.data["tier"], "幹事団体")
        [mail] = inbox
        self.assertEqual(mail["To"], "info@hidamari.example.jp")
        self.assertEqual(mail["Subject"].strip(), "【アルファ県PF】入会を承認しました")
        body = body_of(mail)
        self.assertIn("「アルファ県PF」への入会申込を審査し、入会を承認しました。", body)
        self.assertIn("会員区分: 幹事団体", body)
        self.assertIn(f"入会日: {today_in_tokyo().year}年", body)

    def test_it_refuses_approval_without_recommendation_when_the_platform_requires_one(self) -> None:
        self.platform.requires_recommendation = True
        self.platform.save()
        with smtp_server() as inbox:
            with self.mail_sent():
                response = self.post("approve", tier=tier(self.platform, "一般団体").pk)
        self.assertContains(response, "このプラットフォームでは、入会の承認に推薦が必要です。")
        self.assertEqual(self.reload().status, Application.Status.PENDING)
        self.assertEqual(self.members_named("NPO法人ひだまりの会"), [])
        self.assertFalse(AuditEntry.objects.filter(action="application.approved").exists())
        self.assertEqual(inbox, [])
        self.post("recommend", recommended_by=self.core.uuid)
        response = self.post("approve", tier=tier(self.platform, "一般団体").pk)
        self.assertRedirects(response, self.detail_url())
        self.assertEqual(self.reload().status, Application.Status.APPROVED)

    def test_it_exempts_public_bodies_and_shakyo_from_the_recommendation_rule(self) -> None:
        # Gifu 一般団体入会規則第1条: 行政機関 and 社協 are outside the recommendation rule.
        self.platform.requires_recommendation = True
        self.platform.save()
        with scopes_disabled():
            Application.objects.filter(pk=self.application.pk).update(org_type=OrgType.SHAKYO)
        response = self.post("approve", tier=tier(self.platform, "一般団体").pk)
        self.assertRedirects(response, self.detail_url())
        self.assertEqual(self.reload().status, Application.Status.APPROVED)

    def test_it_restores_the_former_member_on_a_rejoin(self) -> None:
        previous = make_member(
            self.platform,
            "NPO法人ひだまりの会",
            status=MemberOrganisation.Status.EXPELLED,
            address="旧住所",
            left_on=datetime.date(2020, 4, 1),
            rejoin_banned_until=datetime.date(2023, 4, 1),
        )
        with scopes_disabled():
            Application.objects.filter(pk=self.application.pk).update(previous_member=previous)
        response = self.post("approve", tier=tier(self.platform, "一般団体").pk)
        self.assertRedirects(response, self.detail_url())
        [member] = self.members_named("NPO法人ひだまりの会")
        self.assertEqual(member.pk, previous.pk)
        self.assertEqual(member.status, MemberOrganisation.Status.ACTIVE)
        self.assertEqual(member.address, "岐阜県岐阜市薮田南2丁目1番1号")
        self.assertIsNone(member.left_on)
        self.assertIsNone(member.rejoin_banned_until)
        self.assertEqual(self.reload().organisation_id, previous.pk)
        self.assertTrue(AuditEntry.objects.get(action="application.approved").data["rejoin"])

    # --- rejection ------------------------------------------------------------------------------

    def test_it_rejects_with_a_reason_and_mails_it(self) -> None:
        response = self.post("reject", reason="短い")
        self.assertContains(response, "理由は5文字以上で入力してください")
        self.assertEqual(self.reload().status, Application.Status.PENDING)
        with smtp_server() as inbox:
            with self.mail_sent():
                response = self.post("reject", reason="活動内容が孤独・孤立対策と関連しないため。")
        self.assertRedirects(response, self.detail_url())
        application = self.reload()
        self.assertEqual(application.status, Application.Status.REJECTED)
        self.assertEqual(application.decision_reason, "活動内容が孤独・孤立対策と関連しないため。")
        self.assertEqual(self.members_named("NPO法人ひだまりの会"), [])
        self.assertTrue(AuditEntry.objects.filter(action="application.rejected").exists())
        [mail] = inbox
        self.assertEqual(mail["Subject"].strip(), "【アルファ県PF】入会申込の審査結果のお知らせ")
        body = body_of(mail)
        self.assertIn("今回は入会を見送ることになりました。", body)
        self.assertIn("活動内容が孤独・孤立対策と関連しないため。", body)
        page = self.client.get(self.detail_url())
        self.assertContains(page, "不承認の理由")
        self.assertNotContains(page, 'value="approve"')

    def test_it_refuses_to_decide_a_decided_application_again(self) -> None:
        self.post("approve", tier=tier(self.platform, "一般団体").pk)
        with smtp_server() as inbox:
            with self.mail_sent():
                rejected = self.post("reject", reason="やはり見送ります。")
                approved = self.post("approve", tier=tier(self.platform, "幹事団体").pk)
                recommended = self.post("recommend", recommended_by=self.core.uuid)
        for response in (rejected, approved, recommended):
            self.assertContains(
                response, "この申込は既に審査済みです（承認）。結果は変更できません。", status_code=409
            )
        application = self.reload()
        self.assertEqual(application.status, Application.Status.APPROVED)
        self.assertIsNone(application.recommended_by_id)
        [member] = self.members_named("NPO法人ひだまりの会")
        self.assertEqual(member.tier, tier(self.platform, "一般団体"))
        # Only the first decision's mail (queued before, sent now): nothing from the refused ones.
        self.assertEqual([str(m["Subject"]).strip() for m in inbox], ["【アルファ県PF】入会を承認しました"])
        self.assertEqual(AuditEntry.objects.filter(action__startswith="application.").count(), 1)

    def test_it_answers_400_to_an_unknown_action(self) -> None:
        self.assertEqual(self.post("delete").status_code, 400)
        self.assertEqual(self.reload().status, Application.Status.PENDING)
