"""partnership.services.membership: the rules behind the join form and the screening."""

from __future__ import annotations

import datetime
import socket
import uuid
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.test import RequestFactory, override_settings
from django_scopes import scope, scopes_disabled

from accounts.permissions import Actor
from audit.models import AuditEntry
from partnership import queries
from partnership.dates import today_in_tokyo
from partnership.models import ActivityField, Application, MemberOrganisation
from partnership.services import membership
from partnership.tests.test_screening import make_application, tier
from tsunagari.lib.testing import BaseTestCase, make_member


def cleaned(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "NPO法人みちしるべ",
        "name_kana": "みちしるべ",
        "org_type": "npo",
        "representative": "代表 田中",
        "postal_code": "500-8570",
        "address": "岐阜県岐阜市",
        "phone": "058-000-1234",
        "email": "michi@example.jp",
        "contact_person": "鈴木",
        "website": "",
        "other_field": "",
        "area": "県内全域",
        "description": "電話相談",
        "published_fields": ["name"],
        "consent_bylaws": True,
        "consent_not_antisocial": True,
        "consent_expulsion": True,
        "consent_share_with_members": True,
        "rejoin_reason": "",
        "submission_token": uuid.UUID("7d1e4c1a-8d8a-4e55-9a8c-0f1c2b3a4d5e"),
    }
    data.update(overrides)
    with scopes_disabled():
        data.setdefault("activity_fields", list(ActivityField.objects.filter(code="poverty")))
    return data


class MembershipServicesTestCase(BaseTestCase):
    def request(self, user: Any = None) -> HttpRequest:
        request = RequestFactory().post("/p/alpha/")
        request.user = user or AnonymousUser()
        request.platform = self.platform  # type: ignore[attr-defined]
        return request

    def test_it_checks_active_members_then_pending_applications_then_former_members(self) -> None:
        make_application(self.platform, "NPO法人みちしるべ", email="michi@example.jp")
        make_member(
            self.platform,
            "みちしるべ",
            status=MemberOrganisation.Status.EXPELLED,
            rejoin_banned_until=today_in_tokyo() + datetime.timedelta(days=10),
        )
        with scope(platform=self.platform):
            active = queries.check_applicant(self.platform, name="アルファ支援ネット", email="x@example.jp")
            pending = queries.check_applicant(self.platform, name="別の名前", email="MICHI@example.jp")
            banned = queries.check_applicant(self.platform, name="みちしるべ", email="new@example.jp")
        self.assertEqual(list(active.errors), ["name"])
        self.assertIn("既に会員として登録されています", active.errors["name"][0])
        self.assertEqual(list(pending.errors), ["email"])
        # The pending application (same normalised name) is reported before the ban.
        self.assertIn("審査中", banned.errors["name"][0])

    def test_it_words_the_ban_with_the_years_from_the_record_or_the_platform(self) -> None:
        until = today_in_tokyo() + datetime.timedelta(days=30)
        expelled = make_member(
            self.platform,
            "除名団体",
            status=MemberOrganisation.Status.EXPELLED,
            left_on=until - datetime.timedelta(days=round(5 * 365.25)),
            rejoin_banned_until=until,
        )
        withdrawn = make_member(
            self.platform,
            "退会団体",
            status=MemberOrganisation.Status.WITHDRAWN,
            rejoin_banned_until=until,
        )
        date = f"{until.year}年{until.month}月{until.day}日"
        self.assertEqual(
            queries.ban_message(self.platform, expelled),
            f"除名から5年間は再入会できません。{date}以降に申し込んでください。",
        )
        self.assertEqual(
            queries.ban_message(self.platform, withdrawn),
            f"退会から3年間は再入会できません。{date}以降に申し込んでください。",
        )

    def test_it_returns_the_stored_application_for_a_repeated_token(self) -> None:
        with scope(platform=self.platform):
            first, created = membership.do_submit_application(
                self.platform, cleaned(), actor=Actor.from_request(self.request())
            )
            again, created_again = membership.do_submit_application(
                self.platform, cleaned(name="みちしるべ"), actor=Actor.from_request(self.request())
            )
        self.assertTrue(created)
        self.assertFalse(created_again)
        self.assertEqual(first.pk, again.pk)
        self.assertEqual(AuditEntry.objects.filter(action="application.submitted").count(), 1)

    def test_it_gives_a_reused_form_for_another_organisation_a_new_token(self) -> None:
        with scope(platform=self.platform):
            first, _created = membership.do_submit_application(
                self.platform, cleaned(), actor=Actor.from_request(self.request())
            )
            other, created = membership.do_submit_application(
                self.platform,
                cleaned(name="NPO法人べつのかい", email="betsu@example.jp"),
                actor=Actor.from_request(self.request()),
            )
        with scope(platform=self.other_platform):
            beta, beta_created = membership.do_submit_application(
                self.other_platform, cleaned(), actor=Actor.from_request(self.request())
            )
        self.assertTrue(created and beta_created)
        self.assertEqual(len({first.submission_token, other.submission_token, beta.submission_token}), 3)
        self.assertEqual(first.submission_token, cleaned()["submission_token"])

    def test_it_checks_the_rules_again_inside_the_transaction(self) -> None:
        make_member(self.platform, "NPO法人みちしるべ")
        with scope(platform=self.platform), self.assertRaises(ValidationError) as raised:
            membership.do_submit_application(
                self.platform, cleaned(), actor=Actor.from_request(self.request())
            )
        self.assertIn("name", raised.exception.message_dict)
        with scopes_disabled():
            self.assertFalse(Application.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(action="application.submitted").exists())

    def test_it_stores_the_application_even_when_the_mail_server_is_down(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            closed_port = s.getsockname()[1]
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=closed_port,
        ):
            with self.captureOnCommitCallbacks(execute=True) as callbacks, scope(platform=self.platform):
                application, created = membership.do_submit_application(
                    self.platform, cleaned(), actor=Actor.from_request(self.request())
                )
        self.assertTrue(created)
        self.assertEqual(len(callbacks), 1)
        with scopes_disabled():
            self.assertTrue(Application.objects.filter(pk=application.pk).exists())

    def test_it_refuses_to_approve_when_the_name_became_a_member_meanwhile(self) -> None:
        application = make_application(self.platform, "NPO法人みちしるべ")
        make_member(self.platform, "みちしるべ")
        with scope(platform=self.platform), self.assertRaises(ValidationError) as raised:
            membership.do_approve_application(
                application, tier=None, actor=Actor.from_request(self.request(self.admin))
            )
        self.assertIn("既に会員として登録されています", raised.exception.messages[0])
        with scopes_disabled():
            application.refresh_from_db()
        self.assertEqual(application.status, Application.Status.PENDING)

    def test_it_refuses_a_rejoin_when_a_ban_was_recorded_after_the_application(self) -> None:
        previous = make_member(self.platform, "旧みちしるべ", status=MemberOrganisation.Status.WITHDRAWN)
        application = make_application(self.platform, "NPO法人みちしるべ", previous_member=previous)
        until = today_in_tokyo() + datetime.timedelta(days=5)
        with scopes_disabled():
            MemberOrganisation.objects.filter(pk=previous.pk).update(
                status=MemberOrganisation.Status.EXPELLED, rejoin_banned_until=until
            )
        with scope(platform=self.platform), self.assertRaises(ValidationError) as raised:
            membership.do_approve_application(
                application, tier=None, actor=Actor.from_request(self.request(self.admin))
            )
        self.assertIn("除名から", raised.exception.messages[0])
        with scopes_disabled():
            previous.refresh_from_db()
        self.assertEqual(previous.status, MemberOrganisation.Status.EXPELLED)

    def test_it_refuses_a_stale_copy_of_a_decided_application(self) -> None:
        application = make_application(self.platform, "NPO法人みちしるべ")
        with scopes_disabled():
            Application.objects.filter(pk=application.pk).update(status=Application.Status.REJECTED)
        self.assertEqual(application.status, Application.Status.PENDING)  # the stale copy
        with scope(platform=self.platform), self.assertRaises(membership.AlreadyDecided):
            membership.do_approve_application(
                application,
                tier=tier(self.platform, "一般団体"),
                actor=Actor.from_request(self.request(self.admin)),
            )
        with scopes_disabled():
            self.assertFalse(MemberOrganisation.objects.filter(name="NPO法人みちしるべ").exists())

    def test_it_refuses_a_recommendation_by_a_former_member(self) -> None:
        application = make_application(self.platform, "NPO法人みちしるべ")
        former_core = make_member(
            self.platform,
            "旧幹事団体",
            tier=tier(self.platform, "幹事団体"),
            status=MemberOrganisation.Status.WITHDRAWN,
        )
        with scope(platform=self.platform), self.assertRaises(ValidationError) as raised:
            membership.do_recommend_application(
                application,
                recommended_by=former_core,
                note="",
                actor=Actor.from_request(self.request(self.admin)),
            )
        self.assertIn("recommended_by", raised.exception.message_dict)

    def test_it_refuses_a_short_rejection_reason(self) -> None:
        application = make_application(self.platform, "NPO法人みちしるべ")
        with scope(platform=self.platform), self.assertRaises(ValidationError):
            membership.do_reject_application(
                application, reason="  だめ  ", actor=Actor.from_request(self.request(self.admin))
            )
        with scopes_disabled():
            application.refresh_from_db()
        self.assertEqual(application.status, Application.Status.PENDING)

    def test_it_finds_possible_duplicates_by_email_and_phone_but_not_itself(self) -> None:
        application = make_application(
            self.platform, "NPO法人みちしるべ", email="michi@example.jp", phone="058-000-1234"
        )
        other = make_application(
            self.platform, "全く別の団体", email="MICHI@example.jp", status=Application.Status.REJECTED
        )
        member = make_member(self.platform, "電話が同じ", phone="058-000-1234")
        make_member(self.other_platform, "NPO法人みちしるべ")
        with scope(platform=self.platform):
            found = queries.possible_duplicates(application)
        self.assertEqual([a.pk for a in found.applications], [other.pk])
        self.assertEqual([m.pk for m in found.members], [member.pk])
