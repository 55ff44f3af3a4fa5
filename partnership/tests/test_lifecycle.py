import datetime

from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from accounts.permissions import Actor
from audit.models import AuditEntry
from partnership.models import ChangeRequest, Expulsion, MemberOrganisation, Withdrawal
from partnership.queries import add_years, fiscal_year_label
from tsunagari.lib.jpcalendar import wareki_date, wareki_year
from tsunagari.lib.smtp import body_of, smtp_server
from tsunagari.lib.testing import BaseTestCase, make_member

TODAY = timezone.localdate


def refreshed(obj):  # type: ignore[no-untyped-def]
    with scopes_disabled():
        obj.refresh_from_db()
    return obj


def on_register(client, test, name: str) -> bool:  # type: ignore[no-untyped-def]
    return name in client.get(test.url("partnership:register")).content.decode()


class ChangeReviewTestCase(BaseTestCase):
    def make_change(self, changes: dict, previous: dict | None = None) -> ChangeRequest:
        with scopes_disabled():
            return ChangeRequest.objects.create(
                platform=self.platform,
                organisation=self.member_org,
                changes=changes,
                previous=previous or {},
                submitted_by=self.users[Role.MEMBER_STAFF],
            )

    def test_it_lists_pending_changes_and_withdrawals(self) -> None:
        change = self.make_change({"area": "県内全域"})
        with scopes_disabled():
            withdrawal = Withdrawal.objects.create(
                platform=self.platform, organisation=self.member_org, effective_on=datetime.date(2030, 3, 31)
            )
            make_member(self.other_platform, "ベータの別団体")
        self.login(self.users[Role.SECRETARIAT_STAFF])
        response = self.client.get(self.url("partnership:changes"))
        self.assertContains(response, self.url("partnership:change", change.uuid))
        self.assertContains(response, self.url("partnership:withdrawal", withdrawal.uuid))
        self.assertContains(response, "2030-03-31")

    def test_it_shows_a_before_and_after_diff(self) -> None:
        change = self.make_change(
            {
                "phone": "058-999-0000",
                "fields": ["hikikomori", "poverty"],
                "published_fields": ["name", "phone"],
            },
            previous={"phone": "058-272-1111"},
        )
        self.login(self.admin)
        response = self.client.get(self.url("partnership:change", change.uuid))
        rows = {row.field: row for row in response.context["diff"]}
        self.assertEqual(set(rows), {"phone", "fields", "published_fields"})
        self.assertEqual((rows["phone"].before, rows["phone"].after), ("058-272-1111", "058-999-0000"))
        self.assertEqual(rows["fields"].before, "生活困窮者支援")
        self.assertEqual(rows["fields"].after, "生活困窮者支援、ひきこもり支援")
        self.assertEqual(rows["published_fields"].after, "団体名、電話番号")
        self.assertFalse(rows["phone"].changed_since)
        self.assertContains(response, "<ins>058-999-0000</ins>", html=True)

    def test_it_flags_a_value_changed_after_submission(self) -> None:
        change = self.make_change({"phone": "058-999-0000"}, previous={"phone": "058-000-0000"})
        self.login(self.admin)
        response = self.client.get(self.url("partnership:change", change.uuid))
        self.assertContains(response, "提出後に会員情報が変更されています")

    def test_it_applies_a_change_in_one_go_and_mails_the_organisation(self) -> None:
        change = self.make_change(
            {
                "phone": "058-999-0000",
                "fields": ["hikikomori", "poverty"],
                "published_fields": ["name", "phone"],
                "name": "NPO法人アルファ支援ネットワーク",
            }
        )
        self.login(self.admin)
        with smtp_server() as inbox, self.mail_sent():
            response = self.client.post(self.url("partnership:change", change.uuid), {"action": "apply"})
        self.assertRedirects(response, self.url("partnership:changes"))
        member = refreshed(self.member_org)
        with scopes_disabled():
            codes = sorted(f.code for f in member.fields.all())
        self.assertEqual(member.phone, "058-999-0000")
        self.assertEqual(member.name, "NPO法人アルファ支援ネットワーク")
        self.assertEqual(codes, ["hikikomori", "poverty"])
        self.assertEqual(member.published_fields, ["name", "phone"])
        self.assertFalse(member.fields_published)
        self.assertEqual(refreshed(change).status, ChangeRequest.Status.APPLIED)
        self.assertEqual(change.decided_by, self.admin)
        entry = AuditEntry.objects.get(action="change_request.applied")
        self.assertEqual(entry.data["fields"], ["fields", "name", "phone", "published_fields"])
        self.assertEqual(len(inbox), 1)
        self.assertEqual(inbox[0]["To"], member.email)
        self.assertIn("変更届を反映しました", inbox[0]["Subject"])
        self.assertIn("電話番号", body_of(inbox[0]))
        self.assertIn("058-999-0000", self.client.get(self.url("partnership:register")).content.decode())

    def test_it_refuses_an_invalid_value_and_saves_nothing(self) -> None:
        change = self.make_change({"area": "県内全域", "phone": "not a phone", "fields": ["elderly"]})
        self.login(self.admin)
        response = self.client.post(self.url("partnership:change", change.uuid), {"action": "apply"})
        self.assertContains(response, "電話番号: 電話番号「not a phone」に数字以外の文字が含まれています")
        member = refreshed(self.member_org)
        self.assertEqual(member.area, "岐阜市全域")
        with scopes_disabled():
            self.assertEqual([f.code for f in member.fields.all()], ["poverty"])
        self.assertEqual(refreshed(change).status, ChangeRequest.Status.PENDING)

    def test_it_refuses_unknown_activity_fields_and_publishable_items(self) -> None:
        change = self.make_change({"fields": ["no-such-field"]})
        self.login(self.admin)
        response = self.client.post(self.url("partnership:change", change.uuid), {"action": "apply"})
        self.assertContains(response, "活動分野に存在しない分野が含まれています")
        change = self.make_change({"published_fields": ["name", "rejoin_banned_until"]})
        response = self.client.post(self.url("partnership:change", change.uuid), {"action": "apply"})
        self.assertContains(response, "公開できない項目が含まれています")
        self.assertEqual(
            refreshed(self.member_org).published_fields, ["name", "fields", "area", "description", "website"]
        )

    def test_it_sends_a_change_back_with_a_reason(self) -> None:
        change = self.make_change({"area": "県内全域"})
        self.login(self.users[Role.SECRETARIAT_STAFF])
        response = self.client.post(self.url("partnership:change", change.uuid), {"action": "return"})
        self.assertContains(response, "差戻しの理由を入力してください")
        with smtp_server() as inbox, self.mail_sent():
            response = self.client.post(
                self.url("partnership:change", change.uuid),
                {"action": "return", "reason": "根拠資料を添付してください"},
            )
        self.assertRedirects(response, self.url("partnership:changes"))
        change = refreshed(change)
        self.assertEqual(
            (change.status, change.decision_reason),
            (ChangeRequest.Status.REJECTED, "根拠資料を添付してください"),
        )
        self.assertEqual(refreshed(self.member_org).area, "岐阜市全域")
        self.assertIn("根拠資料を添付してください", body_of(inbox[0]))
        self.assertTrue(AuditEntry.objects.filter(action="change_request.returned").exists())
        # the member staff see the reason
        self.login(self.users[Role.MEMBER_STAFF])
        self.assertContains(
            self.client.get(self.url("partnership:my_organisation")), "根拠資料を添付してください"
        )

    def test_it_refuses_to_decide_twice(self) -> None:
        change = self.make_change({"area": "県内全域"})
        self.login(self.admin)
        self.client.post(self.url("partnership:change", change.uuid), {"action": "apply"})
        response = self.client.post(
            self.url("partnership:change", change.uuid), {"action": "return", "reason": "x"}
        )
        self.assertContains(response, "この変更届は既に処理されています")
        self.assertEqual(refreshed(change).status, ChangeRequest.Status.APPLIED)
        self.assertEqual(AuditEntry.objects.filter(action__startswith="change_request.").count(), 1)

    def test_it_guards_the_review_pages(self) -> None:
        change = self.make_change({"area": "県内全域"})
        for kind in (Role.VIEWER, Role.MEMBER_STAFF, Role.COUNSELLOR):
            self.login(self.users[kind])
            self.assertEqual(self.client.get(self.url("partnership:changes")).status_code, 403, kind)
            self.assertEqual(
                self.client.post(
                    self.url("partnership:change", change.uuid), {"action": "apply"}
                ).status_code,
                403,
            )
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url("partnership:change", change.uuid)).status_code, 404)
        with scopes_disabled():
            beta_change = ChangeRequest.objects.create(
                platform=self.other_platform, organisation=self.other_member, changes={"area": "x"}
            )
        self.login(self.admin)
        self.assertEqual(self.client.get(self.url("partnership:change", beta_change.uuid)).status_code, 404)
        self.assertEqual(refreshed(self.member_org).area, "岐阜市全域")


class WithdrawalTestCase(BaseTestCase):
    def make_withdrawal(self, day: datetime.date) -> Withdrawal:
        with scopes_disabled():
            return Withdrawal.objects.create(
                platform=self.platform,
                organisation=self.member_org,
                effective_on=day,
                submitted_by=self.users[Role.MEMBER_STAFF],
            )

    def accept(self, withdrawal: Withdrawal):  # type: ignore[no-untyped-def]
        self.login(self.admin)
        with smtp_server() as inbox, self.mail_sent():
            response = self.client.post(
                self.url("partnership:withdrawal", withdrawal.uuid), {"action": "accept"}
            )
        return response, inbox

    def test_it_accepts_a_withdrawal_and_removes_the_member_from_the_register(self) -> None:
        self.assertTrue(on_register(self.client, self, "NPO法人アルファ支援ネット"))
        withdrawal = self.make_withdrawal(datetime.date(2026, 3, 31))
        response, inbox = self.accept(withdrawal)
        self.assertRedirects(response, self.url("partnership:changes"))
        member = refreshed(self.member_org)
        self.assertEqual(member.status, MemberOrganisation.Status.WITHDRAWN)
        self.assertEqual(member.left_on, datetime.date(2026, 3, 31))
        self.assertIsNone(member.rejoin_banned_until)  # ban_after_withdrawal is off by default
        self.assertEqual(refreshed(withdrawal).status, Withdrawal.Status.ACCEPTED)
        self.assertEqual(withdrawal.processed_by, self.admin)
        self.client.logout()
        self.assertFalse(on_register(self.client, self, "NPO法人アルファ支援ネット"))
        self.assertEqual(len(inbox), 1)
        self.assertIn("退会届を受理しました", inbox[0]["Subject"])
        self.assertIn("2026-03-31", body_of(inbox[0]))
        entry = AuditEntry.objects.get(action="withdrawal.accepted")
        self.assertEqual(entry.data["left_on"], "2026-03-31")
        # The organisation's staff lose their role with the membership.
        self.assertFalse(Role.objects.filter(organisation=self.member_org).exists())
        revoked = AuditEntry.objects.get(action=AuditEntry.ROLE_REVOKED)
        self.assertEqual(revoked.data["email"], "member_staff@alpha.example.jp")

    def test_it_bans_rejoining_after_withdrawal_when_the_platform_says_so(self) -> None:
        self.platform.ban_after_withdrawal = True
        self.platform.rejoin_ban_years = 2
        self.platform.save()
        withdrawal = self.make_withdrawal(datetime.date(2028, 2, 29))
        with scopes_disabled():
            pending = ChangeRequest.objects.create(
                platform=self.platform, organisation=self.member_org, changes={"area": "x"}
            )
        _response, inbox = self.accept(withdrawal)
        member = refreshed(self.member_org)
        self.assertEqual(member.rejoin_banned_until, datetime.date(2030, 2, 28))
        self.assertIn("2030-02-28", body_of(inbox[0]))
        self.assertEqual(refreshed(pending).status, ChangeRequest.Status.REJECTED)

    def test_it_records_a_withdrawal_as_cancelled(self) -> None:
        withdrawal = self.make_withdrawal(datetime.date(2030, 3, 31))
        self.login(self.admin)
        response = self.client.post(self.url("partnership:withdrawal", withdrawal.uuid), {"action": "cancel"})
        self.assertRedirects(response, self.url("partnership:changes"))
        self.assertEqual(refreshed(withdrawal).status, Withdrawal.Status.CANCELLED)
        self.assertEqual(refreshed(self.member_org).status, MemberOrganisation.Status.ACTIVE)
        response = self.client.post(self.url("partnership:withdrawal", withdrawal.uuid), {"action": "accept"})
        self.assertContains(response, "この退会届は既に処理されています")
        self.assertEqual(refreshed(self.member_org).status, MemberOrganisation.Status.ACTIVE)

    def test_it_refuses_to_accept_during_an_expulsion(self) -> None:
        withdrawal = self.make_withdrawal(datetime.date(2030, 3, 31))
        with scopes_disabled():
            Expulsion.objects.create(
                platform=self.platform, organisation=self.member_org, ground="breach", reason="x"
            )
        response, inbox = self.accept(withdrawal)
        self.assertContains(response, "除名の手続中のため受理できません")
        self.assertEqual(refreshed(self.member_org).status, MemberOrganisation.Status.ACTIVE)
        self.assertEqual(refreshed(withdrawal).status, Withdrawal.Status.PENDING)
        self.assertEqual(inbox, [])

    def test_it_records_a_paper_withdrawal_from_the_member_page(self) -> None:
        self.login(self.users[Role.SECRETARIAT_STAFF])
        url = self.url("partnership:withdraw", self.member_org.uuid)
        response = self.client.post(url, {"effective_on": "2024-03-01"})
        self.assertContains(response, "退会日: 退会日は入会日（2024-04-01）以降にしてください")
        with smtp_server() as inbox, self.mail_sent():
            response = self.client.post(url, {"effective_on": "2025-06-30", "reason": "書面で提出"})
        self.assertRedirects(response, self.url("partnership:member", self.member_org.uuid))
        with scopes_disabled():
            withdrawal = Withdrawal.objects.get()
        self.assertTrue(withdrawal.on_paper)
        self.assertEqual(withdrawal.status, Withdrawal.Status.ACCEPTED)
        member = refreshed(self.member_org)
        self.assertEqual(
            (member.status, member.left_on), (MemberOrganisation.Status.WITHDRAWN, datetime.date(2025, 6, 30))
        )
        self.assertEqual(len(inbox), 1)
        actions = list(
            AuditEntry.objects.filter(action__startswith="withdrawal.").values_list("action", flat=True)
        )
        self.assertEqual(sorted(actions), ["withdrawal.accepted", "withdrawal.recorded"])
        response = self.client.get(url)
        self.assertContains(response, "この団体は現在「退会」です")

    def test_it_guards_the_withdrawal_pages(self) -> None:
        withdrawal = self.make_withdrawal(datetime.date(2030, 3, 31))
        for kind in (Role.VIEWER, Role.MEMBER_STAFF, Role.COUNSELLOR):
            self.login(self.users[kind])
            self.assertEqual(
                self.client.post(
                    self.url("partnership:withdrawal", withdrawal.uuid), {"action": "accept"}
                ).status_code,
                403,
            )
            self.assertEqual(
                self.client.get(self.url("partnership:withdraw", self.member_org.uuid)).status_code, 403
            )
        self.login(self.outsider)
        self.assertEqual(
            self.client.get(self.url("partnership:withdrawal", withdrawal.uuid)).status_code, 404
        )
        self.login(self.admin)
        self.assertEqual(
            self.client.get(self.url("partnership:withdraw", self.other_member.uuid)).status_code, 404
        )
        self.assertEqual(refreshed(withdrawal).status, Withdrawal.Status.PENDING)


class ExpulsionTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.admin)
        self.expel_url = self.url("partnership:expel", self.member_org.uuid)

    def post(self, step: str, **data):  # type: ignore[no-untyped-def]
        with smtp_server() as inbox, self.mail_sent():
            response = self.client.post(self.expel_url, {"step": step, **data})
        return response, inbox

    def expulsion(self) -> Expulsion:
        with scopes_disabled():
            return Expulsion.objects.get(organisation=self.member_org)

    def propose_and_notify(self, notified: datetime.date, deadline: datetime.date) -> None:
        self.post("propose", ground="unreachable", reason="2023年4月以降、連絡がとれない。")
        self.post("notify", hearing_notified_on=notified.isoformat(), hearing_deadline=deadline.isoformat())

    def test_it_runs_the_whole_procedure_with_a_hearing(self) -> None:
        response, inbox = self.post("propose", ground="breach", reason="会員名簿の情報を営業に利用した。")
        self.assertRedirects(response, self.expel_url)
        self.assertEqual(self.expulsion().status, Expulsion.Status.PROPOSED)
        self.assertEqual(inbox, [])
        notified = TODAY() - datetime.timedelta(days=20)
        deadline = TODAY() - datetime.timedelta(days=6)
        response, inbox = self.post(
            "notify", hearing_notified_on=notified.isoformat(), hearing_deadline=deadline.isoformat()
        )
        self.assertRedirects(response, self.expel_url)
        self.assertEqual(self.expulsion().status, Expulsion.Status.HEARING)
        self.assertEqual(len(inbox), 1)
        self.assertEqual(inbox[0]["To"], self.member_org.email)
        self.assertIn("弁明の機会", inbox[0]["Subject"])
        body = body_of(inbox[0])
        self.assertIn("規約に違反又は本会の信用を著しく害した", body)
        self.assertIn("会員名簿の情報を営業に利用した。", body)
        self.assertIn(deadline.isoformat(), body)
        self.assertEqual(refreshed(self.member_org).status, MemberOrganisation.Status.ACTIVE)

        decided = TODAY() - datetime.timedelta(days=1)
        response, inbox = self.post(
            "decide",
            hearing="held",
            hearing_record="誤って共有したとの弁明があった。",
            resolution="令和7年度第2回プラットフォーム会議 議決",
            decided_on=decided.isoformat(),
        )
        self.assertRedirects(response, self.expel_url)
        member = refreshed(self.member_org)
        self.assertEqual(member.status, MemberOrganisation.Status.EXPELLED)
        self.assertEqual(member.left_on, decided)
        self.assertEqual(member.rejoin_banned_until, add_years(decided, 3))
        expulsion = self.expulsion()
        self.assertEqual((expulsion.status, expulsion.decided_on), (Expulsion.Status.DECIDED, decided))
        self.assertFalse(expulsion.no_hearing)
        self.assertIn("除名の決定", inbox[0]["Subject"])
        self.assertIn(add_years(decided, 3).isoformat(), body_of(inbox[0]))
        actions = list(
            AuditEntry.objects.filter(action__startswith="expulsion.")
            .order_by("id")
            .values_list("action", flat=True)
        )
        self.assertEqual(actions, ["expulsion.proposed", "expulsion.hearing_notified", "expulsion.decided"])
        self.client.logout()
        self.assertFalse(on_register(self.client, self, "NPO法人アルファ支援ネット"))

    def test_it_refuses_to_decide_without_a_recorded_hearing_notification(self) -> None:
        self.post("propose", ground="breach", reason="x")
        response, inbox = self.post(
            "decide", hearing="none", resolution="議決", decided_on=TODAY().isoformat()
        )
        self.assertContains(response, "弁明の機会の通知が記録されていないため、除名を決定できません")
        self.assertEqual(refreshed(self.member_org).status, MemberOrganisation.Status.ACTIVE)
        self.assertEqual(self.expulsion().status, Expulsion.Status.PROPOSED)
        self.assertEqual(inbox, [])
        self.assertFalse(AuditEntry.objects.filter(action="expulsion.decided").exists())

    def test_it_allows_no_hearing_only_after_the_deadline(self) -> None:
        self.propose_and_notify(TODAY() - datetime.timedelta(days=3), TODAY() + datetime.timedelta(days=7))
        response, _inbox = self.post(
            "decide", hearing="none", resolution="議決", decided_on=TODAY().isoformat()
        )
        self.assertContains(response, "が過ぎるまでは「弁明なし」として決定できません")
        self.assertEqual(refreshed(self.member_org).status, MemberOrganisation.Status.ACTIVE)

    def test_it_decides_with_no_hearing_after_the_deadline_and_no_ban_when_years_is_zero(self) -> None:
        self.platform.rejoin_ban_years = 0
        self.platform.save()
        self.propose_and_notify(TODAY() - datetime.timedelta(days=30), TODAY() - datetime.timedelta(days=10))
        response, _inbox = self.post(
            "decide", hearing="none", resolution="書面議決", decided_on=TODAY().isoformat()
        )
        self.assertRedirects(response, self.expel_url)
        member = refreshed(self.member_org)
        self.assertEqual(member.status, MemberOrganisation.Status.EXPELLED)
        self.assertIsNone(member.rejoin_banned_until)
        expulsion = self.expulsion()
        self.assertTrue(expulsion.no_hearing)
        self.assertEqual(expulsion.hearing_record, "弁明なし")

    def test_it_validates_each_step(self) -> None:
        response, _ = self.post("propose", ground="nonsense", reason="")
        self.assertContains(response, "除名事由（規約第8条）:")
        self.assertContains(response, "事実関係:")
        self.post("propose", ground="dissolved", reason="解散した")
        response, inbox = self.post(
            "notify", hearing_notified_on=TODAY().isoformat(), hearing_deadline=TODAY().isoformat()
        )
        self.assertContains(response, "弁明の期限は通知日より後の日付にしてください")
        self.assertEqual(inbox, [])
        self.propose_and_notify(TODAY() - datetime.timedelta(days=30), TODAY() - datetime.timedelta(days=10))
        response, _ = self.post("decide", hearing="held", hearing_record="", resolution="", decided_on="")
        self.assertContains(response, "弁明の内容を記録してください")
        self.assertContains(response, "プラットフォーム会議の議決:")
        response, _ = self.post(
            "decide",
            hearing="held",
            hearing_record="x",
            resolution="議決",
            decided_on=(TODAY() - datetime.timedelta(days=40)).isoformat(),
        )
        self.assertContains(response, "除名日は弁明の機会の通知日以降にしてください")
        self.assertEqual(refreshed(self.member_org).status, MemberOrganisation.Status.ACTIVE)

    def test_it_cancels_before_the_decision_and_tells_a_notified_organisation(self) -> None:
        self.propose_and_notify(TODAY() - datetime.timedelta(days=3), TODAY() + datetime.timedelta(days=7))
        response, _ = self.post("cancel")
        self.assertContains(response, "取りやめの理由:")
        response, inbox = self.post("cancel", **{"cancel-cancel_reason": "事実誤認が判明した"})
        self.assertRedirects(response, self.expel_url)
        expulsion = self.expulsion()
        self.assertEqual(
            (expulsion.status, expulsion.cancel_reason), (Expulsion.Status.CANCELLED, "事実誤認が判明した")
        )
        self.assertEqual(refreshed(self.member_org).status, MemberOrganisation.Status.ACTIVE)
        self.assertIn("取りやめ", inbox[0]["Subject"])
        # a new procedure can start; deciding a cancelled one is impossible
        response, _ = self.post("decide", hearing="none", resolution="議決", decided_on=TODAY().isoformat())
        self.assertContains(response, "この操作は現在の手続の段階では行えません")
        self.assertEqual(refreshed(self.member_org).status, MemberOrganisation.Status.ACTIVE)

    def test_it_refuses_to_cancel_a_decided_expulsion(self) -> None:
        from django.core.exceptions import ValidationError
        from django.test import RequestFactory

        from partnership.services.lifecycle import do_cancel_expulsion

        self.propose_and_notify(TODAY() - datetime.timedelta(days=30), TODAY() - datetime.timedelta(days=10))
        self.post("decide", hearing="none", resolution="議決", decided_on=TODAY().isoformat())
        request = RequestFactory().post("/")
        request.user = self.admin
        request.platform = self.platform
        with scope(platform=self.platform), self.assertRaisesMessage(ValidationError, "除名決定"):
            do_cancel_expulsion(self.expulsion(), reason="x", actor=Actor.from_request(request))
        self.assertEqual(self.expulsion().status, Expulsion.Status.DECIDED)

    def test_it_guards_the_expulsion_page(self) -> None:
        for kind in (Role.SECRETARIAT_STAFF, Role.VIEWER, Role.MEMBER_STAFF, Role.COUNSELLOR):
            self.login(self.users[kind])
            self.assertEqual(self.client.get(self.expel_url).status_code, 403, kind)
            self.assertEqual(
                self.client.post(
                    self.expel_url, {"step": "propose", "ground": "breach", "reason": "x"}
                ).status_code,
                403,
            )
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.expel_url).status_code, 404)
        self.login(self.admin)
        other = self.url("partnership:expel", self.other_member.uuid)
        self.assertEqual(
            self.client.post(other, {"step": "propose", "ground": "breach", "reason": "x"}).status_code, 404
        )
        with scopes_disabled():
            self.assertFalse(Expulsion.objects.exists())


class DateHelpersTestCase(BaseTestCase):
    def test_it_names_fiscal_years_in_wareki_and_western_years(self) -> None:
        self.assertEqual(wareki_year(2019), "令和元")
        self.assertEqual(wareki_year(2024), "令和6")
        self.assertEqual(wareki_year(2018), "平成30")
        self.assertEqual(fiscal_year_label(self.platform, datetime.date(2024, 4, 1)), "令和6年度（2024年度）")
        self.assertEqual(
            fiscal_year_label(self.platform, datetime.date(2024, 3, 31)), "令和5年度（2023年度）"
        )

    def test_it_names_calendar_days_in_the_era_of_that_day(self) -> None:
        self.assertEqual(wareki_date(datetime.date(2019, 4, 30)), "平成31年4月30日")
        self.assertEqual(wareki_date(datetime.date(2019, 5, 1)), "令和元年5月1日")
        self.assertEqual(wareki_date(datetime.date(2026, 11, 26)), "令和8年11月26日")
        self.assertEqual(wareki_date(datetime.date(1989, 1, 7)), "昭和64年1月7日")

    def test_it_adds_years_across_a_leap_day(self) -> None:
        self.assertEqual(add_years(datetime.date(2024, 2, 29), 3), datetime.date(2027, 2, 28))
        self.assertEqual(add_years(datetime.date(2024, 2, 29), 4), datetime.date(2028, 2, 29))
        self.assertEqual(add_years(datetime.date(2025, 3, 31), 3), datetime.date(2028, 3, 31))
